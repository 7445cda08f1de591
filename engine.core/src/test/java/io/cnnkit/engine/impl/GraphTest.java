package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Fakes;

/**
 * Graph models: plans (order, slots, buffer reuse), the executor (diamonds, skips, fan-out,
 * several outputs), traces keyed by node name, and the errors a wrong graph gets.
 */
class GraphTest {
    private final StandaloneEngine engine = Fakes.graphEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static String conv(String name, String... inputs) {
        return "{\"type\": \"conv2d\", \"name\": \"" + name + "\", \"filters\": 3, \"kernel_size\": 3, "
                + "\"padding\": \"same\"" + inputsJson(inputs) + "}";
    }

    private static String node(String type, String name, String... inputs) {
        return "{\"type\": \"" + type + "\", \"name\": \"" + name + "\"" + inputsJson(inputs) + "}";
    }

    private static String inputsJson(String... inputs) {
        if (inputs.length == 0) {
            return "";
        }
        return ", \"inputs\": [\"" + String.join("\", \"", inputs) + "\"]";
    }

    private static String model(String outputs, String... layers) {
        return "{\"name\": \"g\", \"input_shape\": [6, 5, 3], \"seed\": 7, "
                + (outputs == null ? "" : "\"outputs\": " + outputs + ", ") + "\"layers\": [" + String.join(", ", layers)
                + "]}";
    }

    private static Tensor image(int batch) {
        Random r = new Random(3);
        Tensor t = Tensor.zeros(batch, 6, 5, 3);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    /** The description's compiled plan. */
    private GraphPlan plan(String json) {
        return GraphPlan.compile(SnapshotBuilder.named(engine.parse(json)));
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    @Test
    void diamondEqualsItsBranchesAddedUp() {
        String diamond = model(null, conv("stem"), conv("left", "stem"), conv("right", "stem"),
                node("add", "join", "left", "right"));
        try (Model m = engine.build(engine.parse(diamond))) {
            Tensor x = image(2);
            Map<String, Tensor> trace = byName(m.trace(x));
            assertEquals(List.of("input", "stem", "left", "right", "join"), List.copyOf(trace.keySet()));
            assertArrayEquals(add(trace.get("left").toArray(), trace.get("right").toArray()),
                    trace.get("join").toArray());
            assertArrayEquals(trace.get("join").toArray(), m.predict(x).toArray(), "predict equals trace");
            assertEquals(List.of("left", "right"), stage(m.trace(x), "join").inputs());
            assertEquals(List.of("join"), m.outputNames());
        }
    }

    @Test
    void skipOverSeveralLayersAndFanOutToThree() {
        // stem feeds a, b and the final add; a -> a2 -> a3 is the long path the skip jumps over.
        String g = model(null, conv("stem"), conv("a", "stem"), conv("a2"), conv("a3"), conv("b", "stem"),
                node("add", "sum", "a3", "b", "stem"));
        try (Model m = engine.build(engine.parse(g))) {
            Map<String, Tensor> t = byName(m.trace(image(1)));
            float[] want = add(add(t.get("a3").toArray(), t.get("b").toArray()), t.get("stem").toArray());
            assertArrayEquals(want, t.get("sum").toArray());
            assertArrayEquals(want, m.predict(image(1)).toArray());
        }
    }

    @Test
    void twoOutputsComeBackByNameInOrder() {
        String g = model("[\"head2\", \"head1\"]", conv("trunk"), conv("head1", "trunk"),
                node("flatten", "flat", "trunk"), node("dense", "head2", "flat"));
        // dense needs units: patch it in
        g = g.replace("\"name\": \"head2\", \"inputs\"", "\"name\": \"head2\", \"units\": 4, \"inputs\"");
        try (Model m = engine.build(engine.parse(g))) {
            Tensor x = image(3);
            Map<String, Tensor> out = m.predictAll(x);
            assertEquals(List.of("head2", "head1"), List.copyOf(out.keySet()));
            assertEquals(List.of("head2", "head1"), m.outputNames());
            Map<String, Tensor> trace = byName(m.trace(x));
            assertArrayEquals(trace.get("head1").toArray(), out.get("head1").toArray());
            assertArrayEquals(trace.get("head2").toArray(), out.get("head2").toArray());
            assertArrayEquals(new int[] {3, 4}, out.get("head2").shape());
            ModelException e = assertThrows(ModelException.class, () -> m.predict(x));
            assertTrue(e.getMessage().contains("has 2 outputs (head2, head1); use predictAll"), e.getMessage());
            assertTrue(m.summary().graph());
            String summary = m.summary().format();
            assertTrue(summary.contains("Connected to"), summary);
            assertTrue(summary.contains("input (InputLayer)"), summary);
        }
    }

    @Test
    void resultsAreBitIdenticalForEveryThreadCount() {
        String g = model(null, conv("stem"), conv("left", "stem"), conv("right", "stem"),
                node("add", "join", "left", "right"), node("concatenate", "cat", "join", "stem"));
        try (Model m = engine.build(engine.parse(g))) {
            Tensor x = image(4);
            float[] one = m.predict(x, RunOptions.DEFAULT.withThreads(1)).toArray();
            for (int threads = 2; threads <= 4; threads++) {
                assertArrayEquals(one, m.predict(x, RunOptions.DEFAULT.withThreads(threads)).toArray(),
                        threads + " threads");
            }
            assertArrayEquals(new int[] {4, 6, 5, 6}, m.predict(x).shape());
        }
    }

    @Test
    void buffersReturnToThePoolAfterTheirLastConsumer() {
        // A chain of 8 convs needs 2 pooled buffers (in and out of each step), not 7.
        List<String> chain = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            chain.add(conv("c" + i));
        }
        GraphPlan p = plan(model(null, chain.toArray(String[]::new)));
        assertEquals(2, p.slotCount(), "a chain alternates two buffers");
        for (int i = 1; i < p.size(); i++) {
            if (p.slot(i) != GraphPlan.NO_SLOT && p.freeAfter(i) >= 0) {
                assertEquals(i + 1, p.freeAfter(i), "each conv output is free once the next conv ran");
            }
        }
        // The skip keeps stem alive across a, a2, a3: three buffers at the peak (stem, and two on the path).
        GraphPlan skip = plan(model(null, conv("stem"), conv("a"), conv("a2"), conv("a3"),
                node("add", "sum", "a3", "stem")));
        assertEquals(3, skip.slotCount());
        int stem = indexOf(skip, "stem");
        assertEquals(indexOf(skip, "sum"), skip.freeAfter(stem), "stem lives until the add reads it");
        assertEquals(GraphPlan.NO_SLOT, skip.slot(indexOf(skip, "sum")), "an output is the caller's, never pooled");
        // No node shares a buffer with one of its inputs.
        for (int i = 1; i < skip.size(); i++) {
            for (int in : skip.node(i).inputs()) {
                assertTrue(skip.slot(i) == GraphPlan.NO_SLOT || skip.slot(i) != skip.slot(in), skip.node(i).name());
            }
        }
    }

    @Test
    void reusedBuffersGiveTheSameResultsRunAfterRun() {
        String g = model(null, conv("stem"), conv("a"), conv("a2"), conv("b", "stem"), node("add", "sum", "a2", "b"));
        try (Model m = engine.build(engine.parse(g))) {
            float[] first = m.predict(image(2)).toArray();
            Tensor big = Tensor.zeros(5, 6, 5, 3);
            m.predict(big); // other sizes in between
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(first, m.predict(image(2)).toArray(), "run " + i);
            }
        }
    }

    @Test
    void layersAreOrderedTopologicallyWhateverTheDeclarationOrder() {
        // "b" is declared before the node it reads.
        String g = model(null, conv("b", "a"), conv("a", "input"), node("add", "sum", "a", "b"));
        GraphPlan p = plan(g);
        assertEquals(List.of("input", "a", "b", "sum"), p.nodes().stream().map(GraphPlan.Node::name).toList());
    }

    @Test
    void cyclesAndDanglingInputsAreErrorsNamingTheNodes() {
        ModelException cycle = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model(null, conv("a", "c"), conv("b", "a"), conv("c", "b")))));
        assertTrue(cycle.getMessage().contains("has a cycle"), cycle.getMessage());
        assertTrue(cycle.getMessage().contains("'a' -> 'b' -> 'c' -> 'a'"), cycle.getMessage());
        ModelException self = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model(null, conv("a", "a")))));
        assertTrue(self.getMessage().contains("reads its own output"), self.getMessage());
        ModelException dangling = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model(null, conv("stem"), conv("a", "stemm")))));
        assertTrue(dangling.getMessage().contains("input 'stemm' is not a node of model 'g'"), dangling.getMessage());
        assertTrue(dangling.getMessage().contains("did you mean 'stem'?"), dangling.getMessage());
        ModelException output = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model("[\"nope\"]", conv("stem")))));
        assertTrue(output.getMessage().contains("output 'nope' is not a node"), output.getMessage());
        ModelException twice = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model("[\"stem\", \"stem\"]", conv("stem")))));
        assertTrue(twice.getMessage().contains("listed twice"), twice.getMessage());
    }

    @Test
    void joinShapeMismatchNamesTheNodesAndShapes() {
        String g = model(null, conv("stem"), node("flatten", "flat", "stem"), node("add", "bad", "stem", "flat"));
        ModelException e = assertThrows(ModelException.class, () -> engine.build(engine.parse(g)));
        assertTrue(e.getMessage().contains("'bad' (add)"), e.getMessage());
        assertTrue(e.getMessage().contains("'stem' (None, 6, 5, 3), 'flat' (None, 90)"), e.getMessage());
        ModelException single = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model(null, conv("a"), conv("b", "input"), conv("c", "a", "b")))));
        assertTrue(single.getMessage().contains("reads 2 inputs ('a' (None, 6, 5, 3), 'b' (None, 6, 5, 3)) but conv2d "
                + "takes one; join them first with a merge layer"), single.getMessage());
        ModelException lonely = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model(null, conv("a"), node("add", "sum")))));
        assertTrue(lonely.getMessage().contains("takes at least 2 inputs but reads 1"), lonely.getMessage());
    }

    @Test
    void anUnusedBranchIsAWarningAndPredictSkipsIt() {
        String g = model("[\"main\"]", conv("stem"), conv("main", "stem"), conv("dead", "stem"));
        try (Model m = engine.build(engine.parse(g))) {
            assertEquals(1, m.warnings().size());
            assertTrue(m.warnings().get(0).contains("layer 'dead' feeds no output"), m.warnings().get(0));
            assertEquals(4, m.trace(image(1)).size(), "trace still shows every node");
            GraphPlan p = plan(g);
            assertFalse(p.needed(indexOf(p, "dead")));
        }
    }

    @Test
    void chainsStayChainsAndNameTheirInputs() {
        ModelDescription d = engine.parse("input(8, 8, 3) | conv2d(3, 3) | relu | flatten");
        assertFalse(d.isGraph());
        try (Model m = engine.build(d)) {
            assertEquals(List.of("input"), m.layers().get(0).inputs());
            assertEquals(List.of("conv2d"), m.layers().get(1).inputs());
            assertFalse(m.summary().graph());
            assertFalse(m.summary().format().contains("Connected to"));
            assertEquals(List.of("flatten"), m.outputNames());
        }
    }

    @Test
    void aLayerNamedLikeTheInputIsRefusedInAGraph() {
        ModelException e = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(model(null, conv("input"), conv("b", "input")))));
        assertTrue(e.getMessage().contains("is named like the model input 'input'"), e.getMessage());
        // A chain never refers to its input by name: the input node gets a free name instead.
        try (Model m = engine.build(engine.parse("{\"input_shape\": [6, 5, 3], \"layers\": [" + conv("input") + "]}"))) {
            List<Stage> stages = m.trace(image(1));
            assertEquals(List.of("input_1", "input"), stages.stream().map(Stage::name).toList());
        }
    }

    @Test
    void weightsByNameWorkOnGraphs() {
        String g = model(null, conv("stem"), conv("left", "stem"), conv("right", "stem"),
                node("add", "join", "left", "right"));
        try (Model a = engine.build(engine.parse(g)); Model b = engine.build(engine.parse(g).withSeed(99))) {
            Tensor x = image(1);
            assertFalse(java.util.Arrays.equals(a.predict(x).toArray(), b.predict(x).toArray()));
            b.setWeights(a.weights());
            assertArrayEquals(a.predict(x).toArray(), b.predict(x).toArray());
        }
    }

    @Test
    void planShapesFollowTheInputAtRunTime() {
        String g = "{\"input_shape\": [null, null, 3], \"layers\": [" + conv("stem") + ", " + conv("a", "stem")
                + ", " + node("add", "sum", "a", "stem") + "]}";
        try (Model m = engine.build(engine.parse(g))) {
            assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3), m.layers().get(2).outputShape());
            assertArrayEquals(new int[] {1, 9, 4, 3}, m.predict(Tensor.zeros(1, 9, 4, 3)).shape());
        }
    }

    @Test
    void descriptionsKeepTheirGraphThroughEveryForm() {
        ModelDescription d = engine.parse(model("[\"join\"]", conv("stem"), conv("left", "stem"),
                node("add", "join", "left", "stem")));
        List<LayerSpec> layers = d.layers();
        assertEquals(List.of("left", "stem"), layers.get(2).inputs());
        assertEquals("input", d.inputName());
        assertEquals(List.of("join"), d.outputs());
        assertTrue(d.isGraph());
        assertEquals(d, engine.parse(model("[\"join\"]", conv("stem"), conv("left", "stem"),
                node("add", "join", "left", "stem"))), "equal descriptions");
    }

    private static Stage stage(List<Stage> stages, String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Tensor> byName(List<Stage> stages) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (Stage s : stages) {
            out.put(s.name(), s.output());
        }
        assertEquals(stages.size(), out.size(), "stage names are unique");
        return out;
    }

    private static int indexOf(GraphPlan p, String name) {
        for (int i = 0; i < p.size(); i++) {
            if (p.node(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no node " + name);
    }
}
