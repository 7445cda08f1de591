package io.cnnkit.layers.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;

/**
 * reshape, permute, repeat_vector, softmax along any axes, rescaling, normalization,
 * layer_normalization, group_normalization and instance_normalization: shapes, errors,
 * fromKeras per Keras version, parameter counts, and kernels that write every output the same
 * way whatever the buffer held and however the work is split.
 */
class MoreLayersTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Harness.engineWithRealActivations();
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

    private static String error(Shape input, LayerSpec... layers) {
        return assertThrows(ModelException.class, () -> Harness.build(engine, input, layers)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' missing in: " + message);
        }
    }

    private static Shape outputShape(Shape input, LayerSpec spec) {
        try (Model m = Harness.build(engine, input, spec)) {
            return m.layers().get(0).outputShape();
        }
    }

    // ---- kernels: every output written, any split, any thread count ----

    /** Runs each one-item chunk in reverse order, as no scheduler would: results must not change. */
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

    private static final ExecutionContext SERIAL = new ExecutionContext() {
        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public void parallelFor(int count, long costPerItem, RangeBody body) {
            body.run(0, count);
        }
    };

    /** A build context outside the engine: the real softmax, seeded initializers. */
    private static final BuildContext CONTEXT = new BuildContext() {
        @Override
        public Activation activation(LayerSpec spec, Object value) {
            Activation a = new io.cnnkit.activations.softmax.Softmax();
            if (!"softmax".equals(value)) {
                throw new IllegalArgumentException("test context has softmax only");
            }
            return a.configure(spec);
        }

        @Override
        public Random random() {
            return new Random(7);
        }

        @Override
        public String modelName() {
            return "test";
        }
    };

    private static Layer create(LayerProvider p, Shape input, Object... kv) {
        LayerSpec s = Harness.spec(p.type(), kv).withName("l");
        return p.create(s, input, CONTEXT);
    }

    /** Random weights, then forward into zeros (serial) and into NaN (reversed chunks): same bits. */
    private static void assertWritesEveryOutput(Layer layer, Tensor x) {
        Random r = new Random(3);
        for (Tensor w : layer.weights().values()) {
            for (int i = 0; i < w.size(); i++) {
                w.data()[w.offset() + i] = 0.5f + r.nextFloat();
            }
        }
        assertTrue(layer.writesEveryOutput(), layer.type());
        int[] out = layer.outputShape(Shape.ofSample(x)).withBatch(x.dim(0));
        Tensor zeros = Tensor.zeros(out);
        layer.forward(x, zeros, SERIAL);
        // the output inside a larger NaN-filled array at an offset, as a pooled buffer may be
        float[] big = new float[zeros.size() + 7];
        Arrays.fill(big, Float.NaN);
        Tensor nan = Tensor.view(big, 5, out);
        // and the input as a view at an offset too
        float[] xb = new float[x.size() + 3];
        System.arraycopy(x.data(), x.offset(), xb, 2, x.size());
        layer.forward(Tensor.view(xb, 2, x.shape()), nan, REVERSED);
        assertTrue(zeros.contentEquals(nan), layer.type() + ": NaN-filled buffer or reversed split changes the output");
        for (float v : zeros.toArray()) {
            assertFalse(Float.isNaN(v), layer.type());
        }
        assertTrue(Float.isNaN(big[4]) && Float.isNaN(big[5 + zeros.size()]), layer.type() + " writes outside");
    }

    @Test
    void everyNewLayerWritesEveryOutput() {
        Random r = new Random(1);
        Tensor img = random(r, 3, 5, 7, 6);
        assertWritesEveryOutput(create(new ReshapeProvider(), Shape.of(5, 7, 6), "target_shape", List.of(-1L, 15L)),
                img);
        assertWritesEveryOutput(create(new PermuteProvider(), Shape.of(5, 7, 6), "dims", List.of(3L, 1L, 2L)), img);
        assertWritesEveryOutput(create(new PermuteProvider(), Shape.of(5, 7, 6), "dims", List.of(2L, 3L, 1L)), img);
        assertWritesEveryOutput(create(new RepeatVectorProvider(), Shape.of(11), "n", 4L), random(r, 3, 11));
        assertWritesEveryOutput(create(new RescalingProvider(), Shape.of(5, 7, 6), "scale", 0.5, "offset", 1.0),
                img);
        assertWritesEveryOutput(create(new RescalingProvider(), Shape.of(5, 7, 6), "scale",
                List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), "offset", List.of(List.of(0.5), List.of(1.5), List.of(2.5),
                        List.of(3.5), List.of(4.5), List.of(5.5), List.of(6.5))), img);
        assertWritesEveryOutput(create(new NormalizationProvider(), Shape.of(5, 7, 6)), img);
        assertWritesEveryOutput(create(new NormalizationProvider(), Shape.of(5, 7, 6), "axis", List.of(1L, 3L)), img);
        assertWritesEveryOutput(create(new NormalizationProvider(), Shape.of(5, 7, 6), "axis", List.of(),
                "invert", true), img);
        assertWritesEveryOutput(create(new LayerNormalizationProvider(), Shape.of(5, 7, 6)), img);
        assertWritesEveryOutput(create(new LayerNormalizationProvider(), Shape.of(5, 7, 6), "axis", List.of(3L, 1L)),
                img);
        assertWritesEveryOutput(create(new GroupNormalizationProvider(), Shape.of(5, 7, 6), "groups", 3L), img);
        assertWritesEveryOutput(create(new GroupNormalizationProvider(), Shape.of(5, 7, 6), "groups", 5L,
                "axis", 1L), img);
        assertWritesEveryOutput(create(new InstanceNormalizationProvider(), Shape.of(5, 7, 6), "center", false), img);
    }

    /** The softmax gather path (axes not trailing) into NaN and with reversed chunks. */
    @Test
    void softmaxAlongAnAxisIsSplitIndependent() {
        Random r = new Random(2);
        Tensor x = random(r, 2, 5, 7, 6);
        for (Object axis : List.of(1L, -2L, List.of(1L, 3L), List.of(2L, 3L))) {
            Layer l = create(new ActivationLayerProvider(), Shape.of(5, 7, 6), "activation", "softmax", "axis", axis);
            Tensor a = Tensor.zeros(x.shape());
            l.forward(x, a, SERIAL);
            float[] big = new float[x.size()];
            Arrays.fill(big, Float.NaN);
            Tensor b = Tensor.wrap(big, x.shape());
            l.forward(x, b, REVERSED);
            assertTrue(a.contentEquals(b), "axis " + axis);
        }
    }

    /** Inputs big enough to fork: 1, 2 and 3 threads give the same bits for every new type. */
    @Test
    void bitIdenticalForEveryThreadCount() {
        Random r = new Random(4);
        Shape in = Shape.of(33, 47, 24);
        Tensor x = random(r, 4, 33, 47, 24);
        List<LayerSpec> specs = List.of(Harness.spec("reshape", "target_shape", List.of(-1L, 24L)),
                Harness.spec("permute", "dims", List.of(3L, 1L, 2L)),
                Harness.spec("rescaling", "scale", java.util.stream.IntStream.range(0, 24).mapToObj(i -> 0.5 + i)
                        .toList(), "offset", 0.25),
                Harness.spec("normalization", "axis", List.of(1L, 3L)),
                Harness.spec("layer_normalization", "axis", List.of(1L, 2L, 3L)),
                Harness.spec("layer_normalization", "axis", 2L),
                Harness.spec("group_normalization", "groups", 4L),
                Harness.spec("instance_normalization"),
                Harness.spec("activation", "activation", "softmax", "axis", 1L),
                Harness.spec("activation", "activation", "softmax", "axis", List.of(1L, 2L)));
        for (LayerSpec s : specs) {
            try (Model m = Harness.build(engine, in, s.withName("l"))) {
                Random wr = new Random(5);
                Map<String, Tensor> w = new LinkedHashMap<>();
                m.layers().get(0).weightShapes().forEach((name, shape) -> w.put(name, random(wr, shape)));
                if (w.containsKey("variance")) {
                    Tensor v = w.get("variance");
                    for (int i = 0; i < v.size(); i++) {
                        v.data()[i] = Math.abs(v.data()[i]);
                    }
                }
                if (!w.isEmpty()) {
                    m.setWeights("l", w);
                }
                Tensor one = m.predict(x, RunOptions.DEFAULT.withThreads(1)).copy();
                for (int threads = 2; threads <= 3; threads++) {
                    assertTrue(one.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(threads))),
                            s + " threads " + threads);
                }
            }
        }
        try (Model m = Harness.build(engine, Shape.of(300), Harness.spec("repeat_vector", "n", 200L))) {
            Tensor v = random(r, 5, 300);
            Tensor one = m.predict(v, RunOptions.DEFAULT.withThreads(1)).copy();
            assertTrue(one.contentEquals(m.predict(v, RunOptions.DEFAULT.withThreads(3))));
            assertEquals(v.get(3, 299), one.get(3, 199, 299));
        }
    }

    // ---- reshape ----

    @Test
    void reshapeShapes() {
        assertEquals(Shape.of(5, 12), outputShape(Shape.of(3, 4, 5), Harness.spec("reshape", "target_shape",
                List.of(5L, 12L))));
        assertEquals(Shape.of(10, 6), outputShape(Shape.of(3, 4, 5), Harness.spec("reshape", "target_shape",
                List.of(-1L, 6L))));
        assertEquals(Shape.of(60), outputShape(Shape.of(3, 4, 5), Harness.spec("reshape", "target_shape", -1L)));
        // open input: the -1 stays open (None) and resolves per run
        try (Model m = Harness.build(engine, Shape.of(Shape.UNKNOWN, 4, 3),
                Harness.spec("reshape", "target_shape", List.of(-1L, 6L)))) {
            assertEquals(Shape.of(Shape.UNKNOWN, 6), m.layers().get(0).outputShape());
            Tensor x = random(new Random(1), 2, 5, 4, 3);
            Tensor y = m.predict(x);
            assertTrue(y.hasShape(2, 10, 6));
            assertEquals(x.get(1, 3, 2, 1), y.get(1, (3 * 12 + 2 * 3 + 1) / 6, (3 * 12 + 2 * 3 + 1) % 6));
            assertEquals(0, m.summary().totalParams());
        }
    }

    @Test
    void reshapeErrors() {
        String mismatch = error(Shape.of(3, 4, 5), Harness.spec("reshape", "target_shape", List.of(7L, 8L)));
        assertMentions(mismatch, "layer 1", "'target_shape'", "[7, 8]", "(None, 3, 4, 5)", "56", "60");
        String notMultiple = error(Shape.of(3, 4, 5), Harness.spec("reshape", "target_shape", List.of(7L, -1L)));
        assertMentions(notMultiple, "'target_shape'", "[7, -1]", "(None, 3, 4, 5)", "multiple of 7");
        String two = error(Shape.of(4), Harness.spec("reshape", "target_shape", List.of(-1L, -1L)));
        assertMentions(two, "'target_shape'", "at most one -1");
        String zero = error(Shape.of(4), Harness.spec("reshape", "target_shape", List.of(0L, 4L)));
        assertMentions(zero, "'target_shape'", "positive");
        assertMentions(error(Shape.of(4), Harness.spec("reshape")), "'target_shape'", "required");
        // open input, fixed target: the run checks the count and names both shapes
        try (Model m = Harness.build(engine, Shape.of(Shape.UNKNOWN, 2), Harness.spec("reshape", "target_shape",
                List.of(3L, 2L)))) {
            assertEquals(Shape.of(3, 2), m.layers().get(0).outputShape());
            assertTrue(m.predict(random(new Random(1), 1, 3, 2)).hasShape(1, 3, 2));
            String run = assertThrows(ModelException.class, () -> m.predict(random(new Random(1), 1, 4, 2)))
                    .getMessage();
            assertMentions(run, "'target_shape'", "[3, 2]", "(None, 4, 2)");
        }
    }

    // ---- permute ----

    @Test
    void permuteShapesAndErrors() {
        assertEquals(Shape.of(5, 3, 4), outputShape(Shape.of(3, 4, 5), Harness.spec("permute", "dims",
                List.of(3L, 1L, 2L))));
        assertEquals(Shape.of(4, Shape.UNKNOWN, 3), outputShape(Shape.of(Shape.UNKNOWN, 4, 3),
                Harness.spec("permute", "dims", List.of(2L, 1L, 3L))));
        String zeroBased = error(Shape.of(3, 4), Harness.spec("permute", "dims", List.of(0L, 1L)));
        assertMentions(zeroBased, "'dims'", "permutation of 1..2", "[0, 1]");
        String repeated = error(Shape.of(3, 4), Harness.spec("permute", "dims", List.of(1L, 1L)));
        assertMentions(repeated, "'dims'", "permutation");
        String length = error(Shape.of(3, 4, 5), Harness.spec("permute", "dims", List.of(2L, 1L)));
        assertMentions(length, "'dims'", "all 3 axes", "(None, 3, 4, 5)");
        assertMentions(error(Shape.of(3, 4), Harness.spec("permute")), "'dims'", "required");
    }

    // ---- repeat_vector ----

    @Test
    void repeatVectorShapesAndErrors() {
        assertEquals(Shape.of(4, 7), outputShape(Shape.of(7), Harness.spec("repeat_vector", "n", 4L)));
        assertEquals(Shape.of(2, Shape.UNKNOWN), outputShape(Shape.of(Shape.UNKNOWN),
                Harness.spec("repeat_vector", "n", 2L)));
        String rank = error(Shape.of(3, 4), Harness.spec("repeat_vector", "n", 2L));
        assertMentions(rank, "layer 1", "(repeat_vector)", "(None, features)", "(None, 3, 4)", "flatten");
        assertMentions(error(Shape.of(3), Harness.spec("repeat_vector", "n", 0L)), "'n'", "positive");
        assertMentions(error(Shape.of(3), Harness.spec("repeat_vector")), "'n'", "required");
    }

    @Test
    void shapeLayersFromKeras() {
        ReshapeProvider reshape = new ReshapeProvider();
        // Keras 1
        assertEquals(Map.of("target_shape", List.of(7, -1)), reshape.fromKeras("Reshape", Map.of("name", "r",
                "trainable", true, "target_shape", List.of(7, -1), "batch_input_shape", Arrays.asList(null, 35))));
        // Keras 2
        assertEquals(Map.of("target_shape", List.of(5, 12)), reshape.fromKeras("Reshape", Map.of("name", "r",
                "trainable", true, "dtype", "float32", "target_shape", List.of(5, 12))));
        // Keras 3: dtype policy object, dropped
        Map<String, Object> policy = Map.of("module", "keras", "class_name", "DTypePolicy", "config",
                Map.of("name", "float32"), "registered_name", "null");
        assertEquals(Map.of("target_shape", List.of(-1, 6)), reshape.fromKeras("Reshape", Map.of("name", "r",
                "trainable", true, "dtype", policy, "target_shape", List.of(-1, 6))));
        assertEquals(Map.of("dims", List.of(2, 1)), new PermuteProvider().fromKeras("Permute", Map.of("name", "p",
                "dtype", policy, "dims", List.of(2, 1))));
        assertEquals(Map.of("n", 3), new RepeatVectorProvider().fromKeras("RepeatVector", Map.of("name", "rv",
                "trainable", true, "n", 3)));
        assertEquals(List.of("target_shape"), reshape.positionalParameters());
        assertEquals(List.of("dims"), new PermuteProvider().positionalParameters());
        assertEquals(List.of("n"), new RepeatVectorProvider().positionalParameters());
    }

    // ---- softmax along any axis, ReLU options, relu6 ----

    @Test
    void softmaxAxes() {
        try (Model m = Harness.build(engine, Shape.of(3, 4, 5), Harness.spec("activation", "activation", "softmax",
                "axis", 1L))) {
            Tensor y = m.predict(random(new Random(8), 2, 3, 4, 5));
            for (int w = 0; w < 4; w++) {
                double sum = 0;
                for (int h = 0; h < 3; h++) {
                    sum += y.get(1, h, w, 2);
                }
                assertEquals(1.0, sum, 1e-6);
            }
        }
        // Keras Softmax class with a Keras 2 list axis and a Keras 3 int axis
        ActivationLayerProvider p = new ActivationLayerProvider();
        assertEquals(Map.of("activation", "softmax", "axis", List.of(1, 2)), p.fromKeras("Softmax",
                Map.of("name", "s", "trainable", true, "dtype", "float32", "axis", List.of(1, 2))));
        assertEquals(Map.of("activation", "softmax", "axis", -2), p.fromKeras("Softmax", Map.of("axis", -2)));
        String batch = error(Shape.of(3, 4), Harness.spec("activation", "activation", "softmax", "axis", 0L));
        assertMentions(batch, "'axis'", "batch axis", "(None, 3, 4)");
        String range = error(Shape.of(3, 4), Harness.spec("activation", "activation", "softmax", "axis", 3L));
        assertMentions(range, "'axis'", "outside 1..2");
        String twice = error(Shape.of(3, 4), Harness.spec("activation", "activation", "softmax", "axis",
                List.of(1L, -2L)));
        assertMentions(twice, "'axis'", "twice");
        String relu = error(Shape.of(3, 4), Harness.spec("activation", "activation", "relu", "axis", 1L));
        assertMentions(relu, "'axis'", "does not apply", "'relu'");
    }

    /** "relu6" is the name the relu6 bundle registers; ReLU(max_value=6) is relu with an option. */
    @Test
    void relu6AndReluLayerOptions() {
        assertTrue(engine.activations().contains("relu6"), engine.activations().toString());
        Tensor x = Tensor.wrap(new float[] {-3, -0f, 0.5f, 6, 7.5f}, 1, 5);
        Tensor expected = Tensor.wrap(new float[] {0, 0, 0.5f, 6, 6}, 1, 5);
        for (LayerSpec s : List.of(Harness.spec("activation", "activation", "relu6"),
                Harness.spec("activation", "activation", "relu", "max_value", 6.0),
                new LayerSpec(1, "activation", null, new ActivationLayerProvider().fromKeras("ReLU",
                        Map.of("max_value", 6.0, "negative_slope", 0.0, "threshold", 0.0))),
                Harness.spec("dense", "units", 5L, "use_bias", false, "activation", "relu6"))) {
            try (Model m = Harness.build(engine, Shape.of(5), s.withName("a"))) {
                if (s.type().equals("dense")) {
                    Tensor eye = Tensor.zeros(5, 5);
                    for (int i = 0; i < 5; i++) {
                        eye.set(1f, i, i);
                    }
                    m.setWeights("a", Map.of("kernel", eye));
                }
                assertTrue(expected.contentEquals(m.predict(x)), s.toString());
            }
        }
        // Keras 3 ReLU config (dtype policy, negative_slope named as in Keras 2)
        Map<String, Object> k3 = new LinkedHashMap<>();
        k3.put("name", "re_lu");
        k3.put("trainable", true);
        k3.put("dtype", Map.of("module", "keras", "class_name", "DTypePolicy", "config", Map.of("name", "float32")));
        k3.put("max_value", 2.5);
        k3.put("negative_slope", 0.5);
        k3.put("threshold", 1.0);
        Map<String, Object> mapped = new ActivationLayerProvider().fromKeras("ReLU", k3);
        assertEquals(Map.of("activation", "relu", "max_value", 2.5, "negative_slope", 0.5, "threshold", 1.0), mapped);
        try (Model m = Harness.build(engine, Shape.of(5), new LayerSpec(1, "activation", null, mapped))) {
            // x <= 1: 0.5 * (x - 1); exactly 1 gives 0; x > 1: min(x, 2.5)
            Tensor y = m.predict(Tensor.wrap(new float[] {-1, 1, 1.5f, 2.5f, 9}, 1, 5));
            assertTrue(Tensor.wrap(new float[] {-1, 0, 1.5f, 2.5f, 2.5f}, 1, 5).contentEquals(y), y.toString());
        }
        String negative = error(Shape.of(3), Harness.spec("activation", "activation", "relu", "threshold", -1.0));
        assertMentions(negative, "'threshold'", ">= 0");
    }

    // ---- rescaling ----

    @Test
    void rescalingShapesErrorsAndKeras() {
        try (Model m = Harness.build(engine, Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3),
                Harness.spec("rescaling", "scale", 1 / 255.0))) {
            Tensor x = Tensor.wrap(new float[] {255, 0, 51, 102, 204, 25.5f}, 1, 1, 2, 3);
            Tensor y = m.predict(x);
            assertEquals(1f, y.get(0, 0, 0, 0));
            assertEquals(255 * (float) (1 / 255.0), y.get(0, 0, 0, 0));
            assertEquals(0.2f, y.get(0, 0, 0, 2), 1e-7);
            assertEquals(0, m.summary().totalParams());
            assertTrue(m.layers().get(0).weightShapes().isEmpty());
        }
        try (Model m = Harness.build(engine, Shape.of(2, 3), Harness.spec("rescaling"))) {
            Tensor x = random(new Random(1), 2, 2, 3);
            assertTrue(x.contentEquals(m.predict(x)), "defaults scale 1, offset 0");
        }
        String channels = error(Shape.of(4, 4, 3), Harness.spec("rescaling", "scale", List.of(1.0, 2.0)));
        assertMentions(channels, "'scale'", "(2,)", "(None, 4, 4, 3)", "size 2 against 3");
        String open = error(Shape.of(4, Shape.UNKNOWN, 3), Harness.spec("rescaling", "offset",
                List.of(List.of(1.0), List.of(2.0))));
        assertMentions(open, "'offset'", "open");
        String batch = error(Shape.of(3), Harness.spec("rescaling", "scale", List.of(List.of(1.0, 2.0, 3.0),
                List.of(1.0, 2.0, 3.0))));
        assertMentions(batch, "'scale'", "batch axis");
        String text = error(Shape.of(3), Harness.spec("rescaling", "scale", "big"));
        assertMentions(text, "'scale'", "number");
        String ragged = error(Shape.of(3), Harness.spec("rescaling", "scale", List.of(List.of(1.0), List.of(1.0,
                2.0))));
        assertMentions(ragged, "'scale'", "regular");
        RescalingProvider p = new RescalingProvider();
        // Keras 2 (TF 2.6+, and the experimental.preprocessing class of TF 2.3-2.5)
        assertEquals(Map.of("scale", 0.00392156862745098, "offset", 0.0), p.fromKeras("Rescaling", Map.of("name",
                "rescaling", "trainable", true, "dtype", "float32", "scale", 0.00392156862745098, "offset", 0.0)));
        // Keras 3: a NumPy array serialized as __numpy__, kept as given and read at build time
        Map<String, Object> numpy = Map.of("class_name", "__numpy__", "config", Map.of("value", List.of(0.5, 2.0,
                -1.0), "dtype", "float32"));
        Map<String, Object> k3 = p.fromKeras("Rescaling", Map.of("name", "r", "dtype", Map.of("class_name",
                "DTypePolicy"), "scale", numpy, "offset", 0.0));
        assertEquals(Map.of("scale", numpy, "offset", 0.0), k3);
        try (Model m = Harness.build(engine, Shape.of(1, 3), new LayerSpec(1, "rescaling", null, k3))) {
            Tensor y = m.predict(Tensor.wrap(new float[] {2, 2, 2}, 1, 1, 3));
            assertTrue(Tensor.wrap(new float[] {1, 4, -2}, 1, 1, 3).contentEquals(y));
        }
    }

    // ---- normalization ----

    @Test
    void normalizationWeightsAndParameterCounts() {
        try (Model m = Harness.build(engine, Shape.of(8, 8, 16), Harness.spec("normalization").withName("n"),
                Harness.spec("normalization", "axis", List.of(3L, 1L)).withName("n2"),
                Harness.spec("normalization", "axis", List.of()).withName("n3"),
                Harness.spec("normalization", "mean", 1.0, "variance", 4.0).withName("n4"))) {
            Summary s = m.summary();
            // Keras: mean and variance of the kept axes' shape plus the scalar count, all non-trainable
            assertEquals(List.of(16L + 16 + 1, 8L * 16 * 2 + 1, 3L, 0L),
                    s.rows().stream().map(Summary.Row::params).toList());
            assertEquals(0, s.trainableParams());
            assertEquals(33 + 257 + 3, s.nonTrainableParams());
            assertEquals(List.of("mean", "variance", "count"), List.copyOf(m.layers().get(0).weightShapes().keySet()));
            assertTrue(Arrays.equals(new int[] {8, 16}, m.layers().get(1).weightShapes().get("mean")));
            assertTrue(Arrays.equals(new int[0], m.layers().get(1).weightShapes().get("count")));
            assertTrue(Arrays.equals(new int[0], m.layers().get(2).weightShapes().get("variance")));
            assertEquals(Set.of("mean", "variance", "count"), Set.copyOf(m.layers().get(0).nonTrainable()));
            assertTrue(m.layers().get(3).weightShapes().isEmpty());
            // initial weights mean 0, variance 1 leave x; n4 gives (x - 1) / 2
            Tensor x = random(new Random(6), 1, 8, 8, 16);
            assertEquals((x.get(0, 1, 2, 3) - 1) / 2, m.predict(x).get(0, 1, 2, 3));
        }
    }

    @Test
    void normalizationErrorsAndKeras() {
        String range = error(Shape.of(4, 3), Harness.spec("normalization", "axis", 3L));
        assertMentions(range, "'axis'", "(None, 4, 3)", "outside 1..2");
        String batch = error(Shape.of(4, 3), Harness.spec("normalization", "axis", 0L));
        assertMentions(batch, "'axis'", "batch axis");
        String open = error(Shape.of(Shape.UNKNOWN, 3), Harness.spec("normalization", "axis", 1L));
        assertMentions(open, "'axis'", "open");
        String alone = error(Shape.of(3), Harness.spec("normalization", "mean", 1.0));
        assertMentions(alone, "'variance'", "with mean");
        String shape = error(Shape.of(4, 3), Harness.spec("normalization", "mean", List.of(1.0, 2.0), "variance", 1.0));
        assertMentions(shape, "'mean'", "(2,)", "(3,)");
        NormalizationProvider p = new NormalizationProvider();
        // Keras 2 after adapt(): axis as a list, mean/variance null (weights)
        Map<String, Object> k2 = new LinkedHashMap<>();
        k2.put("name", "normalization");
        k2.put("trainable", true);
        k2.put("dtype", "float32");
        k2.put("axis", List.of(-1));
        k2.put("invert", false);
        k2.put("mean", null);
        k2.put("variance", null);
        assertEquals(Map.of("axis", List.of(-1), "invert", false), p.fromKeras("Normalization", k2));
        // Keras 3 with given values
        Map<String, Object> k3 = new LinkedHashMap<>(k2);
        k3.put("dtype", Map.of("module", "keras", "class_name", "DTypePolicy", "config", Map.of("name", "float32")));
        k3.put("axis", List.of());
        k3.put("mean", 3.0);
        k3.put("variance", 2.0);
        Map<String, Object> mapped = p.fromKeras("Normalization", k3);
        assertEquals(Map.of("axis", List.of(), "invert", false, "mean", 3.0, "variance", 2.0), mapped);
        // Keras's own example: mean 3, variance 2 maps [1, 2, 3] to [-1.4142135, -0.70710677, 0]
        try (Model m = Harness.build(engine, Shape.of(1), new LayerSpec(1, "normalization", null, mapped))) {
            Tensor y = m.predict(Tensor.wrap(new float[] {1, 2, 3}, 3, 1));
            assertEquals(-1.4142135f, y.get(0, 0), 1e-7);
            assertEquals(-0.70710677f, y.get(1, 0), 1e-7);
            assertEquals(0f, y.get(2, 0));
        }
    }

    // ---- layer_normalization ----

    @Test
    void layerNormalizationParameterCounts() {
        try (Model m = Harness.build(engine, Shape.of(8, 6, 16), Harness.spec("layer_normalization").withName("a"),
                Harness.spec("layer_normalization", "axis", List.of(1L, 2L, 3L)).withName("b"),
                Harness.spec("layer_normalization", "axis", List.of(3L, 1L), "center", false).withName("c"),
                Harness.spec("layer_normalization", "scale", false, "center", false).withName("d"))) {
            assertEquals(List.of(2L * 16, 2L * 8 * 6 * 16, 16L * 8, 0L),
                    m.summary().rows().stream().map(Summary.Row::params).toList());
            assertEquals(m.summary().totalParams(), m.summary().trainableParams());
            assertEquals(List.of("gamma", "beta"), List.copyOf(m.layers().get(0).weightShapes().keySet()));
            assertTrue(Arrays.equals(new int[] {16, 8}, m.layers().get(2).weightShapes().get("gamma")),
                    "gamma in the order axis lists the axes, as Keras builds it");
            assertEquals(List.of("gamma"), List.copyOf(m.layers().get(2).weightShapes().keySet()));
        }
        // initial gamma 1, beta 0: each row has mean 0 and variance v / (v + eps)
        try (Model m = Harness.build(engine, Shape.of(7), Harness.spec("layer_normalization", "epsilon", 0.0))) {
            Tensor y = m.predict(random(new Random(9), 3, 7));
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < 7; i++) {
                sum += y.get(2, i);
                sq += y.get(2, i) * y.get(2, i);
            }
            assertEquals(0, sum, 1e-5);
            assertEquals(7, sq, 1e-4);
        }
    }

    @Test
    void layerNormalizationErrorsAndKeras() {
        assertMentions(error(Shape.of(4, 3), Harness.spec("layer_normalization", "axis", 0L)), "'axis'", "batch axis");
        assertMentions(error(Shape.of(4, 3), Harness.spec("layer_normalization", "axis", List.of())), "'axis'",
                "at least one");
        assertMentions(error(Shape.of(4, 3), Harness.spec("layer_normalization", "axis", List.of(2L, -1L))), "'axis'",
                "twice");
        assertMentions(error(Shape.of(Shape.UNKNOWN, 3), Harness.spec("layer_normalization", "axis", 1L)), "'axis'",
                "open");
        assertMentions(error(Shape.of(3), Harness.spec("layer_normalization", "epsilon", -1.0)), "'epsilon'", ">= 0");
        assertMentions(error(Shape.of(3), Harness.spec("layer_normalization", "rms_scaling", true)), "'rms_scaling'",
                "not supported");
        LayerNormalizationProvider p = new LayerNormalizationProvider();
        Map<String, Object> k2 = new LinkedHashMap<>();
        k2.put("name", "layer_normalization");
        k2.put("trainable", true);
        k2.put("dtype", "float32");
        k2.put("axis", List.of(3));
        k2.put("epsilon", 0.001);
        k2.put("center", true);
        k2.put("scale", true);
        k2.put("beta_initializer", Map.of("class_name", "Zeros", "config", Map.of()));
        k2.put("gamma_initializer", Map.of("class_name", "Ones", "config", Map.of()));
        k2.put("beta_regularizer", null);
        assertEquals(List.of("axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer"),
                List.copyOf(p.fromKeras("LayerNormalization", k2).keySet()));
        Map<String, Object> k3 = new LinkedHashMap<>(k2);
        k3.put("dtype", Map.of("module", "keras", "class_name", "DTypePolicy", "config", Map.of("name", "float32")));
        k3.put("axis", -1);
        k3.put("rms_scaling", false);
        Map<String, Object> mapped = p.fromKeras("LayerNormalization", k3);
        assertEquals(-1, mapped.get("axis"));
        assertEquals(false, mapped.get("rms_scaling"));
        try (Model m = Harness.build(engine, Shape.of(2, 5), new LayerSpec(1, "layer_normalization", null, mapped))) {
            assertEquals(10, m.summary().totalParams());
        }
    }

    // ---- group_normalization, instance_normalization ----

    @Test
    void groupNormalizationParameterCountsAndErrors() {
        try (Model m = Harness.build(engine, Shape.of(5, 5, 12), Harness.spec("group_normalization", "groups", 4L),
                Harness.spec("group_normalization", "groups", -1L, "center", false),
                Harness.spec("instance_normalization"),
                Harness.spec("group_normalization", "groups", 5L, "axis", 1L))) {
            assertEquals(List.of(24L, 12L, 24L, 10L), m.summary().rows().stream().map(Summary.Row::params).toList());
            assertEquals(List.of("gamma", "beta"), List.copyOf(m.layers().get(0).weightShapes().keySet()));
            assertTrue(Arrays.equals(new int[] {12}, m.layers().get(0).weightShapes().get("beta")));
            assertEquals(m.summary().totalParams(), m.summary().trainableParams());
        }
        // default groups 32 (tensorflow_addons, Keras): 64 channels, groups of 2
        try (Model m = Harness.build(engine, Shape.of(3, 64), Harness.spec("group_normalization"))) {
            assertEquals(128, m.summary().totalParams());
        }
        String defaultGroups = error(Shape.of(4, 4, 12), Harness.spec("group_normalization"));
        assertMentions(defaultGroups, "'groups'", "(32)", "more than the number of channels (12)");
        String divide = error(Shape.of(4, 4, 12), Harness.spec("group_normalization", "groups", 5L));
        assertMentions(divide, "layer 1", "'groups'", "(5)", "divide", "(12)", "(None, 4, 4, 12)");
        assertMentions(error(Shape.of(4, 4, 12), Harness.spec("group_normalization", "groups", 0L)), "'groups'",
                "positive");
        assertMentions(error(Shape.of(4, Shape.UNKNOWN), Harness.spec("group_normalization", "groups", 1L)),
                "'axis'", "open");
        assertMentions(error(Shape.of(4, 4, 12), Harness.spec("group_normalization", "groups", 3L, "axis", 0L)),
                "'axis'", "batch axis");
        assertMentions(error(Shape.of(4, 4, 12), Harness.spec("group_normalization", "groups", 3L, "axis",
                List.of(1L, 2L))), "'axis'", "one axis");
        assertMentions(error(Shape.of(4, 4, 12), Harness.spec("instance_normalization", "groups", 3L)), "groups");
    }

    @Test
    void normalizationsFromKeras() {
        GroupNormalizationProvider gn = new GroupNormalizationProvider();
        Map<String, Object> tfa = new LinkedHashMap<>();
        tfa.put("name", "group_normalization");
        tfa.put("trainable", true);
        tfa.put("dtype", "float32");
        tfa.put("groups", 4);
        tfa.put("axis", -1);
        tfa.put("epsilon", 0.001);
        tfa.put("center", true);
        tfa.put("scale", true);
        tfa.put("beta_initializer", Map.of("class_name", "Zeros", "config", Map.of()));
        tfa.put("gamma_initializer", Map.of("class_name", "Ones", "config", Map.of()));
        tfa.put("beta_regularizer", null);
        tfa.put("gamma_constraint", null);
        assertEquals(List.of("groups", "axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer"),
                List.copyOf(gn.fromKeras("Addons>GroupNormalization", tfa).keySet()));
        Map<String, Object> k3 = new LinkedHashMap<>(tfa);
        k3.put("dtype", Map.of("module", "keras", "class_name", "DTypePolicy", "config", Map.of("name", "float32")));
        assertEquals(gn.fromKeras("Addons>GroupNormalization", tfa), gn.fromKeras("GroupNormalization", k3));
        assertEquals(List.of("GroupNormalization", "Addons>GroupNormalization"), gn.kerasClasses());
        Map<String, Object> quirk = new LinkedHashMap<>(tfa);
        quirk.put("groups", -1);
        quirk.put("axis", -2);
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> gn.fromKeras("Addons>GroupNormalization", quirk)).getMessage(), "axis -2", "groups -1");
        assertEquals(-2, gn.fromKeras("GroupNormalization", quirk).get("axis"), "Keras 3 has no such path");

        InstanceNormalizationProvider in = new InstanceNormalizationProvider();
        Map<String, Object> inst = new LinkedHashMap<>(tfa);
        inst.put("groups", 12); // addons saves groups = channels after build
        Map<String, Object> mapped = in.fromKeras("Addons>InstanceNormalization", inst);
        assertFalse(mapped.containsKey("groups"));
        assertEquals(List.of("axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer"),
                List.copyOf(mapped.keySet()));
        assertEquals(mapped, in.fromKeras("InstanceNormalization", inst));
        try (Model m = Harness.build(engine, Shape.of(3, 3, 12), new LayerSpec(1, "instance_normalization", null,
                mapped))) {
            assertEquals(24, m.summary().totalParams());
        }
        Map<String, Object> contrib = new LinkedHashMap<>();
        contrib.put("name", "instance_normalization_1");
        contrib.put("axis", null);
        contrib.put("epsilon", 0.001);
        contrib.put("center", true);
        contrib.put("scale", true);
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> in.fromKeras("InstanceNormalization", contrib)).getMessage(), "keras-contrib", "groups");
        Map<String, Object> negative = new LinkedHashMap<>(inst);
        negative.put("axis", -2);
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> in.fromKeras("Addons>InstanceNormalization", negative)).getMessage(), "axis -2");
        assertNull(in.fromKeras("Addons>InstanceNormalization", inst).get("groups"));
    }

    /** The one-line form with the positional parameters (target_shape, dims, n, scale/offset, groups). */
    @Test
    void oneLineForm() {
        String line = "input(6, 5, 4) | rescaling(0.5, -1) | group_normalization(2) | instance_normalization "
                + "| normalization | reshape([-1, 4]) | permute([2, 1]) | layer_normalization(axis=[1, 2]) "
                + "| flatten | repeat_vector(3) | softmax(axis=1)";
        try (Model m = engine.build(engine.parse(line))) {
            assertEquals(List.of("rescaling", "group_normalization", "instance_normalization", "normalization",
                    "reshape", "permute", "layer_normalization", "flatten", "repeat_vector", "activation"),
                    m.layers().stream().map(l -> l.type()).toList());
            assertEquals(List.of(Shape.of(6, 5, 4), Shape.of(6, 5, 4), Shape.of(6, 5, 4), Shape.of(6, 5, 4),
                    Shape.of(30, 4), Shape.of(4, 30), Shape.of(4, 30), Shape.of(120), Shape.of(3, 120),
                    Shape.of(3, 120)), m.layers().stream().map(l -> l.outputShape()).toList());
            assertEquals(8 + 8 + 9 + 2 * 120, m.summary().totalParams());
            assertEquals(9, m.summary().nonTrainableParams());
            Tensor y = m.predict(random(new Random(12), 2, 6, 5, 4));
            assertEquals(1.0, y.get(1, 0, 7) + y.get(1, 1, 7) + y.get(1, 2, 7), 1e-6);
        }
    }

    /** A Keras 3 model JSON through the engine: dtype policies and build_config are ignored. */
    @Test
    void kerasThreeModelThroughTheEngine() {
        String json = """
                {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "trainable": true,
                 "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                           "registered_name": null},
                 "layers": [
                  {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 6, 5, 8],
                   "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
                  {"module": "keras.layers", "class_name": "Rescaling", "config": {"name": "rescaling",
                   "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": null}, "scale": 0.5, "offset": 0.0},
                   "registered_name": null, "build_config": {"input_shape": [null, 6, 5, 8]}},
                  {"module": "keras.layers", "class_name": "GroupNormalization", "config": {"name": "gn",
                   "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": null}, "groups": 4, "axis": -1,
                   "epsilon": 0.001, "center": true, "scale": true,
                   "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                        "registered_name": null},
                   "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {},
                                         "registered_name": null},
                   "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
                   "gamma_constraint": null},
                   "registered_name": null, "build_config": {"input_shape": [null, 6, 5, 8]}},
                  {"module": "keras.layers", "class_name": "Permute", "config": {"name": "permute",
                   "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": null}, "dims": [3, 1, 2]},
                   "registered_name": null, "build_config": {"input_shape": [null, 6, 5, 8]}},
                  {"module": "keras.layers", "class_name": "Reshape", "config": {"name": "reshape",
                   "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": null}, "target_shape": [8, -1]},
                   "registered_name": null, "build_config": {"input_shape": [null, 8, 6, 5]}},
                  {"module": "keras.layers", "class_name": "LayerNormalization", "config": {"name": "ln",
                   "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": null}, "axis": -1, "epsilon": 0.001,
                   "center": true, "scale": true, "rms_scaling": false,
                   "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                        "registered_name": null},
                   "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {},
                                         "registered_name": null},
                   "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
                   "gamma_constraint": null},
                   "registered_name": null, "build_config": {"input_shape": [null, 8, 30]}},
                  {"module": "keras.layers", "class_name": "Softmax", "config": {"name": "softmax",
                   "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": null}, "axis": 1},
                   "registered_name": null, "build_config": {"input_shape": [null, 8, 30]}}],
                 "build_input_shape": [null, 6, 5, 8]}, "registered_name": null,
                 "build_config": {"input_shape": [null, 6, 5, 8]}}
                """;
        try (Model m = engine.build(engine.parse(json))) {
            assertEquals(List.of("rescaling", "group_normalization", "permute", "reshape", "layer_normalization",
                    "activation"), m.layers().stream().map(l -> l.type()).toList());
            assertEquals(Shape.of(8, 30), m.layers().get(5).outputShape());
            assertEquals(16 + 60, m.summary().totalParams());
            Tensor y = m.predict(random(new Random(10), 2, 6, 5, 8));
            double sum = 0;
            for (int r = 0; r < 8; r++) {
                sum += y.get(1, r, 17);
            }
            assertEquals(1.0, sum, 1e-6, "softmax over axis 1");
        }
    }
}
