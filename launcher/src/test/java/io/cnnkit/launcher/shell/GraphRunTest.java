package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.Npy;
import io.cnnkit.launcher.bench.Flops;

/**
 * Graph models (branches, several outputs, an unused branch) through the cnn:* commands as
 * ./cnnkit runs them, with the real layer bundles found through ServiceLoader and the real
 * io.image: the printed table and outputs, the files, the report's graph. Skipped while those
 * are not on the test class path.
 */
class GraphRunTest {
    /** A trunk with two heads: head1 (conv, 8x8x2) and gap -> head2 (dense, 3 values). */
    static final String TWO = "{\"name\": \"two\", \"input_shape\": [8, 8, 3], \"outputs\": [\"head1\", \"head2\"],"
            + " \"layers\": ["
            + "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\", \"name\": \"trunk\"},"
            + "{\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 1, \"name\": \"head1\"},"
            + "{\"type\": \"global_average_pooling2d\", \"name\": \"gap\", \"inputs\": [\"trunk\"]},"
            + "{\"type\": \"dense\", \"units\": 3, \"name\": \"head2\"}]}";
    /** The same layers with only head1 as output: gap and head2 feed nothing (a warning). */
    static final String UNUSED = TWO.replace("\"outputs\": [\"head1\", \"head2\"]", "\"outputs\": [\"head1\"]");
    static final List<String> NODES = List.of("input", "trunk", "head1", "gap", "head2");

    @TempDir
    Path dir;
    GogoHarness gogo;

    @BeforeEach
    void setUp() {
        StandaloneEngine engine = Engines.fromServiceLoader(getClass().getClassLoader());
        gogo = new GogoHarness(engine);
        assumeTrue(Support.has(engine, List.of("conv2d", "global_average_pooling2d", "dense"), List.of()),
                "layer bundles not on the class path: have " + engine.layerTypes());
        assumeTrue(Support.ioImplemented(), "io.image not implemented yet");
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    Path png() throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, ((x * 32) << 16) | ((y * 32) << 8) | ((x * y * 4) % 256));
            }
        }
        Path f = dir.resolve("in.png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    int exec(String program) {
        return gogo.exec(program);
    }

    /** The output after the cnn:load lines (a program prints every command's result). */
    String out() {
        String o = gogo.out();
        while (o.startsWith("model '")) {
            int nl = o.indexOf('\n');
            o = nl < 0 ? "" : o.substring(nl + 1);
        }
        return o;
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void twoOutputsArePrintedAndEveryNodeHasItsFilesAndReportGraph() throws Exception {
        Path model = file("two.json", TWO);
        Path out = dir.resolve("out");
        assertEquals(0, exec("cnn:load two '" + model + "' ; cnn:run --npy --out '" + out + "' two '" + png() + "'"),
                gogo.err());
        String text = out();
        String[] lines = text.strip().split("\n");
        // The stage table: every node, each with what it reads (an INPUTS column for a graph).
        assertTrue(lines[1].matches("\\s*#\\s+LAYER\\s+TYPE\\s+OUTPUT\\s+MIN\\s+MAX\\s+MEAN\\s+ZEROS\\s+INPUTS"), lines[1]);
        assertTrue(lines[2].matches("\\s*0\\s+input\\s+input\\s+\\(1, 8, 8, 3\\).*\\s-"), lines[2]);
        assertTrue(lines[3].matches("\\s*1\\s+trunk\\s+conv2d\\s+\\(1, 8, 8, 4\\).*\\sinput"), lines[3]);
        assertTrue(lines[4].matches("\\s*2\\s+head1\\s+conv2d\\s+\\(1, 8, 8, 2\\).*\\strunk"), lines[4]);
        assertTrue(lines[5].matches("\\s*3\\s+gap\\s+global_average_pooling2d\\s+\\(1, 4\\).*\\strunk"), lines[5]);
        assertTrue(lines[6].matches("\\s*4\\s+head2\\s+dense\\s+\\(1, 3\\).*\\sgap"), lines[6]);
        // Then every output in the model's order: head1 has 128 values (statistics), head2 3 (listed).
        assertTrue(lines[7].matches("output head1 \\(1, 8, 8, 2\\): 128 values, min \\S+ max \\S+ mean \\S+"), lines[7]);
        assertTrue(lines[8].matches("output head2 \\(1, 3\\): \\[\\S+, \\S+, \\S+\\]"), lines[8]);
        // The top classes of head2 (a feature map like head1 has none unless asked for): raw scores, a dense.
        assertEquals("top 3 of head2 (raw scores: the last layer is not a softmax or sigmoid):", lines[9]);
        for (int r = 1; r <= 3; r++) {
            assertTrue(lines[9 + r].matches(" {2}" + r + "\\. [0-2]  \\S+"), lines[9 + r]);
        }
        assertTrue(lines[13].startsWith("report: "), lines[13]);
        assertEquals(14, lines.length, text);
        assertFalse(text.contains("warning:"), text);
        // The printed values are the model's: predictAll gives the same head2.
        Model m = gogo.commands.commands().model("two");
        Map<String, Tensor> all = m.predictAll(Npy.read(out.resolve("00_input.npy")));
        assertEquals(List.of("head1", "head2"), List.copyOf(all.keySet()));
        Tensor head2 = all.get("head2");
        String listed = String.format(java.util.Locale.ROOT, "[%.4g, %.4g, %.4g]", head2.get(0, 0), head2.get(0, 1),
                head2.get(0, 2));
        assertTrue(lines[8].endsWith(listed), lines[8] + " vs " + listed);
        assertTrue(Npy.read(out.resolve("02_head1.npy")).contentEquals(all.get("head1")));
        // NN_<node>.png and .npy for every node, both heads included.
        List<Stage> stages = m.trace(Npy.read(out.resolve("00_input.npy")));
        assertEquals(NODES, stages.stream().map(Stage::name).toList());
        for (Stage s : stages) {
            String stem = String.format("%02d_%s", s.index(), s.name());
            assertTrue(Files.isRegularFile(out.resolve(stem + ".png")), stem);
            assertTrue(Files.isRegularFile(out.resolve(stem + ".npy")), stem);
        }
        // report.html draws the graph: 5 nodes (input + 4 layers), 4 edges, each box linking to its section.
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(1, count(html, "<svg "));
        assertEquals(5, count(html, "<rect class=\"node\""));
        assertEquals(4, count(html, "<path class=\"edge"));
        for (String[] e : new String[][] {{"input", "trunk"}, {"trunk", "head1"}, {"trunk", "gap"}, {"gap", "head2"}}) {
            assertTrue(html.contains("data-from=\"" + e[0] + "\" data-to=\"" + e[1] + "\""), e[0] + " -> " + e[1]);
        }
        for (Stage s : stages) {
            String id = String.format("%02d_%s", s.index(), s.name());
            assertTrue(html.contains("<a href=\"#" + id + "\"><g class=\"node\">"), id);
            assertTrue(html.contains("<section id=\"" + id + "\">"), id);
        }
        assertTrue(html.contains("<th>Inputs</th><td><a href=\"#01_trunk\">trunk</a></td>"), "gap's section says it reads trunk");
        assertTrue(html.contains("Connected to"), "the Functional summary");
    }

    @Test
    void summaryOfAGraphHasTheInputRowAndConnectedTo() throws Exception {
        assertEquals(0, exec("cnn:load two '" + file("two.json", TWO) + "' ; cnn:summary two"), gogo.err());
        String[] lines = out().strip().split("\n");
        assertTrue(lines[2].matches("Layer \\(type\\)\\s+Output Shape\\s+Param #\\s+Connected to"), lines[2]);
        assertTrue(lines[4].matches("input \\(InputLayer\\)\\s+\\(None, 8, 8, 3\\)\\s+0\\s*"), lines[4]);
        assertTrue(lines[5].matches("trunk \\(conv2d\\)\\s+\\(None, 8, 8, 4\\)\\s+112\\s+input"), lines[5]);
        assertTrue(lines[7].matches("gap \\(global_average_pooling2d\\)\\s+\\(None, 4\\)\\s+0\\s+trunk"), lines[7]);
        assertTrue(lines[8].matches("head2 \\(dense\\)\\s+\\(None, 3\\)\\s+15\\s+gap"), lines[8]);
        // Columns line up: "Connected to" starts where each row's inputs start.
        int col = lines[2].indexOf("Connected to");
        assertEquals(col, lines[5].lastIndexOf("input"));
        assertEquals(col, lines[8].lastIndexOf("gap"));
        assertTrue(out().contains("Total params: 137"), out());
    }

    @Test
    void loadNamesTheOutputsAndAnUnusedBranchIsAWarning() throws Exception {
        assertEquals(0, exec("cnn:load two '" + file("two.json", TWO) + "'"), gogo.err());
        assertTrue(gogo.out().contains("4 layers, input (None, 8, 8, 3), 137 parameters, 2 outputs (head1, head2)"),
                gogo.out());
        Path out = dir.resolve("u");
        assertEquals(0, exec("cnn:load u '" + file("u.json", UNUSED) + "'"), gogo.err());
        assertTrue(gogo.out().contains("\nwarning: ") && gogo.out().contains("'gap'") && gogo.out().contains("'head2'"),
                gogo.out());
        assertEquals(0, exec("cnn:run --out '" + out + "' u '" + png() + "'"), gogo.err());
        String text = out();
        assertEquals(1, count(text, "(?m)^output "), text);
        assertTrue(text.contains("\noutput head1 (1, 8, 8, 2): 128 values"), text);
        assertTrue(text.strip().split("\n")[text.strip().split("\n").length - 1].startsWith("warning: "), text);
        assertTrue(text.contains("feed no output"), text);
        // trace still shows the unused branch: pictures for all 5 nodes.
        for (int i = 0; i < NODES.size(); i++) {
            assertTrue(Files.isRegularFile(out.resolve(String.format("%02d_%s.png", i, NODES.get(i)))), NODES.get(i));
        }
    }

    @Test
    void aChainKeepsItsTableAndPrintsItsOutput() throws Exception {
        String chain = "'input(8, 8, 3) | conv2d(2, 3, name=c1) | relu | flatten | dense(4, name=d1)'";
        assertEquals(0, exec("cnn:load c " + chain + " ; cnn:run --out '" + dir.resolve("c") + "' c '" + png() + "'"),
                gogo.err());
        String[] lines = out().strip().split("\n");
        assertTrue(lines[1].matches("\\s*#\\s+LAYER\\s+TYPE\\s+OUTPUT\\s+MIN\\s+MAX\\s+MEAN\\s+ZEROS"), lines[1]);
        assertTrue(lines[6].matches("\\s*4\\s+d1\\s+dense\\s+\\(1, 4\\)\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+%"), lines[6]);
        assertTrue(lines[7].matches("output d1 \\(1, 4\\): \\[\\S+, \\S+, \\S+, \\S+\\]"), lines[7]);
        assertEquals("top 4 of d1 (raw scores: the last layer is not a softmax or sigmoid):", lines[8]);
        for (int r = 1; r <= 4; r++) {
            assertTrue(lines[8 + r].matches(" {2}" + r + "\\. [0-3]  \\S+"), lines[8 + r]);
        }
        assertTrue(lines[13].startsWith("report: "), lines[13]);
        assertEquals(14, lines.length, out());
        assertFalse(Files.readString(dir.resolve("c").resolve("report.html")).contains("<svg"), "a chain's report as before");
    }

    @Test
    void aResidualConnectionIsASkipEdgeInTheReport() throws Exception {
        assumeTrue(gogo.engine.layerTypes().contains("add"), "layers.merge not on the class path");
        String res = "{\"name\": \"res\", \"input_shape\": [8, 8, 3], \"layers\": ["
                + "{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"padding\": \"same\", \"name\": \"c1\"},"
                + "{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"padding\": \"same\", \"name\": \"c2\"},"
                + "{\"type\": \"add\", \"name\": \"sum\", \"inputs\": [\"input\", \"c2\"]}]}";
        Path out = dir.resolve("res");
        assertEquals(0, exec("cnn:load res '" + file("res.json", res) + "' ; cnn:run --out '" + out + "' res '" + png()
                + "'"), gogo.err());
        String[] lines = out().strip().split("\n");
        assertTrue(lines[5].matches("\\s*3\\s+sum\\s+add\\s+\\(1, 8, 8, 3\\).*\\sinput, c2"), lines[5]);
        assertTrue(lines[6].matches("output sum \\(1, 8, 8, 3\\): 192 values, .*"), lines[6]);
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(4, count(html, "<rect class=\"node\""));
        assertEquals(4, count(html, "<path class=\"edge"));
        assertEquals(1, count(html, "<path class=\"edge skip\" data-from=\"input\" data-to=\"sum\""));
        assertTrue(html.contains("<th>Inputs</th><td><a href=\"#00_input\">input</a>, <a href=\"#02_c2\">c2</a></td>"));
    }

    @Test
    void benchTimesEveryOutputOfAGraphAndCountsOnlyNeededLayers() throws Exception {
        assertEquals(0, exec("cnn:load two '" + file("two.json", TWO) + "' ; cnn:bench --runs 2 --warmup 0 --warmup-seconds 0 two"),
                gogo.err());
        assertTrue(out().contains("bench: two batch=1 threads="), out());
        assertEquals(0, exec("cnn:load u '" + file("u.json", UNUSED) + "'"), gogo.err());
        Model two = gogo.commands.commands().model("two");
        Model unused = gogo.commands.commands().model("u");
        // trunk: 2*3*3*3*4*64 = 13,824; head1: 2*1*1*4*2*64 = 1,024; head2: 2*4*3 = 24
        assertEquals(13_824 + 1_024 + 24, Flops.forBatch(two, 1));
        assertEquals(13_824 + 1_024, Flops.forBatch(unused, 1), "predictAll skips gap and head2");
        assertEquals(List.of("trunk", "head1"),
                Flops.needed(unused.layers(), unused.outputNames()).stream().map(LayerInfo::name).toList());
    }
}
