package io.cnnkit.layers.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;

class DenseLayerTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Harness.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    /** Runs chunks of one item in reverse order: any tiling must still give the same bits. */
    private static final ExecutionContext REVERSED = new ExecutionContext() {
        @Override
        public int parallelism() {
            return 3;
        }

        @Override
        public void parallelFor(int count, long costPerItem, RangeBody body) {
            for (int i = count - 1; i >= 0; i--) {
                body.run(i, i + 1);
            }
        }
    };

    @Test
    void tiledKernelIsBitIdenticalToNaive() {
        Random r = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int rows = 1 + r.nextInt(6);
            int in = 1 + r.nextInt(150);
            int units = 1 + r.nextInt(200);
            Tensor x = random(r, rows, in);
            Tensor k = random(r, in, units);
            Tensor b = trial % 3 == 0 ? null : random(r, units);
            float[] expected = new float[rows * units];
            DenseKernels.naive(x.data(), 0, rows, in, k.data(), 0, b == null ? null : b.data(), 0, units, expected, 0);
            float[] tiled = new float[rows * units];
            DenseKernels.tiled(x.data(), 0, rows, in, k.data(), 0, b == null ? null : b.data(), 0, units, tiled, 0,
                    REVERSED);
            assertTrue(Tensor.wrap(expected, rows, units).contentEquals(Tensor.wrap(tiled, rows, units)),
                    "trial " + trial + " rows " + rows + " in " + in + " units " + units);
        }
    }

    /** Through the engine with enough work to fork: 1, 2 and 3 threads give the naive kernel's bits. */
    @Test
    void denseLayerBitIdenticalForEveryThreadCount() {
        Random r = new Random(5);
        int in = 300;
        int units = 200;
        try (Model m = Harness.build(engine, Shape.of(in), Harness.spec("dense", "units", (long) units)
                .withName("fc"))) {
            Map<String, Tensor> w = m.weights().get("fc");
            Tensor k = w.get("kernel");
            Tensor b = random(r, units);
            m.setWeights("fc", Map.of("bias", b));
            Tensor x = random(r, 16, in);
            float[] expected = new float[16 * units];
            DenseKernels.naive(x.data(), 0, 16, in, k.data(), k.offset(), b.data(), 0, units, expected, 0);
            for (int threads = 1; threads <= 3; threads++) {
                Tensor y = m.predict(x, RunOptions.DEFAULT.withThreads(threads));
                assertTrue(Tensor.wrap(expected, 16, units).contentEquals(y), "threads " + threads);
            }
        }
    }

    /** The walkthrough's MLP: 32x32x3 -> flatten -> 1024 -> 512 -> 10 has 3,676,682 params (Keras). */
    @Test
    void walkthroughParameterCount() {
        try (Model m = Harness.build(engine, Shape.of(32, 32, 3), Harness.spec("flatten"),
                Harness.spec("dense", "units", 1024L, "activation", "relu"),
                Harness.spec("dense", "units", 512L, "activation", "relu"),
                Harness.spec("dense", "units", 10L, "activation", "softmax"))) {
            Summary s = m.summary();
            assertEquals(3_676_682L, s.totalParams());
            assertEquals(3_676_682L, s.trainableParams());
            assertEquals(List.of(0L, 3_146_752L, 524_800L, 5_130L),
                    s.rows().stream().map(Summary.Row::params).toList());
            assertEquals(List.of("flatten", "dense", "dense_1", "dense_2"),
                    s.rows().stream().map(Summary.Row::name).toList());
            assertEquals(Shape.of(3072), s.rows().get(0).outputShape());
            assertTrue(s.format().contains("Total params: 3,676,682"), s.format());
            Tensor y = m.predict(random(new Random(1), 2, 32, 32, 3));
            for (int n = 0; n < 2; n++) {
                double sum = 0;
                for (int u = 0; u < 10; u++) {
                    sum += y.get(n, u);
                }
                assertEquals(1.0, sum, 1e-5, "softmax rows sum to 1");
            }
        }
    }

    @Test
    void denseInitialWeightsAndNoBias() {
        try (Model m = Harness.build(engine, Shape.of(20), Harness.spec("dense", "units", 30L).withName("a"),
                Harness.spec("dense", "units", 4L, "use_bias", false).withName("b"))) {
            Tensor k = m.weights().get("a").get("kernel");
            Tensor b = m.weights().get("a").get("bias");
            double limit = Math.sqrt(6.0 / (20 + 30));
            double maxAbs = 0;
            for (float v : k.toArray()) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertTrue(maxAbs <= limit && maxAbs > limit / 2, "glorot_uniform within +-" + limit + ": " + maxAbs);
            for (float v : b.toArray()) {
                assertEquals(0f, v);
            }
            assertEquals(List.of("kernel"), List.copyOf(m.weights().get("b").keySet()));
            assertEquals(30 * 4, m.summary().rows().get(1).params());
        }
    }

    @Test
    void denseErrors() {
        String open = assertThrows(ModelException.class, () -> Harness.build(engine,
                Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3), Harness.spec("flatten"), Harness.spec("dense", "units", 8L)))
                .getMessage();
        assertTrue(open.contains("layer 2") && open.contains("(None, None)") && open.contains("last dimension"), open);
        String missing = assertThrows(ModelException.class,
                () -> Harness.build(engine, Shape.of(4), Harness.spec("dense"))).getMessage();
        assertTrue(missing.contains("'units'") && missing.contains("required"), missing);
        String zero = assertThrows(ModelException.class,
                () -> Harness.build(engine, Shape.of(4), Harness.spec("dense", "units", 0L))).getMessage();
        assertTrue(zero.contains("'units'") && zero.contains("positive"), zero);
        String act = assertThrows(ModelException.class,
                () -> Harness.build(engine, Shape.of(4), Harness.spec("dense", "units", 2L, "activation", "swish")))
                .getMessage();
        assertTrue(act.contains("swish") && act.contains("relu"), act);
    }

    /** A Keras serialized activation object as Dense's activation, with options. */
    @Test
    void denseWithSerializedActivation() {
        Map<String, Object> relu = Map.of("class_name", "ReLU", "config", Map.of("max_value", 1.0));
        try (Model m = Harness.build(engine, Shape.of(1), Harness.spec("dense", "units", 1L, "activation", relu,
                "kernel_initializer", "ones"))) {
            Tensor y = m.predict(Tensor.wrap(new float[] {-2, 0.5f, 3}, 3, 1));
            assertTrue(Tensor.wrap(new float[] {0, 0.5f, 1}, 3, 1).contentEquals(y), () -> "" + y.get(2, 0));
        }
    }

    @Test
    void denseFromKeras() {
        DenseProvider p = new DenseProvider();
        Map<String, Object> k2 = new LinkedHashMap<>();
        k2.put("name", "dense");
        k2.put("trainable", true);
        k2.put("units", 10);
        k2.put("activation", "relu");
        k2.put("use_bias", true);
        k2.put("kernel_initializer", Map.of("class_name", "GlorotUniform", "config", Map.of()));
        k2.put("bias_initializer", Map.of("class_name", "Zeros", "config", Map.of()));
        k2.put("kernel_regularizer", null);
        assertEquals(List.of("units", "activation", "use_bias", "kernel_initializer", "bias_initializer"),
                List.copyOf(p.fromKeras("Dense", k2).keySet()));
        Map<String, Object> k1 = Map.of("name", "dense_1", "output_dim", 8, "init", "glorot_uniform",
                "activation", "linear", "bias", false, "input_dim", 4);
        Map<String, Object> m1 = p.fromKeras("Dense", k1);
        assertEquals(8, m1.get("units"));
        assertEquals("glorot_uniform", m1.get("kernel_initializer"));
        assertEquals(false, m1.get("use_bias"));
        assertEquals(List.of("units"), p.positionalParameters());
        // Keras 1's init names (uniform, normal, zero, one) are Keras aliases that Initializers reads
        Map<String, Object> uniform = new LinkedHashMap<>(p.fromKeras("Dense", Map.of("name", "dense_2",
                "output_dim", 3, "init", "uniform", "bias", true)));
        assertEquals("uniform", uniform.get("kernel_initializer"));
        uniform.put("type", "dense");
        try (Model m = Harness.build(engine, Shape.of(4), Harness.spec(uniform).withName("d"))) {
            float[] kernel = m.weights().get("d").get("kernel").toArray();
            for (float w : kernel) {
                assertTrue(w >= -0.05f && w <= 0.05f && w != 0, "random_uniform(-0.05, 0.05): " + w);
            }
        }
    }

    @Test
    void batchNormalizationParameters() {
        try (Model m = Harness.build(engine, Shape.of(8, 8, 16), Harness.spec("batch_normalization").withName("bn"),
                Harness.spec("batch_normalization", "center", false, "axis", List.of(3L)).withName("bn2"))) {
            Summary s = m.summary();
            assertEquals(64 + 48, s.totalParams());
            assertEquals(32 + 16, s.trainableParams());
            assertEquals(64 + 48 - 48, s.nonTrainableParams());
            assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"),
                    List.copyOf(m.layers().get(0).weightShapes().keySet()));
            assertEquals(List.of("gamma", "moving_mean", "moving_variance"),
                    List.copyOf(m.layers().get(1).weightShapes().keySet()));
            assertEquals(java.util.Set.of("moving_mean", "moving_variance"),
                    java.util.Set.copyOf(m.layers().get(0).nonTrainable()));
            // Initial weights: gamma 1, beta 0, mean 0, variance 1 -> y = x / sqrt(1 + 1e-3).
            Tensor x = random(new Random(3), 1, 8, 8, 16);
            Tensor y = m.predict(x);
            float f = (float) (1 / Math.sqrt(1.001));
            assertEquals(x.get(0, 2, 3, 4) * f * f, y.get(0, 2, 3, 4), 1e-6);
        }
        try (Model m = Harness.build(engine, Shape.of(16), Harness.spec("batch_normalization"))) {
            assertEquals(64, m.summary().totalParams());
            assertEquals(32, m.summary().trainableParams());
        }
    }

    @Test
    void batchNormalizationErrors() {
        String axis = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4, 4, 2),
                Harness.spec("batch_normalization", "axis", 0L))).getMessage();
        assertTrue(axis.contains("'axis'") && axis.contains("(None, 4, 4, 2)"), axis);
        String two = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4, 4, 2),
                Harness.spec("batch_normalization", "axis", List.of(1L, 2L)))).getMessage();
        assertTrue(two.contains("one axis"), two);
        String open = assertThrows(ModelException.class, () -> Harness.build(engine,
                Shape.of(4, Shape.UNKNOWN, 2), Harness.spec("batch_normalization", "axis", 2L))).getMessage();
        assertTrue(open.contains("known size"), open);
        String eps = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(2),
                Harness.spec("batch_normalization", "epsilon", 0))).getMessage();
        assertTrue(eps.contains("'epsilon'"), eps);
    }

    @Test
    void preluShapesAndErrors() {
        try (Model m = Harness.build(engine, Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3),
                Harness.spec("prelu", "shared_axes", List.of(1L, 2L)).withName("p"))) {
            assertTrue(java.util.Arrays.equals(new int[] {1, 1, 3}, m.layers().get(0).weightShapes().get("alpha")));
            m.setWeights("p", Map.of("alpha", Tensor.wrap(new float[] {0.1f, 0.2f, 0.5f}, 1, 1, 3)));
            for (int size : new int[] {2, 5}) {
                Tensor x = Tensor.zeros(1, size, size + 1, 3);
                java.util.Arrays.fill(x.data(), -2f);
                Tensor y = m.predict(x);
                assertEquals(-0.2f, y.get(0, size - 1, size, 0));
                assertEquals(-1f, y.get(0, 0, 0, 2));
            }
            assertEquals(3, m.summary().totalParams());
        }
        String open = assertThrows(ModelException.class, () -> Harness.build(engine,
                Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3), Harness.spec("prelu"))).getMessage();
        assertTrue(open.contains("shared_axes") && open.contains("axis 1"), open);
        String range = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4, 4, 3),
                Harness.spec("prelu", "shared_axes", List.of(0L)))).getMessage();
        assertTrue(range.contains("'shared_axes'") && range.contains("axis 0"), range);
    }

    @Test
    void kerasOneConfigs() {
        assertEquals(Map.of("alpha_initializer", "zero"), new PreluProvider().fromKeras("PReLU",
                Map.of("name", "prelu_1", "init", "zero", "trainable", true)));
        BatchNormalizationProvider bn = new BatchNormalizationProvider();
        assertEquals(Map.of("epsilon", 0.001, "axis", -1, "momentum", 0.99), bn.fromKeras("BatchNormalization",
                Map.of("name", "bn", "epsilon", 0.001, "mode", 0, "axis", -1, "momentum", 0.99)));
        String mode = assertThrows(IllegalArgumentException.class,
                () -> bn.fromKeras("BatchNormalization", Map.of("mode", 2, "axis", -1))).getMessage();
        assertTrue(mode.contains("mode 2"), mode);
        // The mapped Keras 1 PReLU builds: "zero" is a Keras 1 initializer name.
        LayerSpec s = new LayerSpec(1, "prelu", null, new PreluProvider().fromKeras("PReLU", Map.of("init", "zero")));
        try (Model m = Harness.build(engine, Shape.of(3), s)) {
            assertTrue(Tensor.zeros(1, 3).contentEquals(m.predict(Tensor.wrap(new float[] {-1, -2, -3}, 1, 3))));
        }
    }

    @Test
    void flattenShapes() {
        try (Model m = Harness.build(engine, Shape.of(Shape.UNKNOWN, 4, 3), Harness.spec("flatten"))) {
            assertEquals(Shape.of(Shape.UNKNOWN), m.layers().get(0).outputShape());
            Tensor x = random(new Random(2), 2, 5, 4, 3);
            Tensor y = m.predict(x);
            assertTrue(y.hasShape(2, 60));
            assertEquals(x.get(1, 3, 2, 1), y.get(1, 3 * 12 + 2 * 3 + 1));
        }
        String cf = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4, 4, 3),
                Harness.spec("flatten", "data_format", "channels_first"))).getMessage();
        assertTrue(cf.contains("channels_last"), cf);
    }

    @Test
    void dropoutIsIdentityAndChecksRate() {
        try (Model m = Harness.build(engine, Shape.of(3, 3, 2), Harness.spec("dropout", "rate", 0.25,
                "noise_shape", java.util.Arrays.asList(null, 1L, 1L, 2L)))) {
            Tensor x = random(new Random(4), 2, 3, 3, 2);
            assertTrue(x.contentEquals(m.predict(x)));
            assertEquals(0, m.summary().totalParams());
        }
        String missing = assertThrows(ModelException.class,
                () -> Harness.build(engine, Shape.of(3), Harness.spec("dropout"))).getMessage();
        assertTrue(missing.contains("'rate'"), missing);
        String high = assertThrows(ModelException.class,
                () -> Harness.build(engine, Shape.of(3), Harness.spec("dropout", "rate", 1.5))).getMessage();
        assertTrue(high.contains("between 0 and 1"), high);
        DropoutProvider p = new DropoutProvider();
        assertEquals(Map.of("rate", 0.3), p.fromKeras("Dropout", Map.of("name", "dropout_1", "p", 0.3)));
        assertEquals(Map.of("rate", 0.1, "seed", 7), p.fromKeras("SpatialDropout2D",
                Map.of("name", "sd", "rate", 0.1, "seed", 7, "trainable", true)));
    }

    @Test
    void activationLayerFromKerasClasses() {
        ActivationLayerProvider p = new ActivationLayerProvider();
        assertEquals(Map.of("activation", "tanh"), p.fromKeras("Activation", Map.of("name", "a", "activation", "tanh")));
        Map<String, Object> reluCfg = new LinkedHashMap<>();
        reluCfg.put("max_value", null);
        reluCfg.put("negative_slope", 0.0);
        reluCfg.put("threshold", 0.0);
        assertEquals(Map.of("activation", "relu", "negative_slope", 0.0, "threshold", 0.0),
                p.fromKeras("ReLU", reluCfg));
        assertEquals(Map.of("activation", "leaky_relu", "alpha", 0.3), p.fromKeras("LeakyReLU", Map.of()));
        assertEquals(Map.of("activation", "leaky_relu", "alpha", 0.1), p.fromKeras("LeakyReLU", Map.of("alpha", 0.1)));
        assertEquals(Map.of("activation", "leaky_relu", "negative_slope", 0.2),
                p.fromKeras("LeakyReLU", Map.of("negative_slope", 0.2)));
        assertEquals(Map.of("activation", "elu", "alpha", 1.0), p.fromKeras("ELU", Map.of()));
        assertEquals(Map.of("activation", "softmax", "axis", -1), p.fromKeras("Softmax", Map.of("axis", -1)));
        assertEquals(Map.of("activation", "relu", "threshold", 1.0), p.fromKeras("ThresholdedReLU", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> p.fromKeras("PReLU", Map.of()));
    }

    /** Keras classes mapped through fromKeras and built: the functions get their options. */
    @Test
    void activationLayerBuildsMappedKerasClasses() {
        ActivationLayerProvider p = new ActivationLayerProvider();
        Tensor x = Tensor.wrap(new float[] {-2, 0.5f, 1, 1.5f}, 1, 4);
        Map<String, float[]> expected = new LinkedHashMap<>();
        expected.put("LeakyReLU", new float[] {-0.6f, 0.5f, 1, 1.5f}); // Keras 2 default alpha 0.3
        expected.put("ThresholdedReLU", new float[] {0, 0, 0, 1.5f}); // theta 1: x * (x > 1)
        expected.put("ELU", new float[] {(float) Math.expm1(-2), 0.5f, 1, 1.5f});
        for (var e : expected.entrySet()) {
            LayerSpec s = new LayerSpec(1, "activation", null, p.fromKeras(e.getKey(), Map.of()));
            try (Model m = Harness.build(engine, Shape.of(4), s)) {
                Tensor y = m.predict(x);
                for (int i = 0; i < 4; i++) {
                    assertEquals(e.getValue()[i], y.get(0, i), 1e-7, e.getKey() + " at " + i);
                }
            }
        }
    }

    @Test
    void activationLayerErrors() {
        String notApplicable = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4),
                Harness.spec("activation", "activation", "elu", "max_value", 6.0))).getMessage();
        assertTrue(notApplicable.contains("'max_value'") && notApplicable.contains("'elu'")
                && notApplicable.contains("alpha"), notApplicable);
        String none = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4),
                Harness.spec("activation", "activation", "linear", "alpha", 1.0))).getMessage();
        assertTrue(none.contains("no options"), none);
        // softmax takes any axis of the input (MoreLayersTest), not one it does not have
        String axis = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(3, 4),
                Harness.spec("activation", "activation", "softmax", "axis", 3L))).getMessage();
        assertTrue(axis.contains("'axis'") && axis.contains("(None, 3, 4)"), axis);
        String reluAxis = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4),
                Harness.spec("activation", "activation", "relu", "axis", -1L))).getMessage();
        assertTrue(reluAxis.contains("'axis'") && reluAxis.contains("'relu'"), reluAxis);
        String missing = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4),
                Harness.spec("activation"))).getMessage();
        assertTrue(missing.contains("'activation'") && missing.contains("required"), missing);
        String unknown = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(4),
                Harness.spec("activation", "activation", "mish"))).getMessage();
        assertTrue(unknown.contains("mish") && unknown.contains("softmax"), unknown);
    }

    /** Softmax through the layer on a batch big enough to split rows across threads. */
    @Test
    void activationLayerRowsAcrossThreads() {
        try (Model m = Harness.build(engine, Shape.of(64, 64, 10), Harness.spec("activation", "activation", "softmax"))) {
            Tensor x = random(new Random(9), 2, 64, 64, 10);
            Tensor one = m.predict(x, RunOptions.DEFAULT.withThreads(1));
            Tensor two = m.predict(x, RunOptions.DEFAULT.withThreads(2));
            assertTrue(one.contentEquals(two));
            List<Double> sums = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                double s = 0;
                for (int c = 0; c < 10; c++) {
                    s += two.get(1, 63, 60 + r, c);
                }
                sums.add(s);
            }
            sums.forEach(s -> assertEquals(1.0, s, 1e-5));
        }
    }
}
