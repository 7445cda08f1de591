package io.cnnkit.io.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A layered (Sugiyama-style) layout of a model graph, drawn top to bottom. Pure: nodes are
 * indices in topological order and their inputs are indices of earlier nodes; the result is
 * geometry only, in pixels.
 * <ol>
 * <li>Layer = the longest path from a source (the model input), so every edge points down.</li>
 * <li>An edge spanning several layers gets one invisible "dummy" slot per layer it crosses, so
 * it is routed beside the nodes instead of through them (the skip connections).</li>
 * <li>Order within a layer: barycenter sweeps, down (mean position of the inputs) and up (mean
 * position of the readers), keeping the order with the fewest crossings.</li>
 * <li>x: each slot wants to sit under the (weighted) mean of its inputs; a weighted isotonic
 * regression (pool adjacent violators) finds the closest positions that keep the order and the
 * minimum gaps, with dummies yielding to nodes, so chains stay straight.</li>
 * </ol>
 * Boxes never overlap: in a layer they are separated by at least {@link #NODE_GAP}, and layers
 * by {@link #LAYER_GAP}.
 */
public final class GraphLayout {
    /** Horizontal gap between two boxes of one layer. */
    public static final double NODE_GAP = 28;
    /** Horizontal room of a long edge passing a layer, and its gap to its neighbours. */
    public static final double DUMMY_WIDTH = 14;
    public static final double DUMMY_GAP = 10;
    /** Vertical gap between layers (room for arrowheads and curves). */
    public static final double LAYER_GAP = 36;
    /** Distance between the ends of two arrows into one box (less when many arrive). */
    public static final double PORT_SPACING = 36;
    /** Margin around the drawing. */
    public static final double MARGIN = 16;

    private static final double DUMMY_WEIGHT = 0.001;
    private static final int SWEEPS = 8;

    private GraphLayout() {
    }

    /** A point of the drawing, in pixels from the top left. */
    public record Point(double x, double y) {
    }

    /**
     * One node's box.
     *
     * @param node  the node's index
     * @param x     left edge
     * @param y     top edge
     * @param layer the layer (0 = top)
     * @param order position within the layer, dummies counted
     */
    public record Box(int node, double x, double y, double width, double height, int layer, int order) {
        public double centerX() {
            return x + width / 2;
        }

        public double bottom() {
            return y + height;
        }

        public boolean overlaps(Box o) {
            return x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
        }
    }

    /**
     * One edge from an input to a node: a polyline from the bottom of {@code from} to the top of
     * {@code to}; {@code skip} when it passes at least one layer (then the points between the
     * ends are where it crosses those layers, top and bottom of each).
     */
    public record Edge(int from, int to, List<Point> points, boolean skip) {
        public Edge {
            points = List.copyOf(points);
        }
    }

    /** The whole drawing: one box per node (by index), one edge per distinct (input, node) pair. */
    public record Result(List<Box> boxes, List<Edge> edges, double width, double height, int layers) {
        public Result {
            boxes = List.copyOf(boxes);
            edges = List.copyOf(edges);
        }
    }

    /**
     * Lays out a graph.
     *
     * @param inputs    for each node in topological order, the indices of the nodes it reads
     *                  (each smaller than its own; repeats are drawn once)
     * @param boxWidth  width of every box
     * @param boxHeight height of every box
     * @throws IllegalArgumentException when an input is not an earlier node
     */
    public static Result layout(List<List<Integer>> inputs, double boxWidth, double boxHeight) {
        int n = inputs.size();
        List<int[]> preds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Set<Integer> distinct = new LinkedHashSet<>();
            for (Integer p : inputs.get(i)) {
                if (p == null || p < 0 || p >= i) {
                    throw new IllegalArgumentException("node " + i + " reads " + p
                            + ": inputs must be earlier nodes (topological order)");
                }
                distinct.add(p);
            }
            preds.add(distinct.stream().mapToInt(Integer::intValue).toArray());
        }
        // 1. Layers: longest path from a source.
        int[] layerOf = new int[n];
        int layers = 0;
        for (int i = 0; i < n; i++) {
            for (int p : preds.get(i)) {
                layerOf[i] = Math.max(layerOf[i], layerOf[p] + 1);
            }
            layers = Math.max(layers, layerOf[i] + 1);
        }
        // 2. Slots: the nodes, then one dummy per layer a long edge crosses.
        Graph g = new Graph(n);
        for (int i = 0; i < n; i++) {
            g.add(layerOf[i]);
        }
        List<int[]> edgeChains = new ArrayList<>(); // per edge: from, slots..., to
        for (int to = 0; to < n; to++) {
            for (int from : preds.get(to)) {
                int[] chain = new int[layerOf[to] - layerOf[from] + 1];
                chain[0] = from;
                for (int l = layerOf[from] + 1; l < layerOf[to]; l++) {
                    chain[l - layerOf[from]] = g.add(l);
                }
                chain[chain.length - 1] = to;
                for (int k = 0; k + 1 < chain.length; k++) {
                    g.link(chain[k], chain[k + 1]);
                }
                edgeChains.add(chain);
            }
        }
        // 3. Order within layers.
        List<List<Integer>> rows = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            rows.add(new ArrayList<>());
        }
        for (int s = 0; s < g.size(); s++) {
            rows.get(g.layer.get(s)).add(s); // nodes in topological order, then dummies by edge
        }
        order(g, rows);
        // 4. x positions, layer by layer from the top.
        double[] cx = new double[g.size()];
        double[] width = new double[g.size()];
        for (int s = 0; s < g.size(); s++) {
            width[s] = g.isDummy(s) ? DUMMY_WIDTH : boxWidth;
        }
        for (List<Integer> row : rows) {
            int k = row.size();
            double[] desired = new double[k];
            double[] weight = new double[k];
            double[] gap = new double[Math.max(0, k - 1)];
            for (int j = 0; j < k; j++) {
                int s = row.get(j);
                double sum = 0;
                double ws = 0;
                for (int p : g.preds.get(s)) {
                    double w = g.isDummy(p) ? DUMMY_WEIGHT : 1;
                    sum += w * cx[p];
                    ws += w;
                }
                desired[j] = ws > 0 ? sum / ws : 0;
                weight[j] = g.isDummy(s) ? DUMMY_WEIGHT : 1;
                if (j > 0) {
                    int prev = row.get(j - 1);
                    double between = g.isDummy(s) || g.isDummy(prev) ? DUMMY_GAP : NODE_GAP;
                    gap[j - 1] = width[prev] / 2 + between + width[s] / 2;
                }
            }
            double[] x = place(desired, weight, gap);
            for (int j = 0; j < k; j++) {
                cx[row.get(j)] = x[j];
            }
        }
        double minLeft = Double.POSITIVE_INFINITY;
        double maxRight = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < g.size(); s++) {
            minLeft = Math.min(minLeft, cx[s] - width[s] / 2);
            maxRight = Math.max(maxRight, cx[s] + width[s] / 2);
        }
        if (g.size() == 0) {
            minLeft = 0;
            maxRight = 0;
        }
        double shift = MARGIN - minLeft;
        int[] orderOf = new int[g.size()];
        for (List<Integer> row : rows) {
            for (int j = 0; j < row.size(); j++) {
                orderOf[row.get(j)] = j;
            }
        }
        List<Box> boxes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boxes.add(new Box(i, cx[i] + shift - boxWidth / 2, top(layerOf[i], boxHeight), boxWidth, boxHeight,
                    layerOf[i], orderOf[i]));
        }
        // 5. Edges: out of the bottom centre, into the top, ports spread by where they come from.
        List<List<int[]>> incoming = new ArrayList<>(); // per node: chains ending there
        for (int i = 0; i < n; i++) {
            incoming.add(new ArrayList<>());
        }
        for (int[] chain : edgeChains) {
            incoming.get(chain[chain.length - 1]).add(chain);
        }
        List<Edge> edges = new ArrayList<>();
        for (int to = 0; to < n; to++) {
            List<int[]> in = new ArrayList<>(incoming.get(to));
            in.sort(Comparator.comparingDouble(c -> cx[c[c.length - 2]]));
            Box target = boxes.get(to);
            for (int k = 0; k < in.size(); k++) {
                int[] chain = in.get(k);
                Box source = boxes.get(chain[0]);
                List<Point> pts = new ArrayList<>();
                pts.add(new Point(source.centerX(), source.bottom()));
                for (int c = 1; c < chain.length - 1; c++) {
                    double x = cx[chain[c]] + shift;
                    double t = top(g.layer.get(chain[c]), boxHeight);
                    pts.add(new Point(x, t));
                    pts.add(new Point(x, t + boxHeight));
                }
                double spacing = Math.min(target.width / (in.size() + 1), PORT_SPACING);
                double port = target.centerX() + (k - (in.size() - 1) / 2.0) * spacing;
                pts.add(new Point(port, target.y));
                edges.add(new Edge(chain[0], to, pts, chain.length > 2));
            }
        }
        double height = layers == 0 ? 2 * MARGIN : top(layers - 1, boxHeight) + boxHeight + MARGIN;
        return new Result(boxes, edges, maxRight - minLeft + 2 * MARGIN, height, layers);
    }

    private static double top(int layer, double boxHeight) {
        return MARGIN + layer * (boxHeight + LAYER_GAP);
    }

    /** Nodes and dummies, with their links (each between adjacent layers). */
    private static final class Graph {
        final List<Integer> layer = new ArrayList<>();
        final List<List<Integer>> preds = new ArrayList<>();
        final List<List<Integer>> succs = new ArrayList<>();
        final int nodes;

        Graph(int nodes) {
            this.nodes = nodes;
        }

        int add(int l) {
            layer.add(l);
            preds.add(new ArrayList<>());
            succs.add(new ArrayList<>());
            return layer.size() - 1;
        }

        void link(int a, int b) {
            succs.get(a).add(b);
            preds.get(b).add(a);
        }

        boolean isDummy(int s) {
            return s >= nodes;
        }

        int size() {
            return layer.size();
        }
    }

    /** Barycenter sweeps; {@code rows} ends in the order with the fewest crossings seen. */
    private static void order(Graph g, List<List<Integer>> rows) {
        int[] pos = new int[g.size()];
        index(rows, pos);
        long best = crossings(g, rows, pos);
        List<List<Integer>> bestRows = copy(rows);
        for (int sweep = 0; sweep < SWEEPS && best > 0; sweep++) {
            boolean down = sweep % 2 == 0;
            if (down) {
                for (int l = 1; l < rows.size(); l++) {
                    sortBy(rows.get(l), g.preds, pos);
                }
            } else {
                for (int l = rows.size() - 2; l >= 0; l--) {
                    sortBy(rows.get(l), g.succs, pos);
                }
            }
            long c = crossings(g, rows, pos);
            if (c < best) {
                best = c;
                bestRows = copy(rows);
            }
        }
        for (int l = 0; l < rows.size(); l++) {
            rows.set(l, bestRows.get(l));
        }
    }

    /** Stable sort of one row by the mean position of its neighbours in the adjacent row. */
    private static void sortBy(List<Integer> row, List<List<Integer>> neighbours, int[] pos) {
        double[] key = new double[pos.length];
        for (int s : row) {
            List<Integer> nb = neighbours.get(s);
            if (nb.isEmpty()) {
                key[s] = pos[s]; // keeps its place
            } else {
                double sum = 0;
                for (int v : nb) {
                    sum += pos[v];
                }
                key[s] = sum / nb.size();
            }
        }
        row.sort(Comparator.comparingDouble(s -> key[s]));
        for (int j = 0; j < row.size(); j++) {
            pos[row.get(j)] = j;
        }
    }

    private static void index(List<List<Integer>> rows, int[] pos) {
        for (List<Integer> row : rows) {
            for (int j = 0; j < row.size(); j++) {
                pos[row.get(j)] = j;
            }
        }
    }

    /** Crossings between every pair of adjacent rows (edges between layers l and l + 1). */
    static long crossings(Graph g, List<List<Integer>> rows, int[] pos) {
        long total = 0;
        for (int l = 0; l + 1 < rows.size(); l++) {
            List<int[]> e = new ArrayList<>();
            for (int s : rows.get(l)) {
                for (int t : g.succs.get(s)) {
                    e.add(new int[] {pos[s], pos[t]});
                }
            }
            for (int a = 0; a < e.size(); a++) {
                for (int b = a + 1; b < e.size(); b++) {
                    int[] p = e.get(a);
                    int[] q = e.get(b);
                    if ((long) (p[0] - q[0]) * (p[1] - q[1]) < 0) {
                        total++;
                    }
                }
            }
        }
        return total;
    }

    private static List<List<Integer>> copy(List<List<Integer>> rows) {
        List<List<Integer>> c = new ArrayList<>(rows.size());
        for (List<Integer> r : rows) {
            c.add(new ArrayList<>(r));
        }
        return c;
    }

    /**
     * Centres closest (weighted least squares) to {@code desired} that keep the order and at
     * least {@code gap[j]} between centre j and centre j + 1: with y_j = x_j - (sum of the gaps
     * before j) the constraints become y non-decreasing, an isotonic regression that pool
     * adjacent violators solves exactly.
     */
    static double[] place(double[] desired, double[] weight, double[] gap) {
        int k = desired.length;
        double[] offset = new double[k];
        for (int j = 1; j < k; j++) {
            offset[j] = offset[j - 1] + gap[j - 1];
        }
        double[] mean = new double[k];
        double[] wsum = new double[k];
        int[] count = new int[k];
        int blocks = 0;
        for (int j = 0; j < k; j++) {
            mean[blocks] = desired[j] - offset[j];
            wsum[blocks] = weight[j];
            count[blocks] = 1;
            blocks++;
            while (blocks > 1 && mean[blocks - 2] > mean[blocks - 1]) {
                double w = wsum[blocks - 2] + wsum[blocks - 1];
                mean[blocks - 2] = (mean[blocks - 2] * wsum[blocks - 2] + mean[blocks - 1] * wsum[blocks - 1]) / w;
                wsum[blocks - 2] = w;
                count[blocks - 2] += count[blocks - 1];
                blocks--;
            }
        }
        double[] x = new double[k];
        int j = 0;
        for (int b = 0; b < blocks; b++) {
            for (int c = 0; c < count[b]; c++, j++) {
                x[j] = mean[b] + offset[j];
            }
        }
        return x;
    }
}
