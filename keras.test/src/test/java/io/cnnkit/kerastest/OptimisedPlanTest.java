package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.PlanOptimisation;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;

/**
 * The optimised plan predict runs, rule by rule, with the real layer bundles and random weights
 * (every weight drawn, moving variances positive): BatchNormalization folded into conv2d,
 * depthwise_conv2d, separable_conv2d and dense; activation layers fused into those kernels and
 * into add; dropout left out. Each time the rule must have fired ({@link Model#optimisation()}),
 * predict must agree with trace (every layer as built) to relative 1e-5, and be bit-identical for
 * 1 to 4 threads. The cases where a rule must not fire (a second reader, a producer that is an
 * output) and outputs that are a folded or fused layer are checked too.
 */
class OptimisedPlanTest {
    static final double RTOL = 1e-5;
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /** Every weight of the model random; moving variances in [0.2, 2) so that BN scales vary. */
    static void randomWeights(Model m, Random r) {
        m.setWeights(randomized(m.weights(), r));
    }

    /** {@code all} with every weight redrawn in place (see {@link #randomWeights}). */
    static Map<String, Map<String, Tensor>> randomized(Map<String, Map<String, Tensor>> all, Random r) {
        all.forEach((layer, ws) -> ws.forEach((name, t) -> {
            float[] d = t.data();
            for (int i = 0; i < t.size(); i++) {
                d[t.offset() + i] = name.equals("moving_variance") ? 0.2f + 1.8f * r.nextFloat()
                        : (float) r.nextGaussian() * (name.equals("moving_mean") ? 0.3f : 0.5f);
            }
        }));
        return all;
    }

    static Tensor input(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    static Map<String, Tensor> trace(Model m, Tensor x) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Stage s : m.trace(x)) {
            t.put(s.name(), s.output());
        }
        return t;
    }

    /** predictAll against the trace (relative 1e-5) for every output, and bit-identical for 1..4 threads. */
    static void assertPredictMatchesTrace(String what, Model m, Tensor x) {
        Map<String, Tensor> t = trace(m, x);
        Map<String, Tensor> one = m.predictAll(x, RunOptions.DEFAULT.withThreads(1));
        assertEquals(m.outputNames(), List.copyOf(one.keySet()), what + ": outputs by name");
        for (String o : m.outputNames()) {
            Approx.assertClose(what + " output '" + o + "': optimised predict vs trace", t.get(o), one.get(o), RTOL);
        }
        for (int threads = 2; threads <= 4; threads++) {
            Map<String, Tensor> more = m.predictAll(x, RunOptions.DEFAULT.withThreads(threads));
            for (String o : m.outputNames()) {
                assertTrue(one.get(o).contentEquals(more.get(o)), what + " '" + o + "': 1 vs " + threads + " threads");
            }
        }
    }

    static Model build(String json, long seed) {
        Model m = engine.build(engine.parse(json));
        randomWeights(m, new Random(seed));
        return m;
    }

    static String chain(String inputShape, String... layers) {
        return "{\"input_shape\":" + inputShape + ",\"layers\":[" + String.join(",", layers) + "]}";
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"conv2d\",\"filters\":5,\"kernel_size\":3,\"padding\":\"same\",\"name\":\"w\"}",
        "{\"type\":\"conv2d\",\"filters\":5,\"kernel_size\":3,\"use_bias\":false,\"strides\":2,\"name\":\"w\"}",
        "{\"type\":\"depthwise_conv2d\",\"kernel_size\":3,\"depth_multiplier\":2,\"name\":\"w\"}",
        "{\"type\":\"depthwise_conv2d\",\"kernel_size\":3,\"use_bias\":false,\"padding\":\"same\",\"name\":\"w\"}",
        "{\"type\":\"separable_conv2d\",\"filters\":5,\"kernel_size\":3,\"depth_multiplier\":2,\"name\":\"w\"}",
        "{\"type\":\"separable_conv2d\",\"filters\":4,\"kernel_size\":3,\"use_bias\":false,\"name\":\"w\"}",
        "{\"type\":\"dense\",\"units\":6,\"name\":\"w\"}",
        "{\"type\":\"dense\",\"units\":6,\"use_bias\":false,\"name\":\"w\"}"})
    void batchNormFoldsAndActivationFusesAndDropoutIsDropped(String weighted) {
        String json = chain("[9,9,3]", weighted, "{\"type\":\"batch_normalization\",\"name\":\"bn\"}",
                "{\"type\":\"activation\",\"activation\":\"relu\",\"name\":\"act\"}",
                "{\"type\":\"dropout\",\"rate\":0.5,\"name\":\"drop\"}",
                "{\"type\":\"conv2d\",\"filters\":2,\"kernel_size\":1,\"name\":\"head\"}");
        try (Model m = build(json, 7)) {
            PlanOptimisation o = m.optimisation();
            assertEquals(5, o.nodes(), o.format());
            assertEquals(2, o.optimisedNodes(), o.format());
            assertEquals(Map.of("batch_normalization", 1), o.folded(), o.format());
            assertEquals(Map.of("activation", 1), o.fused(), o.format());
            assertEquals(Map.of("dropout", 1), o.dropped(), o.format());
            assertEquals("optimised plan: 5 -> 2 nodes (1 batch_normalization folded into weights, 1 activation "
                    + "fused into kernels, 1 dropout dropped)", o.format());
            String summary = m.summary().format();
            assertTrue(summary.contains("Note: " + o.format() + " for predict; trace runs every layer\n"), summary);
            Random r = new Random(3);
            for (int batch : new int[] {1, 3}) {
                assertPredictMatchesTrace(weighted + " batch " + batch, m, input(r, batch, 9, 9, 3));
            }
        }
    }

    /** ReLU6, LeakyReLU and the other element-wise functions fuse into add, and into a conv2d. */
    @ParameterizedTest
    @ValueSource(strings = {"relu", "relu6", "leaky_relu", "elu", "sigmoid", "tanh", "swish", "gelu"})
    void activationFusesIntoAddAndConv(String fn) {
        String json = "{\"input_shape\":[6,6,4],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"padding\":\"same\",\"name\":\"a\"},"
                + "{\"type\":\"activation\",\"activation\":\"" + fn + "\",\"name\":\"a_act\"},"
                + "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":1,\"name\":\"b\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"add\",\"inputs\":[\"a_act\",\"b\"],\"name\":\"sum\"},"
                + "{\"type\":\"activation\",\"activation\":\"" + fn + "\",\"name\":\"out\"}]}";
        try (Model m = build(json, 11)) {
            PlanOptimisation o = m.optimisation();
            // the add (with its activation) also moves into conv b, whose output only it reads
            assertEquals(Map.of("activation", 2, "add", 1), o.fused(), o.format());
            assertEquals(2, o.optimisedNodes(), o.format());
            assertPredictMatchesTrace(fn, m, input(new Random(5), 2, 6, 6, 4));
        }
    }

    /**
     * A residual Add (with the activation after it) moves into the conv computing either of its
     * inputs when nothing else reads that conv's output: the same bits as the conv and the add
     * run one after the other (trace), at every batch size and thread count; grouped,
     * 8-filter (pair tiles) and 1x1 convs take every conv path.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "\"filters\":4,\"kernel_size\":3,\"padding\":\"same\"",
        "\"filters\":16,\"kernel_size\":3,\"padding\":\"same\"",
        "\"filters\":8,\"kernel_size\":3,\"padding\":\"same\"",
        "\"filters\":32,\"kernel_size\":1",
        "\"filters\":16,\"kernel_size\":3,\"padding\":\"same\",\"groups\":2",
        "\"filters\":64,\"kernel_size\":3,\"padding\":\"same\",\"use_bias\":false"})
    void residualAddMovesIntoTheConvBefore(String conv) {
        for (boolean convFirst : new boolean[] {true, false}) {
            String add = convFirst ? "[\"c\",\"skip\"]" : "[\"skip\",\"c\"]";
            String json = "{\"input_shape\":[12,12,8],\"layers\":["
                    + "{\"type\":\"conv2d\",\"filters\":" + conv.replaceAll("\"filters\":(\\d+).*", "$1")
                    + ",\"kernel_size\":1,\"name\":\"skip\"},"
                    + "{\"type\":\"conv2d\"," + conv + ",\"name\":\"c\",\"inputs\":[\"input\"]},"
                    + "{\"type\":\"add\",\"inputs\":" + add + ",\"name\":\"sum\"},"
                    + "{\"type\":\"activation\",\"activation\":\"relu\",\"name\":\"out\"}]}";
            try (Model m = build(json, 17)) {
                PlanOptimisation o = m.optimisation();
                assertEquals(Map.of("activation", 1, "add", 1), o.fused(), o.format());
                assertEquals(2, o.optimisedNodes(), o.format());
                Random r = new Random(7);
                for (int batch : new int[] {1, 3}) {
                    Tensor x = input(r, batch, 12, 12, 8);
                    String what = conv + (convFirst ? " add(c, skip)" : " add(skip, c)") + " batch " + batch;
                    assertPredictMatchesTrace(what, m, x);
                    assertTrue(trace(m, x).get("out").contentEquals(m.predict(x)), what + ": not the unfused bits");
                }
            }
        }
    }

    @Test
    void aResidualAddStaysWhenTheConvHasAnActivationOrAnotherReader() {
        String withRelu = "{\"input_shape\":[6,6,4],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"padding\":\"same\",\"activation\":\"relu\","
                + "\"name\":\"c\"},"
                + "{\"type\":\"add\",\"inputs\":[\"c\",\"input\"],\"name\":\"sum\"}]}";
        String read2 = "{\"input_shape\":[6,6,4],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"padding\":\"same\",\"name\":\"c\"},"
                + "{\"type\":\"add\",\"inputs\":[\"c\",\"input\"],\"name\":\"sum\"},"
                + "{\"type\":\"add\",\"inputs\":[\"sum\",\"c\"],\"name\":\"again\"}]}";
        for (String json : new String[] {withRelu, read2}) {
            try (Model m = build(json, 19)) {
                PlanOptimisation o = m.optimisation();
                assertFalse(o.fused().containsKey("add") && json.equals(withRelu), o.format());
                if (json.equals(read2)) {
                    // c is read twice: the first add stays; the second (sum + c) may take neither
                    assertEquals(Map.of(), o.fused(), o.format());
                }
                assertPredictMatchesTrace(o.format(), m, input(new Random(9), 2, 6, 6, 4));
            }
        }
    }

    @Test
    void softmaxAndDenseWithItsOwnActivationAreNotFused() {
        String json = chain("[8]", "{\"type\":\"dense\",\"units\":5,\"activation\":\"tanh\",\"name\":\"d\"}",
                "{\"type\":\"batch_normalization\",\"name\":\"bn\"}",
                "{\"type\":\"dense\",\"units\":3,\"name\":\"logits\"}",
                "{\"type\":\"activation\",\"activation\":\"softmax\",\"name\":\"p\"}");
        try (Model m = build(json, 13)) {
            PlanOptimisation o = m.optimisation();
            assertEquals(4, o.optimisedNodes(), "dense(tanh) cannot take BN, softmax is not element-wise: " + o.format());
            assertEquals("optimised plan: 4 nodes, nothing folded, fused or dropped", o.format());
            assertFalse(m.summary().format().contains("optimised plan"), "no note when nothing changed");
            assertPredictMatchesTrace("no rule", m, input(new Random(1), 2, 8));
        }
    }

    @Test
    void aProducerWithASecondReaderOrThatIsAnOutputKeepsItsValue() {
        // conv 'c' is read by bn and by add: its own value is needed, nothing folds into it.
        String twoReaders = "{\"input_shape\":[5,5,3],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":3,\"kernel_size\":3,\"padding\":\"same\",\"name\":\"c\"},"
                + "{\"type\":\"batch_normalization\",\"name\":\"bn\"},"
                + "{\"type\":\"add\",\"inputs\":[\"bn\",\"c\"],\"name\":\"sum\"}]}";
        try (Model m = build(twoReaders, 17)) {
            assertTrue(m.optimisation().folded().isEmpty(), m.optimisation().format());
            assertPredictMatchesTrace("two readers", m, input(new Random(2), 1, 5, 5, 3));
        }
        // A dropout whose input has another reader cannot merge into it: its readers read that input.
        String rewired = "{\"input_shape\":[5,5,3],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":3,\"kernel_size\":3,\"padding\":\"same\",\"name\":\"c\"},"
                + "{\"type\":\"dropout\",\"rate\":0.5,\"name\":\"d\"},"
                + "{\"type\":\"add\",\"inputs\":[\"d\",\"c\"],\"name\":\"sum\"}]}";
        try (Model m = build(rewired, 18)) {
            assertEquals(Map.of("dropout", 1), m.optimisation().dropped(), m.optimisation().format());
            assertEquals(2, m.optimisation().optimisedNodes(), m.optimisation().format());
            Tensor x = input(new Random(3), 2, 5, 5, 3);
            assertTrue(trace(m, x).get("sum").contentEquals(m.predict(x)), "the identity changes no bit");
        }
        // conv 'c' is an output as well as bn's input: both keep their Keras values.
        String outputs = "{\"input_shape\":[5,5,3],\"outputs\":[\"c\",\"bn\"],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":3,\"kernel_size\":3,\"name\":\"c\"},"
                + "{\"type\":\"batch_normalization\",\"name\":\"bn\"}]}";
        try (Model m = build(outputs, 19)) {
            assertTrue(m.optimisation().folded().isEmpty(), m.optimisation().format());
            Tensor x = input(new Random(4), 1, 5, 5, 3);
            Map<String, Tensor> t = trace(m, x);
            Map<String, Tensor> p = m.predictAll(x);
            assertTrue(t.get("c").contentEquals(p.get("c")));
            assertTrue(t.get("bn").contentEquals(p.get("bn")));
        }
    }

    @Test
    void anOutputThatIsABatchNormOrAnActivationOrADropoutGivesItsKerasValue() {
        String json = "{\"input_shape\":[6,6,2],\"outputs\":[\"bn\",\"act\",\"drop\",\"drop_in\"],\"layers\":["
                + "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"use_bias\":false,\"name\":\"c1\"},"
                + "{\"type\":\"batch_normalization\",\"name\":\"bn\"},"
                + "{\"type\":\"depthwise_conv2d\",\"kernel_size\":3,\"name\":\"dw\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"activation\",\"activation\":\"relu6\",\"name\":\"act\"},"
                + "{\"type\":\"dense\",\"units\":3,\"name\":\"d\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"dropout\",\"rate\":0.2,\"name\":\"drop\"},"
                + "{\"type\":\"dropout\",\"rate\":0.2,\"name\":\"drop_in\",\"inputs\":[\"input\"]}]}";
        try (Model m = build(json, 23)) {
            PlanOptimisation o = m.optimisation();
            assertEquals(Map.of("batch_normalization", 1), o.folded(), o.format());
            assertEquals(Map.of("activation", 1), o.fused(), o.format());
            // 'drop' merges into dense 'd' under its name; 'drop_in' reads the model input and stays a copy.
            assertEquals(Map.of("dropout", 1), o.dropped(), o.format());
            assertEquals(4, o.optimisedNodes(), o.format());
            assertEquals(List.of("bn", "act", "drop", "drop_in"), m.outputNames());
            assertPredictMatchesTrace("outputs", m, input(new Random(6), 2, 6, 6, 2));
        }
    }

    @Test
    void weightsLoadedAfterTheBuildAreWhatPredictRuns() {
        String json = chain("[7,7,3]", "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"name\":\"c\"}",
                "{\"type\":\"batch_normalization\",\"name\":\"bn\"}",
                "{\"type\":\"activation\",\"activation\":\"relu\",\"name\":\"act\"}");
        try (Model m = build(json, 29)) {
            Tensor x = input(new Random(8), 1, 7, 7, 3);
            Map<String, Map<String, Tensor>> before = m.weights();
            Tensor first = m.predict(x);
            Approx.assertClose("first weights", trace(m, x).get("act"), first, RTOL);
            // The folding did not touch the layers' own weights.
            Map<String, Map<String, Tensor>> same = m.weights();
            before.forEach((l, ws) -> ws.forEach((w, t) -> assertTrue(t.contentEquals(same.get(l).get(w)),
                    l + "/" + w + " changed by the optimised plan")));
            // New BN statistics only, then a new conv kernel only: each must reach predict.
            m.setWeights("bn", randomized(m.weights(), new Random(31)).get("bn"));
            Tensor second = m.predict(x);
            assertFalse(second.contentEquals(first), "predict must not run the stale folded weights");
            Approx.assertClose("new BN weights", trace(m, x).get("act"), second, RTOL);
            Tensor kernel = m.weights().get("c").get("kernel");
            for (int i = 0; i < kernel.size(); i++) {
                kernel.data()[i] *= -1.5f;
            }
            m.setWeights("c", Map.of("kernel", kernel));
            Tensor third = m.predict(x);
            assertFalse(third.contentEquals(second), "predict must not run the stale folded kernel");
            Approx.assertClose("new conv kernel", trace(m, x).get("act"), third, RTOL);
        }
    }

    /** A hot swap rebuilds the optimised plan with the model, from the weights by name. */
    @Test
    void aProviderSwapRebuildsTheOptimisedPlan() {
        String json = chain("[7,7,3]", "{\"type\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"name\":\"c\"}",
                "{\"type\":\"batch_normalization\",\"name\":\"bn\"}",
                "{\"type\":\"activation\",\"activation\":\"relu\",\"name\":\"act\"}");
        try (StandaloneEngine own = KerasReal.engine(); Model m = own.build(own.parse(json))) {
            randomWeights(m, new Random(37));
            Tensor x = input(new Random(9), 1, 7, 7, 3);
            Tensor before = m.predict(x);
            io.cnnkit.layers.dense.BatchNormalizationProvider newer = new io.cnnkit.layers.dense.BatchNormalizationProvider();
            own.register(newer, 10);
            assertEquals(Map.of("batch_normalization", 1), m.optimisation().folded(), m.optimisation().format());
            assertTrue(before.contentEquals(m.predict(x)), "same weights by name, same folded plan");
            own.unregister(newer);
            assertEquals(2, m.optimisation().nodes() - m.optimisation().optimisedNodes(), m.optimisation().format());
            assertTrue(before.contentEquals(m.predict(x)));
            Approx.assertClose("after the swaps", trace(m, x).get("act"), m.predict(x), RTOL);
        }
    }
}
