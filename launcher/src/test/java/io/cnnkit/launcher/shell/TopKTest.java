package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.TopClasses;

/**
 * Top-K of a run's outputs: order, ties and K beyond the class count; how the values read
 * (softmax, sigmoid, raw scores) from the layer producing each output of real models built by
 * the layer bundles found through ServiceLoader; labels that do not fit.
 */
class TopKTest {
    StandaloneEngine engine;

    @BeforeEach
    void setUp() {
        engine = Engines.fromServiceLoader(getClass().getClassLoader());
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    void assumeLayers() {
        assumeTrue(Support.has(engine, List.of("conv2d", "dense", "flatten", "activation", "global_average_pooling2d"),
                List.of("softmax", "sigmoid", "relu")), "layer and activation bundles not on the class path");
    }

    static List<Integer> indices(List<TopClasses.Ranked> r) {
        return r.stream().map(TopClasses.Ranked::index).toList();
    }

    @Test
    void highestFirstEqualValuesInClassOrderNanLast() {
        float[] v = {0.1f, 0.5f, 0.5f, Float.NaN, -0.0f, 0.0f, 0.9f};
        List<TopClasses.Ranked> all = TopK.rank(v, null, 10);
        assertEquals(List.of(6, 1, 2, 0, 4, 5, 3), indices(all), "K beyond the 7 classes lists all 7");
        for (int r = 0; r < all.size(); r++) {
            assertEquals(r + 1, all.get(r).rank());
            assertEquals(Integer.toString(all.get(r).index()), all.get(r).label(), "no labels: the class index");
            assertEquals(v[all.get(r).index()], all.get(r).value(), 0.0);
        }
        List<TopClasses.Ranked> two = TopK.rank(v, List.of("a", "b", "c", "d", "e", "f", "g"), 2);
        assertEquals(List.of(6, 1), indices(two));
        assertEquals(List.of("g", "b"), two.stream().map(TopClasses.Ranked::label).toList());
        assertEquals(List.of(0, 1, 2), indices(TopK.rank(new float[] {3, 3, 3}, null, 5)), "all equal: class order");
    }

    @Test
    void linesAreRankFirstWithThreeDecimalsForProbabilities() {
        TopClasses t = new TopClasses("dense", TopK.SOFTMAX, true,
                TopK.rank(new float[] {0.0970f, 0.9030f}, List.of("no_person", "person"), 5));
        assertEquals(List.of("top 2 of dense (softmax):", "  1. person  0.903", "  2. no_person  0.097"), t.lines());
        TopClasses raw = new TopClasses("d", TopK.RAW, false, TopK.rank(new float[] {-12.3456f, 1234.5f}, null, 1));
        assertEquals(List.of("top 1 of d (raw scores: the last layer is not a softmax or sigmoid):", "  1. 1  1235"),
                raw.lines());
    }

    /** Builds a model, runs it on a seeded random input and returns its top classes. */
    List<TopClasses> top(String description, Labels labels, int k, Map<String, Tensor>[] outputs) {
        try (Model m = engine.build(engine.parse(description))) {
            int[] in = m.inputShape().withBatch(1);
            Tensor x = Tensor.zeros(in);
            Random r = new Random(7);
            for (int i = 0; i < x.size(); i++) {
                x.data()[i] = r.nextFloat() * 2 - 1;
            }
            Map<String, Tensor> all = m.predictAll(x);
            if (outputs != null) {
                outputs[0] = all;
            }
            return TopK.of(m, all, labels, k);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Tensor>[] holder() {
        return new Map[1];
    }

    /** The values listed are the output's, in the order of {@link TopK#rank}. */
    static void assertValuesOf(Tensor t, TopClasses top) {
        for (TopClasses.Ranked r : top.classes()) {
            assertEquals(t.data()[t.offset() + r.index()], r.value(), 0.0, top.output() + " class " + r.index());
        }
    }

    @Test
    void softmaxAsALayersActivationOrAsItsOwnLayer() {
        assumeLayers();
        Map<String, Tensor>[] out = holder();
        List<TopClasses> dense = top("input(4, 4, 3) | flatten | dense(3, activation=softmax, name=p)", null, 0, out);
        assertEquals(1, dense.size());
        assertEquals("top 3 of p (softmax):", dense.get(0).heading());
        assertTrue(dense.get(0).probabilities());
        assertValuesOf(out[0].get("p"), dense.get(0));
        List<TopClasses> layer = top("input(4, 4, 3) | flatten | dense(6, name=d) | activation(softmax, name=s)", null, 2,
                out);
        assertEquals("top 2 of s (softmax):", layer.get(0).heading());
        assertValuesOf(out[0].get("s"), layer.get(0));
        // A 1x1 feature map of class scores (a fully convolutional classifier) is one score per class.
        List<TopClasses> conv = top("input(1, 1, 3) | conv2d(4, 1, activation=softmax, name=c)", null, 0, out);
        assertEquals("top 4 of c (softmax):", conv.get(0).heading());
    }

    @Test
    void anythingElseIsRawScores() {
        assumeLayers();
        Map<String, Tensor>[] out = holder();
        List<TopClasses> raw = top("input(4, 4, 3) | flatten | dense(8, name=d)", null, 0, out);
        assertEquals("top 5 of d (raw scores: the last layer is not a softmax or sigmoid):", raw.get(0).heading());
        assertFalse(raw.get(0).probabilities());
        assertValuesOf(out[0].get("d"), raw.get(0));
        List<TopClasses> relu = top("input(4, 4, 3) | flatten | dense(3, activation=relu, name=d)", null, 0, out);
        assertEquals(TopK.RAW, relu.get(0).reading());
    }

    @Test
    void sigmoidIsIndependentAndOneUnitIsBinary() {
        assumeLayers();
        Map<String, Tensor>[] out = holder();
        List<TopClasses> multi = top("input(4, 4, 3) | flatten | dense(4, activation=sigmoid, name=tags)", null, 0, out);
        assertEquals("top 4 of tags (sigmoid: each class on its own, the values need not sum to 1):",
                multi.get(0).heading());
        assertValuesOf(out[0].get("tags"), multi.get(0));
        Path f = Path.of("binary.txt");
        List<TopClasses> bin = top("input(4, 4, 3) | flatten | dense(1, activation=sigmoid, name=b)",
                new Labels(f, List.of("cat", "dog")), 0, out);
        TopClasses b = bin.get(0);
        assertEquals("top 2 of b (sigmoid of one unit: class 1 has p, class 0 has 1 - p):", b.heading());
        float p = out[0].get("b").data()[out[0].get("b").offset()];
        assertEquals(2, b.classes().size());
        for (TopClasses.Ranked r : b.classes()) {
            assertEquals(r.index() == 1 ? p : 1 - p, r.value(), 1e-7);
            assertEquals(r.index() == 1 ? "dog" : "cat", r.label());
        }
        CommandException one = assertThrows(CommandException.class, () -> top(
                "input(4, 4, 3) | flatten | dense(1, activation=sigmoid, name=b)", new Labels(f, List.of("dog")), 0, null));
        assertTrue(one.getMessage().contains("has 1 label but output 'b' has 2 classes (one sigmoid unit: classes 0 and 1)"),
                one.getMessage());
        assertTrue(one.hint().contains("give 2 labels"), one.hint());
    }

    @Test
    void featureMapsAreLeftOutUnlessAskedFor() {
        assumeLayers();
        String conv = "input(4, 4, 3) | conv2d(2, 1, name=c)";
        assertEquals(List.of(), top(conv, null, 0, null), "not asked: no top-K for a feature-map model");
        List<TopClasses> asked = top(conv, null, 3, null);
        assertEquals(1, asked.size());
        assertFalse(asked.get(0).applies());
        assertEquals(List.of("top-K of c: does not apply to an output of shape (1, 4, 4, 2): it needs one score per class,"
                + " shape (1, C)"), asked.get(0).lines());
        CommandException e = assertThrows(CommandException.class, () -> top(conv,
                new Labels(Path.of("l.txt"), List.of("a", "b")), 0, null));
        assertTrue(e.getMessage().contains("--labels: no output of model") && e.getMessage().contains("'c' (1, 4, 4, 2)"),
                e.getMessage());
    }

    @Test
    void labelsMustFitTheOutputTheyName() {
        assumeLayers();
        String one = "input(4, 4, 3) | flatten | dense(3, activation=softmax, name=dense_1)";
        Path f = Path.of("labels.txt");
        CommandException e = assertThrows(CommandException.class, () -> top(one, new Labels(f, List.of("a", "b")), 0,
                null));
        assertEquals("labels file labels.txt has 2 labels but output 'dense_1' has 3 classes", e.getMessage());
        assertTrue(e.hint().contains("one label per class in class order"), e.hint());
        // Two heads: labels go to the head with as many classes; the other shows indices and says why.
        String two = "input(6, 6, 3) | conv2d(2, 3, activation=relu, name=trunk) | flatten"
                + " | dense(3, activation=softmax, name=classes) ; @trunk | global_average_pooling2d | dense(2, name=box)";
        List<TopClasses> t = top(two, new Labels(f, List.of("x", "y")), 0, null);
        assertEquals(List.of("classes", "box"), t.stream().map(TopClasses::output).toList());
        assertTrue(t.get(0).reading().endsWith("; labels.txt has 2 labels for its 3 classes: class indices shown"),
                t.get(0).reading());
        assertTrue(t.get(0).classes().stream().allMatch(r -> r.label().equals(Integer.toString(r.index()))));
        assertTrue(t.get(1).classes().stream().allMatch(r -> r.label().equals(r.index() == 0 ? "x" : "y")));
        CommandException none = assertThrows(CommandException.class, () -> top(two,
                new Labels(f, List.of("a", "b", "c", "d")), 0, null));
        assertEquals("labels file labels.txt has 4 labels but outputs 'classes' has 3, 'box' has 2 classes",
                none.getMessage());
        CommandException k = assertThrows(CommandException.class, () -> top(one, null, -1, null));
        assertTrue(k.getMessage().contains("--top must be >= 1"), k.getMessage());
    }
}
