package io.cnnkit.layers.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cnnkit.testkit.ShuffledContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.impl.Scheduler;

/** Kernels against the reference, thread-count independence, garbage-filled outputs and errors. */
class MergeLayerTest {
    static final List<String> ELEMENTWISE = List.of("add", "subtract", "multiply", "average", "maximum", "minimum");
    private static Scheduler scheduler;

    @BeforeAll
    static void start() {
        scheduler = new Scheduler(3);
    }

    @AfterAll
    static void stop() {
        scheduler.close();
    }

    static Shape sample(int[] batched) {
        return Shape.of(Arrays.copyOfRange(batched, 1, batched.length));
    }

    /** Random shapes that broadcast: each input takes each output axis or 1, some with lower rank. */
    static List<int[]> broadcastShapes(Random r, int n) {
        int rank = 1 + r.nextInt(4); // per-sample rank 1..4
        int[] out = new int[rank + 1];
        out[0] = 1 + r.nextInt(3);
        for (int a = 1; a <= rank; a++) {
            out[a] = 1 + r.nextInt(6);
        }
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int drop = r.nextInt(4) == 0 ? r.nextInt(rank) : 0; // lower rank: leading axes dropped
            int[] s = new int[rank + 1 - drop];
            s[0] = out[0];
            for (int a = 1; a < s.length; a++) {
                s[a] = r.nextInt(3) == 0 ? 1 : out[a + drop];
            }
            shapes.add(s);
        }
        return shapes;
    }

    @Test
    void elementwiseKernelsMatchTheReferenceBitForBit() {
        Random r = new Random(1);
        for (int trial = 0; trial < 400; trial++) {
            String type = ELEMENTWISE.get(trial % ELEMENTWISE.size());
            int n = type.equals("subtract") ? 2 : 2 + r.nextInt(3);
            List<int[]> shapes = broadcastShapes(r, n);
            List<Tensor> in = new ArrayList<>();
            List<Shape> samples = new ArrayList<>();
            for (int[] s : shapes) {
                in.add(Fixtures.random(r, s));
                samples.add(sample(s));
            }
            Tensor expected = Reference.elementwise(type, in);
            MultiInputLayer layer = Fixtures.build(Fixtures.spec(type), samples);
            assertEquals(sample(expected.shape()), layer.outputShape(), type + " " + samples);
            Tensor y = Fixtures.run(layer, in, new ShuffledContext(trial));
            assertTrue(expected.contentEquals(y), "trial " + trial + " " + type + " " + samples);
        }
    }

    @Test
    void concatenateMatchesTheReferenceOnEveryAxis() {
        Random r = new Random(2);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + r.nextInt(4);
            int[] base = new int[rank + 1];
            base[0] = 1 + r.nextInt(3);
            for (int a = 1; a <= rank; a++) {
                base[a] = 1 + r.nextInt(5);
            }
            int axis = 1 + r.nextInt(rank);
            int keras = r.nextBoolean() ? axis : axis - rank - 1; // positive or negative form
            List<Tensor> in = new ArrayList<>();
            List<Shape> samples = new ArrayList<>();
            for (int i = 0, n = 2 + r.nextInt(3); i < n; i++) {
                int[] s = base.clone();
                s[axis] = 1 + r.nextInt(5);
                in.add(Fixtures.random(r, s));
                samples.add(sample(s));
            }
            Tensor expected = Reference.concatenate(in, keras);
            MultiInputLayer layer = Fixtures.build(Fixtures.spec("concatenate", "axis", keras), samples);
            assertEquals(sample(expected.shape()), layer.outputShape());
            Tensor y = Fixtures.run(layer, in, new ShuffledContext(trial));
            assertTrue(expected.contentEquals(y), "trial " + trial + " axis " + keras + " " + samples);
        }
    }

    /** Big enough that the scheduler really splits the work; 1, 2 and 3 threads give identical bits. */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Random r = new Random(3);
        int[][][] cases = {
            {{2, 48, 40, 32}, {2, 48, 40, 32}, {2, 48, 40, 32}},
            {{2, 1, 1, 32}, {2, 48, 40, 32}},
            {{2, 48, 40, 1}, {2, 48, 40, 32}},
            {{2, 48, 1, 32}, {2, 1, 40, 32}},
            {{2, 32}, {2, 48, 40, 32}},
            {{1, 3, 20000}, {1, 3, 1}},
        };
        for (int[][] c : cases) {
            List<Tensor> in = new ArrayList<>();
            List<Shape> samples = new ArrayList<>();
            for (int[] s : c) {
                in.add(Fixtures.random(r, s));
                samples.add(sample(s));
            }
            for (String type : ELEMENTWISE) {
                if (type.equals("subtract") && in.size() != 2) {
                    continue;
                }
                MultiInputLayer layer = Fixtures.build(Fixtures.spec(type), samples);
                Tensor one = Fixtures.run(layer, in, scheduler.context(1));
                assertTrue(Reference.elementwise(type, in).contentEquals(one), type + " " + samples);
                for (int threads : new int[] {2, 3}) {
                    Tensor y = Fixtures.run(layer, in, scheduler.context(threads));
                    assertTrue(one.contentEquals(y), type + " " + samples + " threads " + threads);
                }
            }
        }
        List<Tensor> in = List.of(Fixtures.random(r, 2, 40, 40, 24), Fixtures.random(r, 2, 40, 40, 40));
        for (int axis : new int[] {-1, 1, 2}) {
            List<Tensor> parts = axis == -1 ? in : List.of(in.get(0), in.get(0));
            List<Shape> samples = parts.stream().map(Shape::ofSample).toList();
            MultiInputLayer layer = Fixtures.build(Fixtures.spec("concatenate", "axis", axis), samples);
            Tensor one = Fixtures.run(layer, parts, scheduler.context(1));
            assertTrue(Reference.concatenate(parts, axis).contentEquals(one), "axis " + axis);
            for (int threads : new int[] {2, 3}) {
                assertTrue(one.contentEquals(Fixtures.run(layer, parts, scheduler.context(threads))),
                        "concatenate axis " + axis + " threads " + threads);
            }
        }
    }

    /** writesEveryOutput: a NaN-filled output (the engine skips zeroing) gives exactly the reference. */
    @Test
    void everyOutputElementIsWrittenIntoANaNFilledBuffer() {
        Random r = new Random(4);
        ExecutionContext[] contexts = {Fixtures.INLINE, scheduler.context(2), new ShuffledContext(5)};
        for (int trial = 0; trial < 60; trial++) {
            String type = trial % 7 == 6 ? "concatenate" : ELEMENTWISE.get(trial % 6);
            List<Tensor> in = new ArrayList<>();
            Tensor expected;
            if (type.equals("concatenate")) {
                in.add(Fixtures.random(r, 2, 3, 4, 1 + r.nextInt(5)));
                in.add(Fixtures.random(r, 2, 3, 4, 1 + r.nextInt(5)));
                expected = Reference.concatenate(in, -1);
            } else {
                for (int[] s : broadcastShapes(r, type.equals("subtract") ? 2 : 3)) {
                    in.add(Fixtures.random(r, s));
                }
                expected = Reference.elementwise(type, in);
            }
            MultiInputLayer layer = Fixtures.build(Fixtures.spec(type), in.stream().map(Shape::ofSample).toList());
            assertTrue(layer.writesEveryOutput(), type);
            for (ExecutionContext ctx : contexts) {
                // the output is a view in the middle of a NaN-filled array
                float[] garbage = new float[expected.size() + 10];
                Arrays.fill(garbage, Float.NaN);
                Tensor y = Tensor.view(garbage, 5, expected.shape());
                layer.forward(in, y, ctx);
                assertTrue(expected.contentEquals(y), "trial " + trial + " " + type);
                for (int i : new int[] {0, 1, 2, 3, 4, garbage.length - 5, garbage.length - 1}) {
                    assertTrue(Float.isNaN(garbage[i]), "wrote outside the output at " + i);
                }
            }
        }
    }

    @Test
    void specialValuesFollowIeeeAndNumpy() {
        float nan = Float.NaN;
        Tensor a = Tensor.wrap(new float[] {nan, 1, Float.POSITIVE_INFINITY, -0f}, 1, 4);
        Tensor b = Tensor.wrap(new float[] {1, nan, Float.NEGATIVE_INFINITY, 0f}, 1, 4);
        Shape s = Shape.of(4);
        Tensor max = Fixtures.run(Fixtures.build(Fixtures.spec("maximum"), s, s), List.of(a, b), Fixtures.INLINE);
        Tensor min = Fixtures.run(Fixtures.build(Fixtures.spec("minimum"), s, s), List.of(a, b), Fixtures.INLINE);
        Tensor add = Fixtures.run(Fixtures.build(Fixtures.spec("add"), s, s), List.of(a, b), Fixtures.INLINE);
        assertTrue(Float.isNaN(max.data()[0]) && Float.isNaN(max.data()[1]), Arrays.toString(max.data()));
        assertTrue(Float.isNaN(min.data()[0]) && Float.isNaN(min.data()[1]), Arrays.toString(min.data()));
        assertEquals(Float.POSITIVE_INFINITY, max.data()[2]);
        assertEquals(Float.NEGATIVE_INFINITY, min.data()[2]);
        assertTrue(Float.isNaN(add.data()[2]), "inf + -inf");
    }

    // ---- shapes

    @Test
    void broadcastShapesFollowKeras2() {
        LayerSpec add = Fixtures.spec("add");
        assertEquals(Shape.of(8, 8, 16), Fixtures.build(add, Shape.of(1, 1, 16), Shape.of(8, 8, 16)).outputShape());
        assertEquals(Shape.of(8, 8, 16), Fixtures.build(add, Shape.of(16), Shape.of(8, 8, 16)).outputShape());
        assertEquals(Shape.of(8, 8, 16), Fixtures.build(add, Shape.of(8, 1, 16), Shape.of(1, 8, 1)).outputShape());
        // (N, 8) against (N, 8, 8, 16) is (N, 1, 1, 8): axis 3 has 8 and 16
        ModelException e = assertThrows(ModelException.class,
                () -> Fixtures.build(add, Shape.of(8), Shape.of(8, 8, 16)));
        assertTrue(e.getMessage().contains("cannot broadcast (None, 8) with (None, 8, 8, 16): axis 3 has 8 and 16"),
                e.getMessage());
    }

    @Test
    void openSizesAreAcceptedAndCheckedWhenTheRunShapesAreKnown() {
        int u = Shape.UNKNOWN;
        LayerSpec add = Fixtures.spec("add");
        MultiInputLayer l = Fixtures.build(add, Shape.of(u, u, 16), Shape.of(u, u, 16));
        assertEquals(Shape.of(u, u, 16), l.outputShape());
        assertEquals(Shape.of(u, u, 16), Fixtures.build(add, Shape.of(u, u, 16), Shape.of(1, 1, 16)).outputShape());
        assertEquals(Shape.of(8, u, 16), Fixtures.build(add, Shape.of(u, u, 16), Shape.of(8, 1, 16)).outputShape());
        assertEquals(Shape.of(5, 5, 16), l.outputShape(List.of(Shape.of(5, 5, 16), Shape.of(5, 5, 16))));
        assertEquals(Shape.of(5, 5, 16), l.outputShape(List.of(Shape.of(1, 5, 16), Shape.of(5, 1, 16))));
        ModelException e = assertThrows(ModelException.class,
                () -> l.outputShape(List.of(Shape.of(5, 5, 16), Shape.of(4, 5, 16))));
        assertTrue(e.getMessage().contains("(None, 5, 5, 16) with (None, 4, 5, 16): axis 1 has 5 and 4"),
                e.getMessage());
        // forward checks the run's shapes too
        Tensor a = Tensor.zeros(1, 5, 5, 16), b = Tensor.zeros(1, 4, 5, 16);
        e = assertThrows(ModelException.class, () -> l.forward(List.of(a, b), Tensor.zeros(1, 5, 5, 16),
                Fixtures.INLINE));
        assertTrue(e.getMessage().contains("(None, 5, 5, 16) with (None, 4, 5, 16)"), e.getMessage());

        MultiInputLayer c = Fixtures.build(Fixtures.spec("concatenate"), Shape.of(u, u, 3), Shape.of(u, u, 5));
        assertEquals(Shape.of(u, u, 8), c.outputShape());
        assertEquals(Shape.of(u, 4, u), Fixtures.build(Fixtures.spec("concatenate"), Shape.of(u, 4, 3),
                Shape.of(u, u, u)).outputShape());
        assertEquals(Shape.of(6, 6, 8), c.outputShape(List.of(Shape.of(6, 6, 3), Shape.of(6, 6, 5))));
        e = assertThrows(ModelException.class, () -> c.outputShape(List.of(Shape.of(6, 6, 3), Shape.of(6, 7, 5))));
        assertTrue(e.getMessage().contains("(None, 6, 6, 3) with (None, 6, 7, 5)"), e.getMessage());
    }

    // ---- errors

    @Test
    void broadcastMismatchNamesBothShapesAndTheAxis() {
        ModelException e = assertThrows(ModelException.class,
                () -> Fixtures.build(Fixtures.spec("add"), Shape.of(8, 8, 16), Shape.of(8, 8, 32)));
        assertTrue(e.getMessage().contains("(add): cannot broadcast (None, 8, 8, 16) with (None, 8, 8, 32): axis 3 "
                + "has 16 and 32"), e.getMessage());
        for (String type : ELEMENTWISE) {
            e = assertThrows(ModelException.class,
                    () -> Fixtures.build(Fixtures.spec(type), Shape.of(3, 4), Shape.of(5, 4)));
            assertTrue(e.getMessage().contains("(None, 3, 4) with (None, 5, 4): axis 1 has 3 and 5"), e.getMessage());
        }
        // three inputs: the message names the two that clash
        e = assertThrows(ModelException.class, () -> Fixtures.build(Fixtures.spec("multiply"), Shape.of(1, 7),
                Shape.of(2, 7), Shape.of(3, 1)));
        assertTrue(e.getMessage().contains("(None, 2, 7) with (None, 3, 1): axis 1 has 2 and 3"), e.getMessage());
    }

    @Test
    void concatenateMismatchesAreRefused() {
        LayerSpec spec = Fixtures.spec("concatenate");
        ModelException e = assertThrows(ModelException.class,
                () -> Fixtures.build(spec, Shape.of(2, 3, 3), Shape.of(2, 4, 5)));
        assertTrue(e.getMessage().contains("cannot concatenate (None, 2, 3, 3) with (None, 2, 4, 5) on axis 3: axis 2 "
                + "has 3 and 4"), e.getMessage());
        // no broadcasting: 1 is not stretched
        e = assertThrows(ModelException.class, () -> Fixtures.build(spec, Shape.of(1, 1, 3), Shape.of(4, 4, 5)));
        assertTrue(e.getMessage().contains("(None, 1, 1, 3) with (None, 4, 4, 5)"), e.getMessage());
        e = assertThrows(ModelException.class, () -> Fixtures.build(spec, Shape.of(4, 3), Shape.of(2, 4, 3)));
        assertTrue(e.getMessage().contains("(None, 4, 3) with (None, 2, 4, 3)") && e.getMessage().contains("rank"),
                e.getMessage());
    }

    @Test
    void concatenateAxisRange() {
        Shape s = Shape.of(4, 4, 3);
        for (int axis : new int[] {0, -4}) {
            ModelException e = assertThrows(ModelException.class,
                    () -> Fixtures.build(Fixtures.spec("concatenate", "axis", axis), s, s));
            assertTrue(e.getMessage().contains("parameter 'axis'") && e.getMessage().contains("batch axis"),
                    e.getMessage());
        }
        for (int axis : new int[] {4, -5, 7}) {
            ModelException e = assertThrows(ModelException.class,
                    () -> Fixtures.build(Fixtures.spec("concatenate", "axis", axis), s, s));
            assertTrue(e.getMessage().contains("parameter 'axis'") && e.getMessage().contains("out of range"),
                    e.getMessage());
        }
        ModelException e = assertThrows(ModelException.class,
                () -> Fixtures.build(Fixtures.spec("concatenate", "axis", "last"), s, s));
        assertTrue(e.getMessage().contains("parameter 'axis' must be an integer"), e.getMessage());
        for (int axis : new int[] {1, 2, 3, -1, -2, -3}) {
            int ax = axis < 0 ? axis + 3 : axis - 1;
            int[] want = s.dims();
            want[ax] *= 2;
            assertEquals(Shape.of(want), Fixtures.build(Fixtures.spec("concatenate", "axis", axis), s, s)
                    .outputShape(), "axis " + axis);
        }
    }

    @Test
    void inputCounts() {
        Shape s = Shape.of(4, 4, 3);
        for (MultiInputLayerProvider p : Fixtures.providers()) {
            boolean subtract = p.type().equals("subtract");
            assertEquals(2, p.minInputs(), p.type());
            assertEquals(subtract ? 2 : Integer.MAX_VALUE, p.maxInputs(), p.type());
            ModelException e = assertThrows(ModelException.class,
                    () -> p.create(Fixtures.spec(p.type()), List.of(s), Fixtures.BUILD));
            assertTrue(e.getMessage().contains(subtract ? "exactly 2 inputs" : "at least 2 inputs"), e.getMessage());
            // the single-input Layer methods refuse too
            MultiInputLayer l = p.create(Fixtures.spec(p.type()), List.of(s, s), Fixtures.BUILD);
            assertThrows(ModelException.class, () -> l.outputShape(s));
            assertThrows(ModelException.class, () -> l.forward(Tensor.zeros(1, 4, 4, 3), Tensor.zeros(1, 4, 4, 3),
                    Fixtures.INLINE));
            assertEquals(s, l.inputShape());
        }
        MultiInputLayerProvider sub = Fixtures.provider("subtract");
        ModelException e = assertThrows(ModelException.class,
                () -> sub.create(Fixtures.spec("subtract"), List.of(s, s, s), Fixtures.BUILD));
        assertTrue(e.getMessage().contains("takes exactly 2 inputs but is given 3"), e.getMessage());
        MultiInputLayer add3 = Fixtures.build(Fixtures.spec("add"), s, s, s);
        Tensor x = Tensor.zeros(1, 4, 4, 3);
        assertThrows(ModelException.class, () -> add3.forward(List.of(x, x), Tensor.zeros(1, 4, 4, 3),
                Fixtures.INLINE));
    }

    @Test
    void forwardChecksBatchOutputAndAliasing() {
        Shape s = Shape.of(2, 3);
        for (String type : List.of("add", "concatenate")) {
            MultiInputLayer l = Fixtures.build(Fixtures.spec(type), s, s);
            Tensor a = Tensor.zeros(2, 2, 3), b = Tensor.zeros(1, 2, 3);
            int[] outShape = type.equals("add") ? new int[] {2, 2, 3} : new int[] {2, 2, 6};
            ModelException e = assertThrows(ModelException.class,
                    () -> l.forward(List.of(a, b), Tensor.zeros(outShape), Fixtures.INLINE));
            assertTrue(e.getMessage().contains("(2, 2, 3) and (1, 2, 3)") && e.getMessage().contains("batch"),
                    e.getMessage());
            // wrong output shape
            Tensor c = Tensor.zeros(2, 2, 3);
            assertThrows(IllegalArgumentException.class,
                    () -> l.forward(List.of(a, c), Tensor.zeros(2, 2, 7), Fixtures.INLINE));
            // output sharing memory with an input
            float[] shared = new float[24 + 12];
            Tensor in = Tensor.view(shared, 0, 2, 2, 3);
            Tensor out = Tensor.view(shared, 6, outShape);
            IllegalArgumentException alias = assertThrows(IllegalArgumentException.class,
                    () -> l.forward(List.of(c, in), out, Fixtures.INLINE));
            assertTrue(alias.getMessage().contains("shares memory"), alias.getMessage());
        }
    }

    @Test
    void emptyBatch() {
        Shape s = Shape.of(2, 3);
        for (String type : List.of("add", "concatenate")) {
            MultiInputLayer l = Fixtures.build(Fixtures.spec(type), s, s);
            Tensor y = Fixtures.run(l, List.of(Tensor.zeros(0, 2, 3), Tensor.zeros(0, 2, 3)), Fixtures.INLINE);
            assertEquals(0, y.size());
        }
    }

    /** Keras 1 Merge: sum / mul / ave / max need one shape, concat uses concat_axis. */
    @Test
    void keras1MergeModes() {
        Random r = new Random(6);
        Tensor a = Fixtures.random(r, 2, 3, 4, 5), b = Fixtures.random(r, 2, 3, 4, 5);
        Shape s = Shape.ofSample(a);
        String[][] modes = {{"sum", "add"}, {"mul", "multiply"}, {"ave", "average"}, {"max", "maximum"}};
        for (String[] m : modes) {
            MultiInputLayer l = Fixtures.build(Fixtures.spec("merge", "mode", m[0]), s, s);
            assertEquals("merge", l.type());
            assertTrue(Reference.elementwise(m[1], List.of(a, b)).contentEquals(Fixtures.run(l, List.of(a, b),
                    Fixtures.INLINE)), m[0]);
            ModelException e = assertThrows(ModelException.class,
                    () -> Fixtures.build(Fixtures.spec("merge", "mode", m[0]), Shape.of(1, 1, 5), s));
            assertTrue(e.getMessage().contains("(None, 1, 1, 5) and (None, 3, 4, 5)"), e.getMessage());
        }
        assertEquals(Shape.of(3, 4, 5), Fixtures.build(Fixtures.spec("merge"), s, s).outputShape()); // sum
        MultiInputLayer cat = Fixtures.build(Fixtures.spec("merge", "mode", "concat", "concat_axis", 2), s, s);
        assertTrue(Reference.concatenate(List.of(a, b), 2).contentEquals(Fixtures.run(cat, List.of(a, b),
                Fixtures.INLINE)));
        assertEquals(Shape.of(3, 4, 10), Fixtures.build(Fixtures.spec("merge", "mode", "concat"), s, s).outputShape());
        ModelException e = assertThrows(ModelException.class,
                () -> Fixtures.build(Fixtures.spec("merge", "mode", "concat", "concat_axis", 0), s, s));
        assertTrue(e.getMessage().contains("parameter 'concat_axis'"), e.getMessage());
        for (String bad : new String[] {"cos", "dot", "avg"}) {
            e = assertThrows(ModelException.class, () -> Fixtures.build(Fixtures.spec("merge", "mode", bad), s, s));
            assertTrue(e.getMessage().contains("parameter 'mode'") && e.getMessage().contains("sum, mul, ave, max, "
                    + "concat"), e.getMessage());
        }
    }
}
