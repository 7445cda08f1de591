package io.cnnkit.io.h5;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/**
 * Test-only layer providers that declare Keras's weights and shapes (the real layer bundles
 * are written in parallel). They compute nothing: these tests are about weight files.
 * Types: conv2d (kernel (kh,kw,in,filters) + bias), depthwise_conv2d (depthwise_kernel
 * (kh,kw,C,1) + bias), batch_normalization (gamma, beta, moving_mean, moving_variance),
 * prelu (alpha (1,1,C)), dense (kernel (in,units) + bias), and weightless max_pooling2d
 * (halves H and W), flatten and relu; "declared" takes its weights' names and shapes
 * from its {@code weights} parameter (models mirroring real files).
 */
final class FakeLayers {
    private FakeLayers() {
    }

    static StandaloneEngine engine() {
        StandaloneEngine e = Engines.standalone();
        e.register(new Provider("conv2d", Set.of("filters", "kernel_size", "use_bias")));
        e.register(new Provider("depthwise_conv2d", Set.of("kernel_size")));
        e.register(new Provider("batch_normalization", Set.of()));
        e.register(new Provider("prelu", Set.of()));
        e.register(new Provider("dense", Set.of("units", "use_bias")));
        e.register(new Provider("max_pooling2d", Set.of()));
        e.register(new Provider("flatten", Set.of()));
        e.register(new Provider("relu", Set.of()));
        e.register(new Provider("declared", Set.of("weights")));
        return e;
    }

    static final class Provider implements LayerProvider {
        private final String type;
        private final Set<String> params;

        Provider(String type, Set<String> params) {
            this.type = type;
            this.params = params;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Set<String> parameters() {
            return params;
        }

        @Override
        public Layer create(LayerSpec spec, Shape in, BuildContext context) {
            Random r = context.random();
            Map<String, Tensor> w = new LinkedHashMap<>();
            int c = in.dim(-1);
            Shape out = in;
            switch (type) {
                case "conv2d" -> {
                    int f = spec.requirePositive("filters");
                    int[] k = spec.getTuple("kernel_size", 2, null);
                    w.put("kernel", random(r, k[0], k[1], c, f));
                    if (spec.getBoolean("use_bias", true)) {
                        w.put("bias", random(r, f));
                    }
                    out = Shape.of(in.dim(0), in.dim(1), f);
                }
                case "depthwise_conv2d" -> {
                    int[] k = spec.getTuple("kernel_size", 2, null);
                    w.put("depthwise_kernel", random(r, k[0], k[1], c, 1));
                    w.put("bias", random(r, c));
                }
                case "batch_normalization" -> {
                    for (String n : new String[] {"gamma", "beta", "moving_mean", "moving_variance"}) {
                        w.put(n, random(r, c));
                    }
                }
                case "prelu" -> w.put("alpha", random(r, 1, 1, c));
                case "dense" -> {
                    int u = spec.requirePositive("units");
                    w.put("kernel", random(r, c, u));
                    if (spec.getBoolean("use_bias", true)) {
                        w.put("bias", random(r, u));
                    }
                    out = Shape.of(u);
                }
                case "max_pooling2d" -> out = Shape.of(in.dim(0) / 2, in.dim(1) / 2, c);
                case "flatten" -> out = Shape.of((int) in.elementCount());
                case "relu" -> out = in;
                case "declared" -> {
                    // {"kernel": [3, 3, 1, 4], "bias": [4]}: weights exactly as a test declares them
                    Object decl = spec.raw("weights");
                    if (decl instanceof Map<?, ?> m) {
                        for (var e : m.entrySet()) {
                            int[] shape = ((java.util.List<?>) e.getValue()).stream()
                                    .mapToInt(x -> ((Number) x).intValue()).toArray();
                            w.put((String) e.getKey(), random(r, shape));
                        }
                    }
                }
                default -> throw spec.error("fake provider has no type " + type);
            }
            return new FakeLayer(spec.name(), type, in, out, w);
        }

        private static Tensor random(Random r, int... shape) {
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) r.nextGaussian();
            }
            return t;
        }
    }

    record FakeLayer(String name, String type, Shape inputShape, Shape out, Map<String, Tensor> weights)
            implements Layer {
        @Override
        public Shape outputShape(Shape input) {
            return out;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            throw new UnsupportedOperationException("fake layer '" + name + "' only declares weights");
        }
    }
}
