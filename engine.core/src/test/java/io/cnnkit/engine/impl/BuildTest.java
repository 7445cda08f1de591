package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Fakes;

class BuildTest {
    private static final int U = Shape.UNKNOWN;
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    static Tensor random(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        Random r = new Random(seed);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    private static List<String> names(Model m) {
        return m.layers().stream().map(LayerInfo::name).toList();
    }

    @Test
    void kerasDefaultNamesSkipExplicitOnes() {
        try (Model m = engine.build(engine.parse("conv2d(1, 1) | conv2d(1, 1, name=conv2d_1) | conv2d(1, 1) "
                + "| relu | relu(name=activation) | conv2d(1, 1) | sigmoid"))) {
            assertEquals(List.of("conv2d", "conv2d_1", "conv2d_2", "activation_1", "activation", "conv2d_3",
                    "activation_2"), names(m));
            assertEquals(m.description().layers().stream().map(s -> s.name()).toList(), names(m),
                    "the model's description carries the chosen names");
        }
    }

    @Test
    void shapeInferenceWithOpenHeightAndWidth() {
        try (Model m = engine.build(engine.parse(
                "conv2d(4, 3) | max_pooling2d(2) | relu | conv2d(2, (3, 1), strides=(1, 2), padding=same)"))) {
            assertEquals(Shape.of(U, U, 3), m.inputShape());
            assertEquals(List.of(Shape.of(U, U, 4), Shape.of(U, U, 4), Shape.of(U, U, 4), Shape.of(U, U, 2)),
                    m.layers().stream().map(LayerInfo::outputShape).toList());
            assertEquals("(None, None, None, 2)", m.layers().get(3).outputShape().toString());
            // A concrete input: 11x13 -> valid 3x3 -> 9x11 -> pool 2 -> 4x5 -> same, strides (1, 2) -> 4x3
            List<Stage> trace = m.trace(random(1, 1, 11, 13, 3));
            assertEquals(5, trace.size());
            assertEquals("input", trace.get(0).name());
            assertTrue(trace.get(1).output().hasShape(1, 9, 11, 4));
            assertTrue(trace.get(2).output().hasShape(1, 4, 5, 4));
            assertTrue(trace.get(4).output().hasShape(1, 4, 3, 2));
            assertTrue(m.predict(random(2, 2, 7, 7, 3)).hasShape(2, 2, 1, 2),
                    "7x7 -> 5x5 -> 2x2 -> 2x1, batch of 2");
            var small = assertThrows(ModelException.class, () -> m.predict(random(3, 1, 2, 9, 3)));
            assertTrue(small.getMessage().contains("input 2x9 with kernel 3x3"), small.getMessage());
            var grey = assertThrows(ModelException.class, () -> m.predict(random(3, 1, 9, 9, 1)));
            assertTrue(grey.getMessage().contains("channel count"), grey.getMessage());
        }
    }

    @Test
    void summaryCountsParametersAsKeras() {
        try (Model m = engine.build(engine.parse(
                "input(32, 32, 3) | flatten | dense(1024) | dense(512) | dense(10)"))) {
            Summary s = m.summary();
            assertEquals(List.of(0L, 3_146_752L, 524_800L, 5_130L), s.rows().stream().map(Summary.Row::params).toList());
            assertEquals(3_676_682L, s.totalParams());
            assertEquals(3_676_682L, s.trainableParams());
            assertEquals(0L, s.nonTrainableParams());
            String text = s.format();
            assertTrue(text.contains("Total params: 3,676,682"), text);
            assertTrue(text.contains("dense (dense)"), text);
            assertTrue(text.contains("(None, 3072)"), text);
            assertEquals(Map.of("kernel", List.of(3072, 1024), "bias", List.of(1024)),
                    Map.of("kernel", asList(m.layers().get(1).weightShapes().get("kernel")),
                            "bias", asList(m.layers().get(1).weightShapes().get("bias"))));
        }
    }

    private static List<Integer> asList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void prefixAndExtendReuseWeightsByName() {
        ModelDescription full = engine.parse("input(12, 12, 3, seed=5) | conv2d(3, 3, name=conv_1) | max_pooling2d(2) "
                + "| relu | conv2d(3, 3, name=conv_2) | relu | flatten | dense(8, name=dens_1, activation=relu)");
        try (Model m = engine.build(full)) {
            Tensor x = random(9, 1, 12, 12, 3);
            List<Stage> stages = m.trace(x);

            ModelDescription first = m.description().prefixThrough("conv_2");
            assertEquals(4, first.layers().size());
            assertEquals("conv_2", first.layers().get(3).name());
            assertEquals(m.description().prefix(4), first);
            try (Model p = engine.build(first.withName("truncated"))) {
                p.setWeights(Map.of("conv_1", m.weights().get("conv_1"), "conv_2", m.weights().get("conv_2")));
                assertTrue(p.predict(x).contentEquals(stages.get(4).output()),
                        "the truncated model with the full model's weights gives the full model's stage 4");
            }

            ModelDescription extended = first.extend(engine.parse("relu | flatten | dense(8, name=dens_1, "
                    + "activation=relu)").layers());
            assertEquals(7, extended.layers().size());
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), extended.layers().stream().map(s -> s.position()).toList());
            try (Model e = engine.build(extended)) {
                e.setWeights(m.weights());
                assertTrue(e.predict(x).contentEquals(stages.get(7).output()));
            }
            assertEquals(0, full.prefix(0).layers().size());
            assertThrows(ModelException.class, () -> full.prefix(8));
            assertThrows(ModelException.class, () -> full.prefix(-1));
            var none = assertThrows(ModelException.class, () -> full.prefixThrough("conv_9"));
            assertTrue(none.getMessage().contains("no layer named 'conv_9'"));
        }
    }

    @Test
    void sameSeedSameWeightsAndSetWeightsChecksShapes() {
        String line = "input(6, 6, 3, seed=3) | conv2d(2, 3, name=c) | flatten | dense(2, name=d)";
        try (Model a = engine.build(engine.parse(line)); Model b = engine.build(engine.parse(line))) {
            assertTrue(a.weights().get("c").get("kernel").contentEquals(b.weights().get("c").get("kernel")));
            var bad = assertThrows(ModelException.class,
                    () -> a.setWeights("c", Map.of("kernel", Tensor.zeros(3, 3, 3, 3))));
            assertTrue(bad.getMessage().contains("expected shape (3, 3, 3, 2) but got (3, 3, 3, 3)"), bad.getMessage());
            var noWeight = assertThrows(ModelException.class,
                    () -> a.setWeights("c", Map.of("gamma", Tensor.zeros(2))));
            assertTrue(noWeight.getMessage().contains("no weight 'gamma'"), noWeight.getMessage());
            var noLayer = assertThrows(ModelException.class, () -> a.setWeights("x", Map.of()));
            assertTrue(noLayer.getMessage().contains("no layer named 'x'"), noLayer.getMessage());
            // Nothing changed by the failed calls:
            assertTrue(a.weights().get("c").get("kernel").contentEquals(b.weights().get("c").get("kernel")));
        }
    }

    @Test
    void oneRandomStreamPerLayer() {
        try (Model m = engine.build(engine.parse("input(1) | dense(3, kernel_initializer=random_normal, "
                + "bias_initializer=random_normal)"))) {
            Tensor k = m.weights().get("dense").get("kernel");
            Tensor b = m.weights().get("dense").get("bias");
            assertTrue(!k.reshape(3).contentEquals(b), "kernel and bias must not repeat the same random numbers");
        }
    }

    @Test
    void linearActivationNeedsNoService() {
        try (Model m = engine.build(engine.parse("input(1) | dense(1, activation=linear, kernel_initializer=ones, "
                + "bias_initializer=constant(-5))"))) {
            Tensor y = m.predict(Tensor.wrap(new float[] {2f}, 1, 1));
            assertEquals(-3f, y.get(0, 0), "linear keeps negatives: no relu sneaked in");
        }
    }

    /**
     * A layer type of two weights, a (3) and b (2), both from {@code init}; records a's values as
     * each creation leaves them.
     */
    private static final class Probe implements io.cnnkit.engine.api.LayerProvider {
        private final String type;
        private final java.util.function.Function<io.cnnkit.engine.api.LayerSpec, io.cnnkit.engine.api.Initializer> init;
        final List<float[]> atCreation = new java.util.ArrayList<>();

        Probe(String type, java.util.function.Function<io.cnnkit.engine.api.LayerSpec, io.cnnkit.engine.api.Initializer> init) {
            this.type = type;
            this.init = init;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public java.util.Set<String> parameters() {
            return java.util.Set.of();
        }

        @Override
        public io.cnnkit.engine.api.Layer create(io.cnnkit.engine.api.LayerSpec spec, Shape in,
                io.cnnkit.engine.api.BuildContext context) {
            io.cnnkit.engine.api.WeightSet w = new io.cnnkit.engine.api.WeightSet();
            Tensor a = w.add("a", init.apply(spec), context.random(), 3);
            w.add("b", init.apply(spec), context.random(), 2);
            atCreation.add(a.toArray());
            return new io.cnnkit.engine.fakes.FakeLayer(spec, type, in, s -> s, (x, y, ctx) -> y.copyFrom(x), w);
        }
    }

    @Test
    void aRebuildWithStoredWeightsDrawsNone() {
        java.util.concurrent.atomic.AtomicInteger draws = new java.util.concurrent.atomic.AtomicInteger();
        io.cnnkit.engine.api.Initializer counting = (t, r) -> { // not a library initializer: drawn at once
            draws.incrementAndGet();
            for (int i = 0; i < t.size(); i++) {
                t.data()[t.offset() + i] = (float) r.nextGaussian();
            }
        };
        engine.register(new Probe("counted", spec -> counting));
        try (Model m = engine.build(engine.parse("input(4) | counted(name=c1) | counted(name=c2)"))) {
            assertEquals(4, draws.get(), "the first build draws every weight");
            Tensor a = Tensor.wrap(new float[] {1, 2, 3}, 3);
            Tensor b = Tensor.wrap(new float[] {4, 5}, 2);
            Tensor c2a = m.weights().get("c2").get("a");
            m.setWeights(Map.of("c1", Map.of("a", a, "b", b)));
            // the engine keeps every weight (c1's new values, c2's first ones): the rebuild copies
            // them all and draws nothing
            assertEquals(4, draws.get(), "the rebuild after setWeights draws nothing");
            assertTrue(m.weights().get("c1").get("a").contentEquals(a));
            assertTrue(m.weights().get("c1").get("b").contentEquals(b));
            assertTrue(m.weights().get("c2").get("a").contentEquals(c2a), "c2 keeps its first values");
            Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 4);
            assertTrue(m.predict(x).contentEquals(x), "the rebuilt model runs");
        }
    }

    @Test
    void initialValuesAreDrawnAtFirstUseAsAFirstBuildDrewThem() {
        // a model's first build leaves its random initial values zero and draws them when the model is
        // first used: the values are those an eager draw gives (the layer's seeded stream, in order)
        ModelDescription d = engine.parse("input(6, seed=7) | dense(4, name=d, kernel_initializer=he_normal, "
                + "bias_initializer=random_uniform)");
        io.cnnkit.engine.api.LayerSpec spec = d.layers().get(0);
        Random r = new Random(7 * 0x9E3779B97F4A7C15L + "d".hashCode());
        Tensor kernel = Tensor.zeros(6, 4);
        io.cnnkit.engine.api.Initializers.resolve(spec, "kernel_initializer", "glorot_uniform").fill(kernel, r);
        Tensor bias = Tensor.zeros(4);
        io.cnnkit.engine.api.Initializers.resolve(spec, "bias_initializer", "zeros").fill(bias, r);
        try (Model m = engine.build(d)) {
            assertEquals(28L, m.summary().totalParams(), "a summary needs no values");
            Map<String, Tensor> w = m.weights().get("d");
            assertEquals(List.of("kernel", "bias"), List.copyOf(w.keySet()), "Keras's order, as declared");
            assertTrue(w.get("kernel").contentEquals(kernel), "kernel as drawn eagerly");
            assertTrue(w.get("bias").contentEquals(bias), "bias as drawn eagerly, after the kernel");
            assertTrue(m.weights().get("d").get("kernel").contentEquals(kernel), "drawn once");
            Tensor x = Tensor.wrap(new float[] {1, 0, 0, 0, 0, 0}, 1, 6);
            Tensor y = m.predict(x);
            for (int u = 0; u < 4; u++) {
                assertEquals(kernel.get(0, u) + bias.get(u), y.get(0, u), 1e-6f, "the run uses the drawn values");
            }
        }
        try (Model m = engine.build(d)) {
            Tensor x = Tensor.wrap(new float[] {0, 1, 0, 0, 0, 0}, 1, 6);
            Tensor y = m.predict(x); // first use a run: draws before it
            for (int u = 0; u < 4; u++) {
                assertEquals(kernel.get(1, u) + bias.get(u), y.get(0, u), 1e-6f);
            }
        }
        try (Model m = engine.build(engine.parse("input(6, seed=7) | dense(4, name=e)"))) {
            // the zero bias is stored at the first build, the drawn kernel only later: still in order
            assertEquals(List.of("kernel", "bias"), List.copyOf(m.weights().get("e").keySet()));
        }
        try (Model m = engine.build(d)) {
            Tensor k = BuildTest.random(3, 6, 4);
            m.setWeights("d", Map.of("kernel", k)); // loaded before any use: the bias is still drawn
            assertTrue(m.weights().get("d").get("kernel").contentEquals(k));
            assertEquals(List.of("kernel", "bias"), List.copyOf(m.weights().get("d").keySet()),
                    "declaration order, though the kernel was stored before the bias was drawn");
            assertTrue(java.util.Arrays.stream(new int[] {0, 1, 2, 3}).anyMatch(u -> m.weights().get("d").get("bias")
                    .get(u) != 0f), "the bias is drawn, not left zero");
        }
    }

    @Test
    void aFirstBuildLeavesRandomDrawsToTheFirstUse() {
        Probe lazy = new Probe("lazy", spec -> io.cnnkit.engine.api.Initializers.resolve(spec, "a_initializer",
                "random_normal"));
        engine.register(lazy);
        float[] zeros = new float[3];
        try (Model m = engine.build(engine.parse("input(3) | lazy(name=z)"))) {
            m.summary();
            assertEquals(1, lazy.atCreation.size());
            assertTrue(java.util.Arrays.equals(zeros, lazy.atCreation.get(0)), "the first build draws nothing");
            float[] drawn = m.weights().get("z").get("a").toArray();
            assertEquals(2, lazy.atCreation.size(), "the first use rebuilds to draw");
            assertTrue(java.util.Arrays.equals(drawn, lazy.atCreation.get(1)));
            assertTrue(!java.util.Arrays.equals(zeros, drawn), "drawn, not zero");
            m.weights();
            assertEquals(2, lazy.atCreation.size(), "drawn once");
        }
        lazy.atCreation.clear();
        try (Model m = engine.build(engine.parse("input(3) | lazy(name=z)"))) {
            Tensor loaded = Tensor.wrap(new float[] {7, 8, 9}, 3);
            m.setWeights("z", Map.of("a", loaded)); // loaded before any use (b is still drawn)
            assertEquals(2, lazy.atCreation.size());
            assertTrue(java.util.Arrays.equals(loaded.toArray(), lazy.atCreation.get(1)), "copied, never drawn");
            assertTrue(m.predict(Tensor.wrap(new float[] {1, 2, 3}, 1, 3)) != null);
            assertEquals(2, lazy.atCreation.size(), "a loaded model runs without another rebuild");
        }
    }
}
