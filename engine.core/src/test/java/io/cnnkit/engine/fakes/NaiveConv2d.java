package io.cnnkit.engine.fakes;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.api.WeightSet;

/**
 * Test-scope conv2d (stride, valid/same with TensorFlow's padding split, bias, activation),
 * a direct loop over output rows through the engine's scheduler. Counts and weakly
 * remembers the layers it creates so hot-swap tests can see which provider built a model.
 */
public class NaiveConv2d implements LayerProvider {
    public final AtomicInteger created = new AtomicInteger();
    public final List<WeakReference<Layer>> layers = new ArrayList<>();

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("filters", "kernel_size");
    }

    @Override
    public Set<String> parameters() {
        return Set.of("filters", "kernel_size", "strides", "padding", "use_bias", "activation",
                "kernel_initializer", "bias_initializer");
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("Conv2D", "Convolution2D");
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = LayerProvider.super.fromKeras(kerasClass, config);
        // Keras 1 spellings.
        if (config.containsKey("nb_filter")) {
            out.put("filters", config.get("nb_filter"));
            out.put("kernel_size", List.of(config.get("nb_row"), config.get("nb_col")));
        }
        if (config.containsKey("subsample")) {
            out.put("strides", config.get("subsample"));
        }
        if (config.containsKey("border_mode")) {
            out.put("padding", config.get("border_mode"));
        }
        return out;
    }

    @Override
    public Layer create(LayerSpec spec, Shape in, BuildContext context) {
        int filters = spec.requirePositive("filters");
        int[] k = spec.getTuple("kernel_size", 2, null);
        int[] s = spec.getTuple("strides", 2, new int[] {1, 1});
        String padding = spec.getChoice("padding", "valid", "valid", "same");
        boolean useBias = spec.getBoolean("use_bias", true);
        Activation act = context.activation(spec, spec.raw("activation"));
        if (in.rank() != 3 || !in.isKnown(2)) {
            throw spec.error("needs an input (height, width, channels) with known channels, got " + in);
        }
        int cin = in.dim(2);
        WeightSet w = new WeightSet();
        Tensor kernel = w.add("kernel", Initializers.resolve(spec, "kernel_initializer", "glorot_uniform"),
                context.random(), k[0], k[1], cin, filters);
        Tensor bias = useBias ? w.add("bias", Initializers.resolve(spec, "bias_initializer", "zeros"),
                context.random(), filters) : null;
        Layer layer = new Conv(spec, in, filters, k, s, padding.equals("same"), kernel, bias, act, w);
        created.incrementAndGet();
        layers.add(new WeakReference<>(layer));
        return layer;
    }

    private record Conv(LayerSpec spec, Shape inputShape, int filters, int[] k, int[] s, boolean same, Tensor kernel,
            Tensor bias, Activation act, WeightSet w) implements Layer {
        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public String type() {
            return "conv2d";
        }

        @Override
        public Shape outputShape(Shape in) {
            return Shape.of(out(in, 0), out(in, 1), filters);
        }

        private int out(Shape in, int axis) {
            if (!in.isKnown(axis)) {
                return Shape.UNKNOWN;
            }
            int n = in.dim(axis);
            int o = same ? (n + s[axis] - 1) / s[axis] : (n - k[axis]) / s[axis] + 1;
            if (n < 1 || (!same && n < k[axis])) {
                throw spec.error("input " + in.dim(0) + "x" + in.dim(1) + " with kernel " + k[0] + "x" + k[1]
                        + ", strides " + s[0] + "x" + s[1] + ", padding " + (same ? "same" : "valid")
                        + " gives an empty output; use padding=same, a smaller kernel or a larger input");
            }
            return o;
        }

        private int padBefore(int n, int axis) {
            if (!same) {
                return 0;
            }
            int o = (n + s[axis] - 1) / s[axis];
            int total = Math.max(0, (o - 1) * s[axis] + k[axis] - n);
            return total / 2; // the extra cell goes bottom/right, as TensorFlow does
        }

        @Override
        public void forward(Tensor x, Tensor y, ExecutionContext ctx) {
            int n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
            int oh = y.dim(1), ow = y.dim(2);
            int pt = padBefore(h, 0), pl = padBefore(wd, 1);
            float[] xd = x.data(), yd = y.data(), kd = kernel.data();
            int xo = x.offset(), yo = y.offset();
            ctx.parallelFor(n * oh, (long) ow * filters * k[0] * k[1] * c, (from, to) -> {
                for (int row = from; row < to; row++) {
                    int b = row / oh, oy = row % oh;
                    for (int ox = 0; ox < ow; ox++) {
                        for (int f = 0; f < filters; f++) {
                            float sum = bias == null ? 0f : bias.data()[bias.offset() + f];
                            for (int ky = 0; ky < k[0]; ky++) {
                                int iy = oy * s[0] + ky - pt;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < k[1]; kx++) {
                                    int ix = ox * s[1] + kx - pl;
                                    if (ix < 0 || ix >= wd) {
                                        continue;
                                    }
                                    for (int ci = 0; ci < c; ci++) {
                                        sum += xd[xo + ((b * h + iy) * wd + ix) * c + ci]
                                                * kd[kernel.offset() + ((ky * k[1] + kx) * c + ci) * filters + f];
                                    }
                                }
                            }
                            yd[yo + ((b * oh + oy) * ow + ox) * filters + f] = sum;
                        }
                    }
                    int start = yo + (b * oh + oy) * ow * filters;
                    act.apply(yd, start, yd, start, ow * filters, filters);
                }
            });
        }

        @Override
        public Map<String, Tensor> weights() {
            return w.asMap();
        }
    }
}
