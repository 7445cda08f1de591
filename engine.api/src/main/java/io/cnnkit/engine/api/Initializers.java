package io.cnnkit.engine.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Keras initializers by name (glorot_uniform, he_normal, constant(0.12), ...) and the
 * walkthrough's classic image kernels (sharpen, laplacian, sobel_x, ...), which fill a conv
 * kernel (kh, kw, in, out) so that filter {@code f} applies the kernel to input channel
 * {@code f % in}: on an RGB image with 3 filters the picture is filtered channel by channel.
 *
 * <p>A parameter value may be a name ({@code "he_normal"}), a Keras serialized object
 * ({@code {"class_name": "Constant", "config": {"value": 0.12}}}, Keras 2 and 3), or the
 * one-line form's call ({@code constant(0.12)}: class_name plus positional {@code args}).
 * Keras's aliases {@code zero}, {@code one}, {@code uniform} and {@code normal} (the Keras 1
 * names) are read as zeros, ones, random_uniform and random_normal (since 1.4: uniform, normal).
 *
 * <p>A Keras file may name a plain Python function as initializer; Keras 2.13 and later store
 * it as {@code {"module": "builtins", "class_name": "function", "config": "random_kernel"}}: the
 * function's name only, not its code. cnnkit cannot reproduce it, yet such a model is still
 * buildable because its weights come from the file. The weight is therefore filled with NaN
 * ({@link #isUnreproducible}): loaded weights replace it; a run before that fails with an
 * error asking for the weights, instead of running on made-up numbers. Any other unknown name is an
 * error at build time.
 */
public final class Initializers {
    private static final double TRUNCATED_STDDEV_FIX = 0.87962566103423978;

    private static final Map<String, float[][]> KERNELS = Map.of(
            "identity", new float[][] {{0, 0, 0}, {0, 1, 0}, {0, 0, 0}},
            "sharpen", new float[][] {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}},
            // A 5x5 sharpen: 2x identity minus a 5x5 mean, as the walkthrough's finer kernel.
            "sharpen5", new float[][] {
                {-1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f},
                {-1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f},
                {-1 / 25f, -1 / 25f, 2 - 1 / 25f, -1 / 25f, -1 / 25f},
                {-1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f},
                {-1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f, -1 / 25f}},
            "laplacian", new float[][] {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}},
            "sobel_x", new float[][] {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}},
            "sobel_y", new float[][] {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}},
            "box", new float[][] {{1 / 9f, 1 / 9f, 1 / 9f}, {1 / 9f, 1 / 9f, 1 / 9f}, {1 / 9f, 1 / 9f, 1 / 9f}},
            "gaussian", new float[][] {{1 / 16f, 2 / 16f, 1 / 16f}, {2 / 16f, 4 / 16f, 2 / 16f}, {1 / 16f, 2 / 16f, 1 / 16f}});

    /**
     * Other names Keras reads for initializers: Keras 1's (zero, one, uniform, normal), which
     * Keras 2 kept as aliases. Keras 1 configs pass them as they are (see {@link Keras1}).
     */
    private static final Map<String, String> ALIASES = Map.of("zero", "zeros", "one", "ones", "uniform",
            "random_uniform", "normal", "random_normal");

    private static final List<String> KERAS_NAMES = List.of("glorot_uniform", "glorot_normal", "he_uniform",
            "he_normal", "lecun_uniform", "lecun_normal", "random_uniform", "random_normal", "truncated_normal",
            "zeros", "ones", "constant", "variance_scaling");

    private Initializers() {
    }

    /** Names accepted by {@link #resolve}. */
    public static List<String> names() {
        TreeSet<String> all = new TreeSet<>(KERAS_NAMES);
        all.addAll(KERNELS.keySet());
        return List.copyOf(all);
    }

    /** The named image kernel (kh x kw), e.g. {@code sharpen}; null when unknown. */
    public static float[][] kernel(String name) {
        float[][] k = KERNELS.get(name);
        if (k == null) {
            return null;
        }
        float[][] copy = new float[k.length][];
        for (int i = 0; i < k.length; i++) {
            copy[i] = k[i].clone();
        }
        return copy;
    }

    /** Names of the classic image kernels (sharpen, laplacian, ...). */
    public static List<String> kernelNames() {
        return List.copyOf(new TreeSet<>(KERNELS.keySet()));
    }

    /**
     * Whether {@code value} is a Keras serialized Python function ({@code class_name "function"}),
     * which {@link #resolve} turns into a NaN fill that only loaded weights replace.
     */
    public static boolean isUnreproducible(Object value) {
        return value instanceof Map<?, ?> m && "function".equals(m.get("class_name"));
    }

    /** The initializer a layer parameter names, or {@code defaultName} when absent. */
    public static Initializer resolve(LayerSpec spec, String param, String defaultName) {
        Object v = spec.has(param) ? spec.raw(param) : defaultName;
        if (isUnreproducible(v)) {
            // Only the function's name was saved: no numbers to draw. NaN until weights are loaded.
            // (classes, not lambdas: the class-data archive cannot hold a bundle's lambdas)
            return new Constant(Float.NaN);
        }
        String name;
        Map<?, ?> config = Map.of();
        List<?> args = List.of();
        if (v instanceof String s) {
            name = s;
        } else if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String cn) {
            name = cn;
            if (m.get("config") instanceof Map<?, ?> c) {
                config = c;
            }
            if (m.get("args") instanceof List<?> a) {
                args = a;
            }
        } else {
            throw spec.paramError(param, "must name an initializer (e.g. glorot_uniform, he_normal, "
                    + "constant(0.1) or an image kernel such as sharpen), got " + LayerSpec.describe(v));
        }
        String snake = snake(name);
        String key = ALIASES.getOrDefault(snake, snake);
        double scale;
        String mode;
        String dist;
        switch (key) {
            case "zeros" -> {
                return new Constant(0f);
            }
            case "ones" -> {
                return new Constant(1f);
            }
            case "constant" -> {
                double value = number(spec, param, config, args, "value", 0, 0.0);
                return new Constant((float) value);
            }
            case "random_uniform" -> {
                double lo = number(spec, param, config, args, "minval", 0, -0.05);
                double hi = number(spec, param, config, args, "maxval", 1, 0.05);
                return drawn(new Draws() {
                    @Override
                    double draw(Random r) {
                        return lo + (hi - lo) * r.nextDouble();
                    }
                });
            }
            case "random_normal" -> {
                double mean = number(spec, param, config, args, "mean", 0, 0.0);
                double sd = number(spec, param, config, args, "stddev", 1, 0.05);
                return drawn(new Draws() {
                    @Override
                    double draw(Random r) {
                        return mean + sd * r.nextGaussian();
                    }
                });
            }
            case "truncated_normal" -> {
                double mean = number(spec, param, config, args, "mean", 0, 0.0);
                double sd = number(spec, param, config, args, "stddev", 1, 0.05);
                return drawn(new Draws() {
                    @Override
                    double draw(Random r) {
                        return mean + sd * truncated(r);
                    }
                });
            }
            case "glorot_uniform" -> {
                scale = 1; mode = "fan_avg"; dist = "uniform";
            }
            case "glorot_normal" -> {
                scale = 1; mode = "fan_avg"; dist = "truncated_normal";
            }
            case "he_uniform" -> {
                scale = 2; mode = "fan_in"; dist = "uniform";
            }
            case "he_normal" -> {
                scale = 2; mode = "fan_in"; dist = "truncated_normal";
            }
            case "lecun_uniform" -> {
                scale = 1; mode = "fan_in"; dist = "uniform";
            }
            case "lecun_normal" -> {
                scale = 1; mode = "fan_in"; dist = "truncated_normal";
            }
            case "variance_scaling" -> {
                scale = number(spec, param, config, args, "scale", 0, 1.0);
                mode = string(config, "mode", "fan_in");
                dist = string(config, "distribution", "truncated_normal");
                if (dist.equals("normal")) {
                    dist = "truncated_normal";
                }
            }
            default -> {
                float[][] k = KERNELS.get(key);
                if (k == null) {
                    throw spec.paramError(param, "names an unknown initializer '" + name + "'"
                            + DidYouMean.suggestion(name, names(), Map.of(), "initializers"));
                }
                return new ImageKernel(spec, param, key, k);
            }
        }
        String m = mode;
        String d = dist;
        double s = scale;
        if (!m.equals("fan_in") && !m.equals("fan_out") && !m.equals("fan_avg")) {
            throw spec.paramError(param, "has an unknown mode '" + m + "' (fan_in, fan_out, fan_avg)");
        }
        if (!d.equals("uniform") && !d.equals("truncated_normal") && !d.equals("untruncated_normal")) {
            throw spec.paramError(param, "has an unknown distribution '" + d
                    + "' (uniform, truncated_normal, untruncated_normal)");
        }
        return drawn(new VarianceScaling(m, d, s));
    }

    /** Keras's VarianceScaling (glorot, he, lecun): the spread follows the weight's fans. */
    private static final class VarianceScaling implements Initializer {
        private final String mode;
        private final String distribution;
        private final double scale;

        VarianceScaling(String mode, String distribution, double scale) {
            this.mode = mode;
            this.distribution = distribution;
            this.scale = scale;
        }

        @Override
        public void fill(Tensor t, Random r) {
            double[] fans = fans(t.shape());
            double n = switch (mode) {
                case "fan_in" -> fans[0];
                case "fan_out" -> fans[1];
                default -> (fans[0] + fans[1]) / 2;
            };
            double var = scale / Math.max(1.0, n);
            switch (distribution) {
                case "uniform" -> {
                    double limit = Math.sqrt(3 * var);
                    new Draws() {
                        @Override
                        double draw(Random r) {
                            return -limit + 2 * limit * r.nextDouble();
                        }
                    }.fill(t, r);
                }
                case "truncated_normal" -> {
                    double sd = Math.sqrt(var) / TRUNCATED_STDDEV_FIX;
                    new Draws() {
                        @Override
                        double draw(Random r) {
                            return sd * truncated(r);
                        }
                    }.fill(t, r);
                }
                default -> {
                    double sd = Math.sqrt(var);
                    new Draws() {
                        @Override
                        double draw(Random r) {
                            return sd * r.nextGaussian();
                        }
                    }.fill(t, r);
                }
            }
        }
    }

    /** Keras's fan computation: conv (kh, kw, in, out) -> (kh*kw*in, kh*kw*out); dense (in, out). */
    static double[] fans(int[] shape) {
        if (shape.length < 1) {
            return new double[] {1, 1};
        }
        if (shape.length == 1) {
            return new double[] {shape[0], shape[0]};
        }
        if (shape.length == 2) {
            return new double[] {shape[0], shape[1]};
        }
        double receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            receptive *= shape[i];
        }
        return new double[] {receptive * shape[shape.length - 2], receptive * shape[shape.length - 1]};
    }

    /** Fills with one value: zeros, ones, constant, and NaN for an unreproducible function. */
    private static final class Constant implements Initializer {
        private final float value;

        Constant(float value) {
            this.value = value;
        }

        @Override
        public void fill(Tensor t, Random r) {
            fillConst(t, value);
        }
    }

    /** Fills a conv kernel with a named image kernel ({@link #fillKernel}). */
    private static final class ImageKernel implements Initializer {
        private final LayerSpec spec;
        private final String param;
        private final String name;
        private final float[][] k;

        ImageKernel(LayerSpec spec, String param, String name, float[][] k) {
            this.spec = spec;
            this.param = param;
            this.name = name;
            this.k = k;
        }

        @Override
        public void fill(Tensor t, Random r) {
            fillKernel(spec, param, name, k, t);
        }
    }

    private static void fillKernel(LayerSpec spec, String param, String name, float[][] k, Tensor t) {
        if (t.rank() != 4) {
            throw spec.paramError(param, "'" + name + "' is an image kernel and fits only conv kernels");
        }
        int kh = t.dim(0), kw = t.dim(1), cin = t.dim(2), cout = t.dim(3);
        if (kh != k.length || kw != k[0].length) {
            throw spec.paramError(param, "'" + name + "' is a " + k.length + "x" + k[0].length
                    + " kernel but kernel_size is " + kh + "x" + kw + "; set kernel_size=" + k.length);
        }
        fillConst(t, 0f);
        for (int f = 0; f < cout; f++) {
            int c = f % cin;
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    t.set(k[y][x], y, x, c, f);
                }
            }
        }
    }

    private static double truncated(Random r) {
        double g;
        do {
            g = r.nextGaussian();
        } while (Math.abs(g) > 2);
        return g;
    }

    private static void fillConst(Tensor t, float v) {
        java.util.Arrays.fill(t.data(), t.offset(), t.offset() + t.size(), v);
    }

    /**
     * An initializer that draws from the random source (the uniform, normal and variance-scaling
     * families): what {@link WeightSet#add} may leave for later in a build whose
     * {@link BuildRandom#defersDraws()} says so. Constants and image kernels are never deferred
     * (they cost nothing and check their shapes at once).
     */
    record Drawn(Initializer body) implements Initializer {
        @Override
        public void fill(Tensor weight, Random random) {
            body.fill(weight, random);
        }
    }

    private static Initializer drawn(Initializer body) {
        return new Drawn(body);
    }

    /** Fills a weight element by element, in order, with one {@link #draw} each. */
    private abstract static class Draws implements Initializer {
        @Override
        public void fill(Tensor t, Random r) {
            float[] a = t.data();
            for (int i = 0; i < t.size(); i++) {
                a[t.offset() + i] = (float) draw(r);
            }
        }

        abstract double draw(Random r);
    }

    private static double number(LayerSpec spec, String param, Map<?, ?> config, List<?> args, String key, int pos,
            double def) {
        Object v = config.containsKey(key) ? config.get(key) : (args.size() > pos ? args.get(pos) : null);
        if (v == null) {
            return def;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw spec.paramError(param, "option '" + key + "' must be a number, got " + LayerSpec.describe(v));
    }

    private static String string(Map<?, ?> config, String key, String def) {
        Object v = config.get(key);
        return v instanceof String s ? s : def;
    }

    /** Keras class names to snake case: GlorotUniform -> glorot_uniform, Zeros -> zeros. */
    static String snake(String name) {
        if (name.indexOf('_') >= 0 || name.equals(name.toLowerCase(Locale.ROOT))) {
            return name.toLowerCase(Locale.ROOT);
        }
        // an underscore before each capital that follows a lower-case letter or digit (a loop:
        // replaceAll would compile its pattern on every call, once per layer of a model)
        StringBuilder s = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            char before = i > 0 ? name.charAt(i - 1) : ' ';
            if (c >= 'A' && c <= 'Z' && (before >= 'a' && before <= 'z' || before >= '0' && before <= '9')) {
                s.append('_');
            }
            s.append(c);
        }
        return s.toString().toLowerCase(Locale.ROOT);
    }
}
