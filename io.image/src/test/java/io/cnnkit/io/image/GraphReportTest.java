package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.Reports;

/** report.html of graph models: the inline SVG, its links and escaping; chains stay as they were. */
class GraphReportTest {
    @TempDir
    Path root;

    static Tensor t(int... shape) {
        return ReportWriterTest.filled(shape);
    }

    /** The two-output model of the launcher's tests: trunk, head1 (conv) and gap -> head2 (dense). */
    static List<Stage> twoHeads() {
        return List.of(
                new Stage(0, "input", "input", t(1, 8, 8, 3)),
                new Stage(1, "trunk", "conv2d", t(1, 8, 8, 4), List.of("input")),
                new Stage(2, "head1", "conv2d", t(1, 8, 8, 2), List.of("trunk")),
                new Stage(3, "gap", "global_average_pooling2d", t(1, 4), List.of("trunk")),
                new Stage(4, "head2", "dense", t(1, 3), List.of("gap")));
    }

    /** The SVG element of a report, parsed as XML (so it is well-formed and every text escaped). */
    static Document svg(String html) throws Exception {
        int from = html.indexOf("<svg");
        int to = html.indexOf("</svg>");
        assertTrue(from >= 0 && to > from, "report has an inline SVG");
        assertEquals(from, html.lastIndexOf("<svg"), "one SVG");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        String xml = html.substring(from, to + "</svg>".length());
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> elements(Document d, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList l = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
        for (int i = 0; i < l.getLength(); i++) {
            Element e = (Element) l.item(i);
            if (cls == null || List.of(e.getAttribute("class").split(" ")).contains(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    static Set<String> matches(String html, String regex) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile(regex).matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Every in-page link ("#id") names an element id of the page, and every box links to its stage's section. */
    static void assertLinksResolve(String html, List<Stage> stages) throws Exception {
        Set<String> ids = matches(html, "\\sid=\"([^\"]*)\"");
        Set<String> targets = matches(html, "\\shref=\"#([^\"]*)\"");
        assertFalse(targets.isEmpty());
        for (String t : targets) {
            assertTrue(ids.contains(t), "link #" + t + " has no target");
        }
        Document d = svg(html);
        List<Element> links = elements(d, "a", null);
        assertEquals(stages.size(), links.size(), "every box is a link");
        for (int i = 0; i < stages.size(); i++) {
            assertEquals("#" + ReportWriter.stem(stages.get(i)), links.get(i).getAttribute("href"));
            assertTrue(ids.contains(ReportWriter.stem(stages.get(i))));
        }
    }

    @Test
    void twoHeadsReportDrawsFiveNodesAndFourEdges() throws Exception {
        List<Stage> stages = twoHeads();
        Path report = Reports.writeTrace("two on x.png", stages, null, root.resolve("r"), true);
        String html = Files.readString(report);
        Document d = svg(html);
        List<Element> nodes = elements(d, "rect", "node");
        assertEquals(5, nodes.size());
        assertEquals(List.of("input", "trunk", "head1", "gap", "head2"),
                nodes.stream().map(e -> e.getAttribute("data-node")).toList());
        List<Element> edges = elements(d, "path", "edge");
        assertEquals(4, edges.size());
        assertEquals(Set.of("input>trunk", "trunk>head1", "trunk>gap", "gap>head2"),
                new HashSet<>(edges.stream().map(e -> e.getAttribute("data-from") + ">" + e.getAttribute("data-to")).toList()));
        for (Element e : edges) {
            assertTrue(e.getAttribute("marker-end").startsWith("url(#cnnkit-arrow"), "arrowhead");
        }
        assertEquals(0, elements(d, "path", "skip").size(), "no edge passes a layer");
        assertEquals(2, elements(d, "marker", null).size());
        assertTrue(html.contains("(None, 8, 8, 2)") && html.contains("global_average_pooling2d"));
        assertLinksResolve(html, stages);
        // Each section says what it reads and what reads it, linked.
        String gap = html.substring(html.indexOf("<section id=\"03_gap\">"));
        gap = gap.substring(0, gap.indexOf("</section>"));
        assertTrue(gap.contains("<th>Inputs</th><td><a href=\"#01_trunk\">trunk</a></td>"), gap);
        assertTrue(gap.contains("<th>Read by</th><td><a href=\"#04_head2\">head2</a></td>"), gap);
        String trunk = html.substring(html.indexOf("<section id=\"01_trunk\">"));
        assertTrue(trunk.contains("<a href=\"#02_head1\">head1</a>, <a href=\"#03_gap\">gap</a>"), trunk);
        String head1 = html.substring(html.indexOf("<section id=\"02_head1\">"));
        assertTrue(head1.substring(0, head1.indexOf("</section>")).contains("nothing reads it"));
        // The same pictures and .npy files as any report: one per node, both heads included.
        for (Stage s : stages) {
            assertTrue(Files.isRegularFile(report.resolveSibling(ReportWriter.stem(s) + ".png")), s.name());
            assertTrue(Files.isRegularFile(report.resolveSibling(ReportWriter.stem(s) + ".npy")), s.name());
        }
    }

    @Test
    void namesAreEscapedEverywhere() throws Exception {
        String evil = "a<b>&\"c'</svg><script>";
        List<Stage> stages = List.of(
                new Stage(0, "in&put", "input", t(1, 4, 4, 3)),
                new Stage(1, evil, "conv<2d>", t(1, 4, 4, 2), List.of("in&put")),
                new Stage(2, "x\"y", "dense", t(1, 2), List.of(evil, "in&put")));
        Path report = Reports.writeTrace("t", stages, null, root.resolve("e"), false);
        String html = Files.readString(report);
        assertFalse(html.contains("<script"), "nothing user-given is markup");
        assertFalse(html.contains("<b>"));
        Document d = svg(html); // well-formed although names hold < > & " '
        assertEquals(List.of("in&put", evil, "x\"y"),
                elements(d, "rect", "node").stream().map(e -> e.getAttribute("data-node")).toList());
        assertEquals(3, elements(d, "path", "edge").size());
        assertTrue(d.getDocumentElement().getTextContent().contains("conv<2d>"), "type shown, unescaped once parsed");
        assertTrue(html.contains("a&lt;b&gt;&amp;&quot;c&#39;&lt;/svg&gt;&lt;script&gt;"));
        assertLinksResolve(html, stages);
    }

    @Test
    void mobileNetV2ReportHasEveryNodeAndEdgeWithoutOverlaps() throws Exception {
        GraphLayoutTest.G g = GraphLayoutTest.mobileNetV2();
        List<Stage> stages = new ArrayList<>();
        List<Summary.Row> rows = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
            List<String> in = g.inputs.get(i).stream().map(g.names::get).toList();
            stages.add(new Stage(i, g.names.get(i), i == 0 ? "input" : g.types.get(i), t(1, 2, 2, 3), in));
            rows.add(new Summary.Row(g.names.get(i), i == 0 ? "InputLayer" : g.types.get(i), Shape.of(2, 2, 3), 0, in));
        }
        Summary summary = new Summary("mobilenetv2_1.00_224", rows, 0, 0, true);
        long t0 = System.nanoTime();
        Path report = Reports.writeTrace("mobilenetv2", stages, summary, root.resolve("m"), false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String html = Files.readString(report);
        assertTrue(ms < 10_000, "report took " + ms + " ms");
        Document d = svg(html);
        List<Element> nodes = elements(d, "rect", "node");
        assertEquals(156, nodes.size());
        assertEquals(165, elements(d, "path", "edge").size());
        assertEquals(10, elements(d, "path", "skip").size());
        double[][] r = new double[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            Element e = nodes.get(i);
            r[i] = new double[] {Double.parseDouble(e.getAttribute("x")), Double.parseDouble(e.getAttribute("y")),
                Double.parseDouble(e.getAttribute("width")), Double.parseDouble(e.getAttribute("height"))};
            assertTrue(r[i][2] >= 150 && r[i][3] >= 40, "readable boxes");
        }
        for (int i = 0; i < r.length; i++) {
            for (int j = i + 1; j < r.length; j++) {
                boolean overlap = r[i][0] < r[j][0] + r[j][2] && r[j][0] < r[i][0] + r[i][2]
                        && r[i][1] < r[j][1] + r[j][3] && r[j][1] < r[i][1] + r[i][3];
                assertFalse(overlap, "boxes " + i + " and " + j + " overlap");
            }
        }
        double svgHeight = Double.parseDouble(d.getDocumentElement().getAttribute("height"));
        assertTrue(svgHeight > 156 * 50, "as tall as needed: " + svgHeight);
        assertTrue(html.contains("<div class=\"graph\">"), "inside the scrolling container");
        assertTrue(html.contains("Connected to"), "the Functional summary");
        assertLinksResolve(html, stages);
    }

    @Test
    void summaryGraphFlagAloneDrawsTheGraph() throws Exception {
        // A chain that names its output is a graph description: its summary says so.
        List<Stage> stages = ReportWriterTest.stages();
        Summary s = ReportWriterTest.summary();
        Summary graph = new Summary(s.model(), s.rows(), s.totalParams(), s.trainableParams(), true);
        String html = Files.readString(Reports.writeTrace("t", stages, graph, root.resolve("g"), false));
        assertEquals(7, elements(svg(html), "rect", "node").size());
        assertEquals(6, elements(svg(html), "path", "edge").size(), "inputs not recorded: each reads the stage before");
    }

    @Test
    void chainsKeepThePlainReport() throws Exception {
        List<Stage> recorded = new ArrayList<>();
        List<Stage> chain = ReportWriterTest.stages();
        for (int i = 0; i < chain.size(); i++) {
            Stage s = chain.get(i);
            recorded.add(new Stage(s.index(), s.name(), s.type(), s.output(),
                    i == 0 ? List.of() : List.of(chain.get(i - 1).name())));
        }
        assertFalse(ReportWriter.isGraph(recorded, ReportWriterTest.summary()));
        assertFalse(ReportWriter.isGraph(chain, null));
        String html = Files.readString(Reports.writeTrace("t", recorded, ReportWriterTest.summary(), root.resolve("c"), false));
        assertFalse(html.contains("<svg"));
        assertFalse(html.contains("Read by"));
        assertTrue(html.contains("<th>Inputs</th><td><a href=\"#03_activation\">activation</a></td>"));
        String old = Files.readString(Reports.writeTrace("t", chain, ReportWriterTest.summary(), root.resolve("o"), false));
        assertFalse(old.contains("<svg") || old.contains("<th>Inputs</th>"), "unrecorded inputs: no row");
        assertTrue(ReportWriter.isGraph(twoHeads(), null));
    }
}
