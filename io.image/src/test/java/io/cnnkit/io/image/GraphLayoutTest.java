package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The pure layered layout: layers, no overlaps, edges from box to box, readable size. */
class GraphLayoutTest {
    static final double W = GraphSvg.BOX_WIDTH;
    static final double H = GraphSvg.BOX_HEIGHT;

    /** A graph being built: node names and the indices each reads. */
    static final class G {
        final List<String> names = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        final List<List<Integer>> inputs = new ArrayList<>();

        int add(String name, String type, int... reads) {
            names.add(name);
            types.add(type);
            List<Integer> r = new ArrayList<>();
            for (int i : reads) {
                r.add(i);
            }
            inputs.add(r);
            return names.size() - 1;
        }

        int size() {
            return names.size();
        }
    }

    /**
     * Keras's MobileNetV2 (alpha 1.0) layer by layer: 156 nodes, 10 residual adds whose skip
     * edges pass 8 layers, 4 ZeroPadding2D nodes at the stride-2 blocks.
     */
    static G mobileNetV2() {
        G g = new G();
        int x = g.add("input_1", "InputLayer");
        x = g.add("Conv1", "conv2d", x);
        x = g.add("bn_Conv1", "batch_normalization", x);
        x = g.add("Conv1_relu", "relu", x);
        x = g.add("expanded_conv_depthwise", "depthwise_conv2d", x);
        x = g.add("expanded_conv_depthwise_BN", "batch_normalization", x);
        x = g.add("expanded_conv_depthwise_relu", "relu", x);
        x = g.add("expanded_conv_project", "conv2d", x);
        x = g.add("expanded_conv_project_BN", "batch_normalization", x);
        int[] strides = {2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1};
        int[] channels = {24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160, 320};
        int prevChannels = 16;
        for (int b = 1; b <= 16; b++) {
            String p = "block_" + b + "_";
            int in = x;
            x = g.add(p + "expand", "conv2d", x);
            x = g.add(p + "expand_BN", "batch_normalization", x);
            x = g.add(p + "expand_relu", "relu", x);
            if (strides[b - 1] == 2) {
                x = g.add(p + "pad", "zero_padding2d", x);
            }
            x = g.add(p + "depthwise", "depthwise_conv2d", x);
            x = g.add(p + "depthwise_BN", "batch_normalization", x);
            x = g.add(p + "depthwise_relu", "relu", x);
            x = g.add(p + "project", "conv2d", x);
            x = g.add(p + "project_BN", "batch_normalization", x);
            if (strides[b - 1] == 1 && channels[b - 1] == prevChannels) {
                x = g.add(p + "add", "add", in, x);
            }
            prevChannels = channels[b - 1];
        }
        x = g.add("Conv_1", "conv2d", x);
        x = g.add("Conv_1_bn", "batch_normalization", x);
        x = g.add("out_relu", "relu", x);
        x = g.add("global_average_pooling2d", "global_average_pooling2d", x);
        g.add("predictions", "dense", x);
        return g;
    }

    static void assertNoOverlaps(GraphLayout.Result r) {
        List<GraphLayout.Box> b = r.boxes();
        for (int i = 0; i < b.size(); i++) {
            assertTrue(b.get(i).x() >= 0 && b.get(i).y() >= 0, "inside: " + b.get(i));
            assertTrue(b.get(i).x() + b.get(i).width() <= r.width() + 1e-9, "inside: " + b.get(i));
            assertTrue(b.get(i).y() + b.get(i).height() <= r.height() + 1e-9, "inside: " + b.get(i));
            for (int j = i + 1; j < b.size(); j++) {
                assertFalse(b.get(i).overlaps(b.get(j)), b.get(i) + " overlaps " + b.get(j));
            }
        }
    }

    static void assertEdgesJoinBoxes(GraphLayout.Result r, List<List<Integer>> inputs) {
        Set<List<Integer>> pairs = new HashSet<>();
        for (int to = 0; to < inputs.size(); to++) {
            for (int from : inputs.get(to)) {
                pairs.add(List.of(from, to));
            }
        }
        assertEquals(pairs.size(), r.edges().size(), "one edge per (input, node) pair");
        for (GraphLayout.Edge e : r.edges()) {
            assertTrue(pairs.remove(List.of(e.from(), e.to())), "unexpected or repeated edge " + e);
            GraphLayout.Box from = r.boxes().get(e.from());
            GraphLayout.Box to = r.boxes().get(e.to());
            GraphLayout.Point first = e.points().get(0);
            GraphLayout.Point last = e.points().get(e.points().size() - 1);
            assertEquals(from.centerX(), first.x(), 1e-9);
            assertEquals(from.bottom(), first.y(), 1e-9);
            assertEquals(to.y(), last.y(), 1e-9, "ends on the top of its node");
            assertTrue(last.x() > to.x() && last.x() < to.x() + to.width(), "ends on its node");
            assertEquals(to.layer() - from.layer() > 1, e.skip());
            for (int k = 1; k < e.points().size(); k++) {
                assertTrue(e.points().get(k).y() >= e.points().get(k - 1).y(), "edges run downwards: " + e);
            }
            // The passed layers' points lie between the boxes, never inside one.
            for (int k = 1; k + 1 < e.points().size(); k++) {
                GraphLayout.Point p = e.points().get(k);
                for (GraphLayout.Box b : r.boxes()) {
                    boolean inside = p.x() > b.x() && p.x() < b.x() + b.width() && p.y() >= b.y() && p.y() <= b.bottom();
                    assertFalse(inside, "skip edge " + e.from() + "->" + e.to() + " runs through box " + b.node());
                }
            }
        }
    }

    @Test
    void mobileNetV2HasNoOverlappingBoxesAndStaysNarrow() {
        G g = mobileNetV2();
        assertEquals(156, g.size());
        long t0 = System.nanoTime();
        GraphLayout.Result r = GraphLayout.layout(g.inputs, W, H);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "layout took " + ms + " ms");
        assertEquals(156, r.boxes().size());
        assertEquals(165, r.edges().size(), "155 chain edges + 10 skip edges");
        assertEquals(10, r.edges().stream().filter(GraphLayout.Edge::skip).count());
        assertNoOverlaps(r);
        assertEdgesJoinBoxes(r, g.inputs);
        // A chain with skips stays one column wide (plus the lane of its skip edges) ...
        assertTrue(r.width() < 2 * W, "width " + r.width());
        // ... and the main path stays straight: every node but the adds sits under its input.
        for (int i = 1; i < g.size(); i++) {
            if (g.inputs.get(i).size() == 1) {
                GraphLayout.Box in = r.boxes().get(g.inputs.get(i).get(0));
                assertEquals(in.centerX(), r.boxes().get(i).centerX(), 1.0, g.names.get(i));
            }
        }
        // As tall as needed: every node is on the longest path (the adds too), one layer each.
        assertEquals(156, r.layers());
        assertEquals(r.boxes().get(155).bottom() + GraphLayout.MARGIN, r.height(), 1e-9);
    }

    @Test
    void layersAreTheLongestPathFromTheInput() {
        G g = new G();
        int in = g.add("in", "input");
        int a = g.add("a", "conv2d", in);
        int b = g.add("b", "conv2d", a);
        int c = g.add("c", "conv2d", b);
        int add = g.add("add", "add", in, c);
        int side = g.add("side", "dense", a);
        GraphLayout.Result r = GraphLayout.layout(g.inputs, W, H);
        assertEquals(List.of(0, 1, 2, 3, 4, 2), r.boxes().stream().map(GraphLayout.Box::layer).toList());
        assertEquals(5, r.layers());
        GraphLayout.Edge skip = r.edges().stream().filter(e -> e.to() == add && e.from() == in).findFirst().orElseThrow();
        assertTrue(skip.skip());
        assertEquals(2 + 2 * 3, skip.points().size(), "ends plus top and bottom of each of the 3 layers passed");
        assertNoOverlaps(r);
        assertEdgesJoinBoxes(r, g.inputs);
        assertEquals(side, r.boxes().get(side).node());
    }

    @Test
    void twoHeadsSitEitherSideOfTheirTrunk() {
        G g = new G();
        int in = g.add("input", "input");
        int trunk = g.add("trunk", "conv2d", in);
        int h1 = g.add("head1", "conv2d", trunk);
        int gap = g.add("gap", "global_average_pooling2d", trunk);
        int h2 = g.add("head2", "dense", gap);
        GraphLayout.Result r = GraphLayout.layout(g.inputs, W, H);
        assertNoOverlaps(r);
        assertEdgesJoinBoxes(r, g.inputs);
        assertEquals(4, r.edges().size());
        double t = r.boxes().get(trunk).centerX();
        assertEquals(t, (r.boxes().get(h1).centerX() + r.boxes().get(gap).centerX()) / 2, 1e-6, "heads balanced");
        assertEquals(r.boxes().get(gap).centerX(), r.boxes().get(h2).centerX(), 1e-6);
        assertEquals(r.boxes().get(in).centerX(), t, 1e-6);
        assertTrue(r.boxes().get(h1).x() + W + GraphLayout.NODE_GAP <= r.boxes().get(gap).x() + 1e-9
                || r.boxes().get(gap).x() + W + GraphLayout.NODE_GAP <= r.boxes().get(h1).x() + 1e-9);
    }

    @Test
    void barycenterOrderUncrossesBranches() {
        // Two branches whose readers are declared in the opposite order: a naive order crosses.
        G g = new G();
        int in = g.add("in", "input");
        int a = g.add("a", "conv2d", in);
        int b = g.add("b", "conv2d", in);
        int bb = g.add("b2", "conv2d", b);
        int aa = g.add("a2", "conv2d", a);
        g.add("a3", "conv2d", aa);
        g.add("b3", "conv2d", bb);
        GraphLayout.Result r = GraphLayout.layout(g.inputs, W, H);
        assertNoOverlaps(r);
        assertEdgesJoinBoxes(r, g.inputs);
        boolean aLeft = r.boxes().get(a).x() < r.boxes().get(b).x();
        assertEquals(aLeft, r.boxes().get(aa).x() < r.boxes().get(bb).x(), "no crossing between layers 1 and 2");
        assertEquals(aLeft, r.boxes().get(5).x() < r.boxes().get(6).x(), "no crossing between layers 2 and 3");
    }

    @Test
    void repeatedInputsAreOneEdgeAndWideLayersDoNotOverlap() {
        G g = new G();
        int in = g.add("in", "input");
        List<Integer> all = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            all.add(g.add("branch" + k, "conv2d", in));
        }
        int cat = g.add("concat", "concatenate", all.stream().mapToInt(Integer::intValue).toArray());
        g.add("square", "multiply", cat, cat);
        GraphLayout.Result r = GraphLayout.layout(g.inputs, W, H);
        assertNoOverlaps(r);
        assertEquals(12 + 12 + 1, r.edges().size());
        assertTrue(r.width() >= 12 * W + 11 * GraphLayout.NODE_GAP);
        // The 12 arrows into concat end at 12 distinct points of its top edge, left to right by source.
        List<Double> ports = r.edges().stream().filter(e -> e.to() == cat)
                .map(e -> e.points().get(e.points().size() - 1).x()).toList();
        assertEquals(12, new HashSet<>(ports).size());
    }

    @Test
    void severalSourcesAndEmptyGraphs() {
        GraphLayout.Result empty = GraphLayout.layout(List.of(), W, H);
        assertEquals(0, empty.boxes().size());
        List<List<Integer>> in = List.of(List.of(), List.of(), List.of(0, 1));
        GraphLayout.Result r = GraphLayout.layout(in, W, H);
        assertNoOverlaps(r);
        assertEquals(List.of(0, 0, 1), r.boxes().stream().map(GraphLayout.Box::layer).toList());
        assertThrows(IllegalArgumentException.class, () -> GraphLayout.layout(List.of(List.of(0)), W, H));
        assertThrows(IllegalArgumentException.class, () -> GraphLayout.layout(List.of(List.of(), List.of(2), List.of()), W, H));
    }

    @Test
    void placeKeepsOrderAndGapsClosestToTheWish() {
        double[] x = GraphLayout.place(new double[] {0, 0, 0}, new double[] {1, 1, 1}, new double[] {10, 10});
        assertEquals(-10, x[0], 1e-9);
        assertEquals(0, x[1], 1e-9);
        assertEquals(10, x[2], 1e-9);
        // A light slot yields to a heavy one.
        x = GraphLayout.place(new double[] {0, 0}, new double[] {1, 0.01}, new double[] {10});
        assertTrue(Math.abs(x[0]) < 0.2 && x[1] - x[0] >= 10 - 1e-9, java.util.Arrays.toString(x));
        // Wishes already far enough apart are kept.
        x = GraphLayout.place(new double[] {-50, 3, 90}, new double[] {1, 1, 1}, new double[] {10, 10});
        assertEquals(List.of(-50.0, 3.0, 90.0), List.of(x[0], x[1], x[2]));
    }
}
