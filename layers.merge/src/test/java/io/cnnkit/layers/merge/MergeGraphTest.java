package io.cnnkit.layers.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Fakes;

/**
 * Graph models through the real engine outside OSGi: the merge providers next to the engine's
 * test layers (conv2d, activation, ...), from cnnkit JSON, the one-line form and Keras 1, 2 and 3
 * Functional JSON.
 */
class MergeGraphTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Fakes.engine();
        for (LayerProvider p : Fixtures.providers()) {
            engine.register(p);
        }
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Tensor input(Random r, int... shape) {
        return Fixtures.random(r, shape);
    }

    static Map<String, Tensor> trace(Model m, Tensor x) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        m.trace(x).forEach(s -> t.put(s.name(), s.output()));
        return t;
    }

    static String twoBranches(String merge) {
        return "{\"input_shape\":[4,4,3],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":3,\"kernel_size\":1,\"name\":\"a\"},"
                + "{\"type\":\"conv2d\",\"filters\":3,\"kernel_size\":1,\"name\":\"b\",\"inputs\":[\"input\"]},"
                + merge + "]}";
    }

    /** The brief's example: predict equals the sum of the two branches computed as separate models. */
    @Test
    void addOfTwoBranchesEqualsTheBranchesRunSeparately() {
        Random r = new Random(21);
        try (Model m = engine.build(engine.parse(twoBranches("{\"type\":\"add\",\"inputs\":[\"a\",\"b\"]}")))) {
            LayerInfo add = m.layers().get(m.layers().size() - 1);
            assertEquals("add", add.type());
            assertEquals(Shape.of(4, 4, 3), add.outputShape());
            assertEquals(List.of("a", "b"), add.inputs());
            assertEquals(0, add.parameters());
            Map<String, Map<String, Tensor>> w = m.weights();
            try (Model a = engine.build(engine.parse("{\"input_shape\":[4,4,3],\"layers\":[{\"type\":\"conv2d\","
                    + "\"filters\":3,\"kernel_size\":1,\"name\":\"a\"}]}"));
                    Model b = engine.build(engine.parse("{\"input_shape\":[4,4,3],\"layers\":[{\"type\":\"conv2d\","
                            + "\"filters\":3,\"kernel_size\":1,\"name\":\"b\"}]}"))) {
                a.setWeights("a", w.get("a"));
                b.setWeights("b", w.get("b"));
                for (int batch : new int[] {1, 3}) {
                    Tensor x = input(r, batch, 4, 4, 3);
                    Tensor ya = a.predict(x), yb = b.predict(x);
                    Tensor sum = Tensor.zeros(ya.shape());
                    for (int i = 0; i < sum.size(); i++) {
                        sum.data()[i] = ya.data()[i] + yb.data()[i];
                    }
                    for (int threads : new int[] {1, 2}) {
                        Tensor y = m.predict(x, RunOptions.DEFAULT.withThreads(threads));
                        assertTrue(sum.contentEquals(y), "batch " + batch + " threads " + threads);
                    }
                }
            }
        }
    }

    /** Every merge type in the same graph, in both input orders, against the reference on the traced branches. */
    @Test
    void everyTypeInAGraph() {
        Random r = new Random(22);
        String[] merges = {
            "{\"type\":\"add\",\"inputs\":[\"a\",\"b\"]}",
            "{\"type\":\"subtract\",\"inputs\":[\"b\",\"a\"]}",
            "{\"type\":\"multiply\",\"inputs\":[\"a\",\"b\",\"input\"]}",
            "{\"type\":\"average\",\"inputs\":[\"input\",\"a\",\"b\"]}",
            "{\"type\":\"maximum\",\"inputs\":[\"a\",\"b\"]}",
            "{\"type\":\"minimum\",\"inputs\":[\"b\",\"a\"]}",
            "{\"type\":\"concatenate\",\"inputs\":[\"a\",\"input\",\"b\"]}",
            "{\"type\":\"concatenate\",\"axis\":1,\"inputs\":[\"b\",\"a\"]}",
            "{\"type\":\"concatenate\",\"axis\":-2,\"inputs\":[\"a\",\"b\"]}",
            "{\"type\":\"merge\",\"mode\":\"mul\",\"inputs\":[\"a\",\"b\"]}",
        };
        for (String merge : merges) {
            try (Model m = engine.build(engine.parse(twoBranches(merge)))) {
                LayerInfo last = m.layers().get(m.layers().size() - 1);
                Tensor x = input(r, 2, 4, 4, 3);
                Map<String, Tensor> t = trace(m, x);
                List<Tensor> in = last.inputs().stream().map(t::get).toList();
                String type = last.type().equals("merge") ? "multiply" : last.type();
                Object axis = m.description().layers().get(2).params().get("axis");
                Tensor expected = Reference.of(type, axis, in);
                assertEquals(Shape.ofSample(expected), last.outputShape(), merge);
                for (int threads : new int[] {1, 2}) {
                    assertTrue(expected.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(threads))), merge);
                }
            }
        }
    }

    /**
     * Squeeze-and-excitation style: a (1, 1, C) branch scales a (H, W, C) one; the merge output is an
     * intermediate buffer the next run reuses without zeroing (writesEveryOutput), so a run after
     * one on NaN input must give exactly what a fresh model gives. Open input sizes.
     */
    @Test
    void broadcastScaleWithReusedBuffersAndOpenSizes() {
        Random r = new Random(23);
        String json = "{\"input_shape\":[null,null,4],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":1,\"name\":\"features\"},"
                + "{\"type\":\"max_pooling2d\",\"pool_size\":2,\"name\":\"pool\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"name\":\"squeeze\",\"inputs\":[\"pool\"]},"
                + "{\"type\":\"multiply\",\"inputs\":[\"features\",\"squeeze\"],\"name\":\"scale\"},"
                + "{\"type\":\"conv2d\",\"filters\":2,\"kernel_size\":1,\"name\":\"head\"}]}";
        try (Model m = engine.build(engine.parse(json)); Model fresh = engine.build(engine.parse(json))) {
            fresh.setWeights(m.weights());
            assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 4), m.layers().get(3).outputShape());
            Tensor dirty = input(r, 1, 6, 6, 4);
            for (int i = 0; i < dirty.size(); i += 3) {
                dirty.data()[i] = Float.NaN;
            }
            Tensor x = input(r, 1, 6, 6, 4);
            Map<String, Tensor> t = trace(fresh, x);
            assertEquals(List.of(1, 1, 1, 4), java.util.Arrays.stream(t.get("squeeze").shape()).boxed().toList());
            Tensor scaled = Reference.elementwise("multiply", List.of(t.get("features"), t.get("squeeze")));
            assertTrue(scaled.contentEquals(t.get("scale")));
            Tensor want = fresh.predict(x);
            for (int threads : new int[] {1, 2}) {
                m.predict(dirty, RunOptions.DEFAULT.withThreads(threads));
                assertTrue(want.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(threads))), "threads "
                        + threads);
            }
            // at another size, the squeeze branch no longer has 1x1: the run names the shapes
            ModelException e = assertThrows(ModelException.class, () -> m.predict(input(r, 1, 8, 8, 4)));
            assertTrue(e.getMessage().contains("cannot broadcast (None, 8, 8, 4) with (None, 2, 2, 4)"),
                    e.getMessage());
        }
    }

    @Test
    void buildErrorsNameTheShapesAndInputs() {
        String mismatch = "{\"input_shape\":[8,8,3],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":16,\"kernel_size\":1,\"name\":\"a\"},"
                + "{\"type\":\"conv2d\",\"filters\":32,\"kernel_size\":1,\"name\":\"b\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"add\",\"inputs\":[\"a\",\"b\"]}]}";
        ModelException e = assertThrows(ModelException.class, () -> engine.build(engine.parse(mismatch)));
        assertTrue(e.getMessage().contains("cannot broadcast (None, 8, 8, 16) with (None, 8, 8, 32): axis 3 has 16 "
                + "and 32"), e.getMessage());
        assertTrue(e.getMessage().contains("'a' (None, 8, 8, 16)"), e.getMessage());

        ModelException sub = assertThrows(ModelException.class, () -> engine.build(engine.parse(twoBranches(
                "{\"type\":\"subtract\",\"inputs\":[\"a\",\"b\",\"input\"]}"))));
        assertTrue(sub.getMessage().contains("exactly 2 inputs"), sub.getMessage());

        ModelException one = assertThrows(ModelException.class, () -> engine.build(engine.parse(twoBranches(
                "{\"type\":\"add\",\"inputs\":[\"a\"]}"))));
        assertTrue(one.getMessage().contains("at least 2 inputs"), one.getMessage());

        ModelException cat = assertThrows(ModelException.class, () -> engine.build(engine.parse(twoBranches(
                "{\"type\":\"concatenate\",\"axis\":0,\"inputs\":[\"a\",\"b\"]}"))));
        assertTrue(cat.getMessage().contains("parameter 'axis'") && cat.getMessage().contains("batch axis"),
                cat.getMessage());

        ModelException unknown = assertThrows(ModelException.class, () -> engine.build(engine.parse(twoBranches(
                "{\"type\":\"add\",\"axis\":1,\"inputs\":[\"a\",\"b\"]}"))));
        assertTrue(unknown.getMessage().contains("unknown parameter 'axis'"), unknown.getMessage());
    }

    /** The one-line form's graph syntax: a merge reads the piped value, then its @ arguments. */
    @Test
    void oneLineGraph() {
        Random r = new Random(24);
        Tensor x = input(r, 1, 5, 5, 2);
        try (Model m = engine.build(engine.parse("input(5, 5, 2) | conv2d(2, 1, name=c) | relu(name=act)"
                + " | add(@input) | concatenate(@c, axis=-1)"))) {
            Map<String, Tensor> t = trace(m, x);
            Tensor sum = Reference.elementwise("add", List.of(t.get("act"), x));
            Tensor want = Reference.concatenate(List.of(sum, t.get("c")), -1);
            assertTrue(want.contentEquals(m.predict(x)));
            assertEquals(Shape.of(5, 5, 4), m.layers().get(m.layers().size() - 1).outputShape());
        }
    }

    /** The one-line models osgi.test's LayerBundlesTest runs in the framework, checked here on the classpath. */
    @Test
    void oneLineMergesOfTheOsgiTest() {
        Tensor x = Tensor.zeros(1, 4, 4, 2);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = ((i * 7) % 13 - 6) * 0.25f;
        }
        Map<String, java.util.function.DoubleBinaryOperator> ops = new LinkedHashMap<>();
        ops.put("add", (r, v) -> r + v);
        ops.put("subtract", (r, v) -> r - v);
        ops.put("multiply", (r, v) -> r * v);
        ops.put("average", (r, v) -> (r + v) / 2);
        ops.put("maximum", Math::max);
        ops.put("minimum", Math::min);
        ops.put("merge(@input, mode=ave)", (r, v) -> (r + v) / 2);
        ops.forEach((type, op) -> {
            String call = type.contains("(") ? type : type + "(@input)";
            try (Model m = engine.build(engine.parse("input(4, 4, 2, name=bundle_x) | activation(relu) | " + call))) {
                Tensor y = m.predict(x);
                assertEquals(List.of(1, 4, 4, 2), java.util.Arrays.stream(y.shape()).boxed().toList());
                for (int i = 0; i < x.size(); i++) {
                    float v = x.data()[i];
                    assertEquals(op.applyAsDouble(Math.max(v, 0), v), y.data()[i], 1e-6, call + " at " + i);
                }
            }
        });
        try (Model m = engine.build(engine.parse("input(4, 4, 2, name=bundle_x) | activation(relu) | "
                + "concatenate(@input)"))) {
            Tensor y = m.predict(x);
            assertEquals(List.of(1, 4, 4, 4), java.util.Arrays.stream(y.shape()).boxed().toList());
            for (int p = 0; p < 16; p++) {
                for (int c = 0; c < 4; c++) {
                    float v = x.data()[p * 2 + c % 2];
                    assertEquals(c < 2 ? Math.max(v, 0) : v, y.data()[p * 4 + c], 0f);
                }
            }
        }
    }

    static String conv(String cls, String name, String dtype, String inbound) {
        return "{\"class_name\":\"" + cls + "\",\"name\":\"" + name + "\",\"config\":{\"name\":\"" + name
                + "\",\"trainable\":true,\"dtype\":" + dtype + ",\"filters\":3,\"kernel_size\":[1,1],"
                + "\"strides\":[1,1],\"padding\":\"valid\",\"data_format\":\"channels_last\",\"activation\":\"linear\","
                + "\"use_bias\":true},\"inbound_nodes\":" + inbound + "}";
    }

    /** Keras 2 Functional JSON (inbound nodes as [name, 0, 0, {}]) with Add and Concatenate. */
    @Test
    void keras2Functional() {
        String dtype = "\"float32\"";
        String json = "{\"class_name\":\"Functional\",\"config\":{\"name\":\"model\",\"layers\":["
                + "{\"class_name\":\"InputLayer\",\"name\":\"input_1\",\"config\":{\"batch_input_shape\":[null,4,4,3],"
                + "\"dtype\":\"float32\",\"sparse\":false,\"ragged\":false,\"name\":\"input_1\"},\"inbound_nodes\":[]},"
                + conv("Conv2D", "conv_a", dtype, "[[[\"input_1\",0,0,{}]]]") + ","
                + conv("Conv2D", "conv_b", dtype, "[[[\"input_1\",0,0,{}]]]") + ","
                + "{\"class_name\":\"Add\",\"name\":\"add\",\"config\":{\"name\":\"add\",\"trainable\":true,"
                + "\"dtype\":\"float32\"},\"inbound_nodes\":[[[\"conv_a\",0,0,{}],[\"conv_b\",0,0,{}]]]},"
                + "{\"class_name\":\"Concatenate\",\"name\":\"concatenate\",\"config\":{\"name\":\"concatenate\","
                + "\"trainable\":true,\"dtype\":\"float32\",\"axis\":-1},"
                + "\"inbound_nodes\":[[[\"add\",0,0,{}],[\"input_1\",0,0,{}]]]}"
                + "],\"input_layers\":[[\"input_1\",0,0]],\"output_layers\":[[\"concatenate\",0,0]]},"
                + "\"keras_version\":\"2.11.0\",\"backend\":\"tensorflow\"}";
        Random r = new Random(25);
        Tensor x = input(r, 2, 4, 4, 3);
        try (Model m = engine.build(engine.parse(json))) {
            Map<String, Tensor> t = trace(m, x);
            Tensor sum = Reference.elementwise("add", List.of(t.get("conv_a"), t.get("conv_b")));
            assertTrue(sum.contentEquals(t.get("add")));
            assertTrue(Reference.concatenate(List.of(sum, x), -1).contentEquals(m.predict(x)));
            assertEquals(Shape.of(4, 4, 6), m.layers().get(m.layers().size() - 1).outputShape());
        }
    }

    /** Keras 3 Functional JSON: DTypePolicy objects, merge args as [[t1, t2]] with keras_history. */
    @Test
    void keras3Functional() {
        String dtype = "{\"module\":\"keras\",\"class_name\":\"DTypePolicy\",\"config\":{\"name\":\"float32\"},"
                + "\"registered_name\":null}";
        String in = "{\"args\":[{\"class_name\":\"__keras_tensor__\",\"config\":{\"shape\":[null,4,4,3],"
                + "\"dtype\":\"float32\",\"keras_history\":[\"input_layer\",0,0]}}],\"kwargs\":{}}";
        String pair = "{\"args\":[[{\"class_name\":\"__keras_tensor__\",\"config\":{\"shape\":[null,4,4,3],"
                + "\"dtype\":\"float32\",\"keras_history\":[\"conv_a\",0,0]}},{\"class_name\":\"__keras_tensor__\","
                + "\"config\":{\"shape\":[null,4,4,3],\"dtype\":\"float32\",\"keras_history\":[\"conv_b\",0,0]}}]],"
                + "\"kwargs\":{}}";
        String json = "{\"class_name\":\"Functional\",\"config\":{\"name\":\"functional\",\"trainable\":true,"
                + "\"layers\":[{\"module\":\"keras.layers\",\"class_name\":\"InputLayer\",\"name\":\"input_layer\","
                + "\"config\":{\"batch_shape\":[null,4,4,3],\"dtype\":\"float32\",\"sparse\":false,"
                + "\"name\":\"input_layer\"},\"inbound_nodes\":[]},"
                + conv("Conv2D", "conv_a", dtype, "[" + in + "]") + ","
                + conv("Conv2D", "conv_b", dtype, "[" + in + "]") + ","
                + "{\"module\":\"keras.layers\",\"class_name\":\"Maximum\",\"name\":\"maximum\",\"config\":{"
                + "\"name\":\"maximum\",\"trainable\":true,\"dtype\":" + dtype + "},\"inbound_nodes\":[" + pair + "]}"
                + "],\"input_layers\":[\"input_layer\",0,0],\"output_layers\":[\"maximum\",0,0]},"
                + "\"keras_version\":\"3.7.0\",\"backend\":\"tensorflow\"}";
        Random r = new Random(26);
        Tensor x = input(r, 1, 4, 4, 3);
        try (Model m = engine.build(engine.parse(json))) {
            Map<String, Tensor> t = trace(m, x);
            Tensor max = Reference.elementwise("maximum", List.of(t.get("conv_a"), t.get("conv_b")));
            assertTrue(max.contentEquals(m.predict(x)));
            assertEquals("maximum", m.layers().get(m.layers().size() - 1).type());
        }
    }

    /** Keras 1 Model JSON: Convolution2D branches joined by Merge (mode concat, then sum). */
    @Test
    void keras1Merge() {
        String json = "{\"class_name\":\"Model\",\"keras_version\":\"1.2.2\",\"config\":{\"name\":\"model_1\","
                + "\"layers\":[{\"class_name\":\"InputLayer\",\"name\":\"input_1\",\"config\":{"
                + "\"batch_input_shape\":[null,4,4,3],\"input_dtype\":\"float32\",\"sparse\":false,"
                + "\"name\":\"input_1\"},\"inbound_nodes\":[]},"
                + k1conv("a") + "," + k1conv("b") + ","
                + "{\"class_name\":\"Merge\",\"name\":\"merge_1\",\"config\":{\"name\":\"merge_1\",\"mode\":\"concat\","
                + "\"concat_axis\":-1,\"dot_axes\":-1,\"mode_type\":\"raw\",\"output_shape\":null,"
                + "\"output_shape_type\":\"raw\",\"output_mask\":null,\"output_mask_type\":\"raw\",\"arguments\":{}},"
                + "\"inbound_nodes\":[[[\"a\",0,0],[\"b\",0,0]]]},"
                + "{\"class_name\":\"Merge\",\"name\":\"merge_2\",\"config\":{\"name\":\"merge_2\",\"mode\":\"sum\","
                + "\"concat_axis\":-1,\"dot_axes\":-1,\"mode_type\":\"raw\",\"output_shape\":null,"
                + "\"output_shape_type\":\"raw\",\"output_mask\":null,\"output_mask_type\":\"raw\",\"arguments\":{}},"
                + "\"inbound_nodes\":[[[\"merge_1\",0,0],[\"merge_1\",0,0]]]}"
                + "],\"input_layers\":[[\"input_1\",0,0]],\"output_layers\":[[\"merge_2\",0,0]]}}";
        Random r = new Random(27);
        Tensor x = input(r, 1, 4, 4, 3);
        try (Model m = engine.build(engine.parse(json))) {
            Map<String, Tensor> t = trace(m, x);
            Tensor cat = Reference.concatenate(List.of(t.get("a"), t.get("b")), -1);
            assertTrue(cat.contentEquals(t.get("merge_1")));
            assertTrue(Reference.elementwise("add", List.of(cat, cat)).contentEquals(m.predict(x)));
        }
    }

    static String k1conv(String name) {
        return "{\"class_name\":\"Convolution2D\",\"name\":\"" + name + "\",\"config\":{\"name\":\"" + name + "\","
                + "\"trainable\":true,\"nb_filter\":3,\"nb_row\":1,\"nb_col\":1,\"init\":\"glorot_uniform\","
                + "\"activation\":\"linear\",\"border_mode\":\"valid\",\"subsample\":[1,1],\"dim_ordering\":\"tf\","
                + "\"bias\":true},\"inbound_nodes\":[[[\"input_1\",0,0]]]}";
    }
}
