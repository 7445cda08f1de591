package io.cnnkit.io.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model graph as inline SVG for report.html: one box per node (name, type, output shape)
 * linking to the node's section, one arrow per (input, node) pair, laid out by
 * {@link GraphLayout} top to bottom. Edges between adjacent layers are straight; edges that
 * pass layers (skip connections) are curves in another colour, routed beside the boxes.
 * Every text is escaped; no scripts, no external references.
 */
public final class GraphSvg {
    public static final double BOX_WIDTH = 180;
    public static final double BOX_HEIGHT = 50;
    static final String EDGE_COLOUR = "#6b6b6b";
    static final String SKIP_COLOUR = "#d2691e";

    private GraphSvg() {
    }

    /**
     * One node to draw.
     *
     * @param href   where the box links (e.g. "#03_conv"), or null for none
     * @param inputs indices of the earlier nodes it reads
     */
    public record Node(String name, String type, String shape, String href, List<Integer> inputs) {
        public Node {
            inputs = List.copyOf(inputs);
        }
    }

    /** The {@code <svg>} element (no XML prolog: it is meant to be inlined in HTML). */
    public static String render(List<Node> nodes) {
        List<List<Integer>> inputs = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            inputs.add(n.inputs());
        }
        GraphLayout.Result r = GraphLayout.layout(inputs, BOX_WIDTH, BOX_HEIGHT);
        boolean[] read = new boolean[nodes.size()];
        for (GraphLayout.Edge e : r.edges()) {
            read[e.from()] = true;
        }
        StringBuilder b = new StringBuilder();
        String w = num(Math.ceil(r.width()));
        String h = num(Math.ceil(r.height()));
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" width=\"").append(w).append("\" height=\"")
                .append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" role=\"img\" aria-label=\"model graph: ").append(nodes.size()).append(" nodes, ")
                .append(r.edges().size()).append(" edges\" font-family=\"system-ui, sans-serif\">\n");
        b.append("<defs>\n");
        marker(b, "cnnkit-arrow", EDGE_COLOUR);
        marker(b, "cnnkit-arrow-skip", SKIP_COLOUR);
        b.append("</defs>\n");
        b.append("<g class=\"edges\" fill=\"none\" stroke-width=\"1.4\">\n");
        for (GraphLayout.Edge e : r.edges()) {
            b.append("<path class=\"edge").append(e.skip() ? " skip" : "").append("\" data-from=\"")
                    .append(ReportWriter.esc(nodes.get(e.from()).name())).append("\" data-to=\"")
                    .append(ReportWriter.esc(nodes.get(e.to()).name())).append("\" d=\"").append(path(e))
                    .append("\" stroke=\"").append(e.skip() ? SKIP_COLOUR : EDGE_COLOUR).append('"')
                    .append(e.skip() ? " stroke-dasharray=\"6 3\"" : "")
                    .append(" marker-end=\"url(#").append(e.skip() ? "cnnkit-arrow-skip" : "cnnkit-arrow").append(")\"/>\n");
        }
        b.append("</g>\n<g class=\"nodes\">\n");
        for (GraphLayout.Box box : r.boxes()) {
            Node n = nodes.get(box.node());
            boolean input = n.inputs().isEmpty();
            boolean end = !read[box.node()] && !input;
            if (n.href() != null) {
                b.append("<a href=\"").append(ReportWriter.esc(n.href())).append("\">");
            }
            b.append("<g class=\"node\"><title>").append(ReportWriter.esc(title(n, nodes))).append("</title>");
            b.append("<rect class=\"node\" data-node=\"").append(ReportWriter.esc(n.name())).append("\" x=\"")
                    .append(num(box.x())).append("\" y=\"").append(num(box.y())).append("\" width=\"")
                    .append(num(box.width())).append("\" height=\"").append(num(box.height()))
                    .append("\" rx=\"6\" fill=\"").append(input ? "#e3eefa" : "#ffffff").append("\" stroke=\"")
                    .append(end ? "#222222" : "#8a8a8a").append("\" stroke-width=\"").append(end ? "2.2" : "1")
                    .append("\"/>");
            double cx = box.centerX();
            // Long names get a smaller font before they are shortened (bold 12px fits ~21 characters).
            int len = n.name().codePointCount(0, n.name().length());
            String size = len <= 21 ? "12" : len <= 24 ? "11" : "10";
            text(b, cx, box.y() + 16, size, "600", "#1a1a1a", fit(n.name(), 26));
            text(b, cx, box.y() + 30, "11", "normal", "#555555", fit(n.type(), 28));
            text(b, cx, box.y() + 43, "11", "normal", "#555555", fit(n.shape(), 28));
            b.append("</g>");
            if (n.href() != null) {
                b.append("</a>");
            }
            b.append('\n');
        }
        b.append("</g>\n</svg>");
        return b.toString();
    }

    private static void marker(StringBuilder b, String id, String colour) {
        b.append("<marker id=\"").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" ")
                .append("markerHeight=\"7\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"")
                .append(colour).append("\"/></marker>\n");
    }

    private static void text(StringBuilder b, double x, double y, String size, String weight, String fill, String s) {
        b.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" text-anchor=\"middle\" font-size=\"").append(size).append('"');
        if (!"normal".equals(weight)) {
            b.append(" font-weight=\"").append(weight).append('"');
        }
        b.append(" fill=\"").append(fill).append("\">").append(ReportWriter.esc(s)).append("</text>");
    }

    /** The tooltip: the full name, type, shape and inputs (the box may shorten them). */
    private static String title(Node n, List<Node> all) {
        StringBuilder t = new StringBuilder(n.name()).append(" (").append(n.type()).append(") ").append(n.shape());
        if (!n.inputs().isEmpty()) {
            t.append("\ninputs: ");
            for (int k = 0; k < n.inputs().size(); k++) {
                t.append(k > 0 ? ", " : "").append(all.get(n.inputs().get(k)).name());
            }
        }
        return t.toString();
    }

    /**
     * A straight line between adjacent layers; through the layers it passes, a curve with
     * vertical tangents at every bend (cubic Beziers), straight where it runs down a layer.
     */
    static String path(GraphLayout.Edge e) {
        List<GraphLayout.Point> p = e.points();
        StringBuilder d = new StringBuilder("M").append(num(p.get(0).x())).append(',').append(num(p.get(0).y()));
        if (!e.skip()) {
            GraphLayout.Point q = p.get(p.size() - 1);
            return d.append(" L").append(num(q.x())).append(',').append(num(q.y())).toString();
        }
        for (int i = 1; i < p.size(); i++) {
            GraphLayout.Point a = p.get(i - 1);
            GraphLayout.Point c = p.get(i);
            boolean down = i % 2 == 0 && i < p.size() - 1; // (top, bottom) of a passed layer
            if (down) {
                d.append(" L").append(num(c.x())).append(',').append(num(c.y()));
            } else {
                double mid = (c.y() - a.y()) / 2;
                d.append(" C").append(num(a.x())).append(',').append(num(a.y() + mid)).append(' ')
                        .append(num(c.x())).append(',').append(num(c.y() - mid)).append(' ')
                        .append(num(c.x())).append(',').append(num(c.y()));
            }
        }
        return d.toString();
    }

    /** Shortens {@code s} to {@code max} characters with an ellipsis. */
    static String fit(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.codePointCount(0, s.length()) <= max ? s
                : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "\u2026";
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
