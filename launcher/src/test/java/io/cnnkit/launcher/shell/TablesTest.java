package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.StageStats;
import io.cnnkit.io.api.WeightFileInfo;

/**
 * The stage table, weights show and the other tables keep their columns aligned whatever the
 * names' lengths: every row's cell of a column starts (text) or ends (numbers) at the offset
 * of the column's header.
 */
class TablesTest {
    /** Where each header word starts and ends in the header line. */
    private static int[] span(String header, String word) {
        int at = (" " + header + " ").indexOf(" " + word + " ");
        assertTrue(at >= 0, word + " in " + header);
        return new int[] {at, at + word.length()};
    }

    private static void assertStartsAt(String row, String cell, int at) {
        assertTrue(row.startsWith(cell, at) && (at == 0 || row.charAt(at - 1) == ' '),
                "'" + cell + "' starts at " + at + " in\n" + row);
    }

    /** A right-aligned cell: it ends at {@code end} (followed by a space or the line end), preceded by a space. */
    private static void assertEndsAt(String row, int end) {
        assertTrue(row.length() >= end && row.charAt(end - 1) != ' ' && (row.length() == end || row.charAt(end) == ' '),
                "a number ends at " + end + " in\n" + row);
    }

    private static Results.Step step(int i, String name, String type, String shape, double min, double max,
            List<String> inputs) {
        return new Results.Step(i, name, type, shape, new StageStats(min, max, (min + max) / 2, 1, 0.25), inputs);
    }

    @Test
    void stageTableColumnsLineUpWithLongNames() {
        List<Results.Step> steps = List.of(
                step(0, "input_1", "input", "(1, 32, 32, 3)", 0, 254.6, List.of()),
                step(1, "conv2d", "conv2d", "(1, 32, 32, 16)", -493.9, 531.5, List.of("input_1")),
                step(2, "batch_normalization_1", "batch_normalization", "(1, 32, 32, 16)", -1.234e-7, 12345678,
                        List.of("conv2d")),
                step(3, "a_layer_whose_name_is_much_longer_than_keras_ones", "global_average_pooling2d", "(1, 16)", -1,
                        1, List.of("batch_normalization_1", "conv2d")),
                step(14, "d", "dense", "(1, 10)", 0, 0, List.of("a_layer_whose_name_is_much_longer_than_keras_ones")));
        for (boolean graph : new boolean[] {false, true}) {
            String text = new Results.Run("m", Path.of("x.png"), steps, Path.of("out/m/report.html"), 5, graph,
                    List.of(), List.of(), List.of()).toString();
            String[] lines = text.split("\n");
            String header = lines[1];
            assertTrue(header.startsWith("#") || header.startsWith(" "), header);
            int[] index = span(header, "#");
            int[] layer = span(header, "LAYER");
            int[] type = span(header, "TYPE");
            int[] output = span(header, "OUTPUT");
            List<int[]> numbers = List.of(span(header, "MIN"), span(header, "MAX"), span(header, "MEAN"),
                    span(header, "ZEROS"));
            for (int i = 0; i < steps.size(); i++) {
                String row = lines[2 + i];
                Results.Step s = steps.get(i);
                assertEndsAt(row, index[1]);
                assertStartsAt(row, s.name(), layer[0]);
                assertStartsAt(row, s.type(), type[0]);
                assertStartsAt(row, s.shape(), output[0]);
                for (int[] n : numbers) {
                    assertEndsAt(row, n[1]);
                }
                if (graph) {
                    assertStartsAt(row, s.inputs().isEmpty() ? "-" : String.join(", ", s.inputs()),
                            span(header, "INPUTS")[0]);
                }
                assertFalse(row.endsWith(" "), "no trailing spaces: '" + row + "'");
            }
            // widths come from the content: the shape column is as wide as its longest entry, two spaces apart
            assertEquals(output[0] + "(1, 32, 32, 16)".length() + 2, numbers.get(0)[1] - Math.max(3,
                    maxNumberWidth(lines, numbers.get(0)[1])), text);
        }
    }

    /** The width of the widest cell ending at {@code end} (the MIN column). */
    private static int maxNumberWidth(String[] lines, int end) {
        int w = 0;
        for (int i = 1; i < lines.length - 1; i++) {
            int start = lines[i].lastIndexOf(' ', end - 1) + 1;
            w = Math.max(w, end - start);
        }
        return w;
    }

    @Test
    void weightsShowLinesUpLongWeightNames() {
        List<WeightFileInfo.LayerWeights> layers = List.of(
                new WeightFileInfo.LayerWeights("input_1", List.of(), List.of()),
                new WeightFileInfo.LayerWeights("conv2d", List.of("conv2d/kernel:0", "conv2d/bias:0"),
                        List.of(new int[] {3, 3, 3, 8}, new int[] {8})),
                new WeightFileInfo.LayerWeights("batch_normalization_1", List.of("batch_normalization_1/gamma:0",
                        "batch_normalization_1/moving_variance:0"), List.of(new int[] {8}, new int[] {8})));
        checkWeightsTable(new WeightFileInfo("w.h5", "keras2 weights", "2.4.0", layers));
    }

    /** The real MobileNet's file (Keras 2.4): names up to batch_normalization_26/moving_variance:0. */
    @Test
    void weightsShowOfTheRealMobileNetLinesUp() {
        Path dir = BenchCommandTest.realFilesDir();
        io.cnnkit.testkit.RealFiles.assumePresent(dir != null, "../shared/keras-real not found beside the checkout");
        assumeTrue(Support.ioImplemented(), "io.image not implemented yet");
        WeightFileInfo info = KerasWeights.inspect(dir.resolve("k2-vww96-mobilenet.h5"));
        String text = checkWeightsTable(info);
        assertTrue(text.endsWith("221,794 parameters"), text.substring(text.lastIndexOf('\n')));
    }

    private static String checkWeightsTable(WeightFileInfo info) {
        String text = new Results.WeightFile(info).toString();
        String[] lines = text.split("\n");
        String header = lines[1];
        int layerAt = span(header, "LAYER")[0];
        int weightAt = span(header, "WEIGHT")[0];
        int shapeAt = span(header, "SHAPE")[0];
        int paramsEnd = span(header, "PARAMS")[1];
        int line = 2;
        for (WeightFileInfo.LayerWeights l : info.layers()) {
            if (l.weightNames().isEmpty()) {
                assertStartsAt(lines[line], l.layer(), layerAt);
                assertStartsAt(lines[line++], "(no weights)", weightAt);
            }
            for (int i = 0; i < l.weightNames().size(); i++) {
                String row = lines[line++];
                if (i == 0) {
                    assertStartsAt(row, l.layer(), layerAt);
                } else {
                    assertTrue(row.startsWith(" ".repeat(weightAt)), "the layer is named on its first row only:\n" + row);
                }
                assertStartsAt(row, l.weightNames().get(i), weightAt);
                assertStartsAt(row, Shape.format(l.shapes().get(i)), shapeAt);
                long n = 1;
                for (int d : l.shapes().get(i)) {
                    n *= d;
                }
                String count = String.format("%,d", n);
                assertEndsAt(row, paramsEnd);
                assertTrue(row.startsWith(count, paramsEnd - count.length()), count + " in\n" + row);
            }
        }
        assertEquals(lines.length - 1, line, "one row per weight, then the total:\n" + text);
        return text;
    }

    @Test
    void loadReportAndOtherTablesLineUp() {
        LoadReport r = new LoadReport("w.h5", List.of(
                new LoadReport.Entry("conv2d", LoadReport.Status.LOADED, "kernel (3, 3, 3, 8)"),
                new LoadReport.Entry("batch_normalization_12_with_a_long_tail", LoadReport.Status.SKIPPED_MISMATCH,
                        "shapes differ"),
                new LoadReport.Entry("activation", LoadReport.Status.NO_WEIGHTS, null)));
        String[] lines = r.format().split("\n");
        int status = lines[1].indexOf("skipped_mismatch");
        int detail = lines[1].indexOf("shapes differ");
        assertStartsAt(lines[0], "loaded", status);
        assertStartsAt(lines[0], "kernel", detail);
        assertStartsAt(lines[2], "no_weights", status);
        assertEquals("activation", lines[2].substring(0, "activation".length()));
        assertFalse(lines[2].endsWith(" "));

        String models = new Results.Models(List.of(new Results.ModelState("k2-vww96-mobilenet-with-a-long-name", true,
                null, 90), new Results.ModelState("m", false, "missing layer type conv2d", 2))).toString();
        String[] m = models.split("\n");
        assertEquals(m[0].indexOf("ready"), m[1].indexOf("unavailable"), models);

        String types = new Results.Types(List.of(new Results.Provider("layer", "conv2d", "io.cnnkit.layers.conv 0.1.0 [7]"),
                new Results.Provider("activation", "a_very_long_activation_name", "x [9]"))).toString();
        String[] t = types.split("\n");
        int provider = span(t[0], "PROVIDER")[0];
        assertStartsAt(t[1], "io.cnnkit.layers.conv", provider);
        assertStartsAt(t[2], "x [9]", provider);
    }

    /** The stage table of the real ResNet-8 (Keras 2): batch_normalization_N names and an INPUTS column. */
    @Test
    void runTableOfTheRealResNet8LinesUp() throws Exception {
        Path dir = BenchCommandTest.realFilesDir();
        io.cnnkit.testkit.RealFiles.assumePresent(dir != null, "../shared/keras-real not found beside the checkout");
        try (StandaloneEngine engine = Engines.fromServiceLoader(getClass().getClassLoader());
                CnnCommands cmd = new CnnCommands(engine, System.out)) {
            assumeTrue(Support.has(engine, List.of("conv2d", "batch_normalization", "add", "dense"), List.of("relu")),
                    "layer bundles not on the class path");
            cmd.load("r8", dir.resolve("k2-resnet8-cifar10.h5").toString(), null, null, null);
            Path img = Demo.extractSample(java.nio.file.Files.createTempDirectory("tables"));
            Results.Run run = cmd.run("r8", img, new RunCommand.RunParams(img.resolveSibling("r8"), false, 1, 1, false,
                    false, true));
            String[] lines = run.toString().split("\n");
            String header = lines[1];
            int layer = span(header, "LAYER")[0];
            int type = span(header, "TYPE")[0];
            int output = span(header, "OUTPUT")[0];
            int inputs = span(header, "INPUTS")[0];
            int minEnd = span(header, "MIN")[1];
            List<String> longNames = new ArrayList<>();
            for (int i = 0; i < run.steps().size(); i++) {
                Results.Step s = run.steps().get(i);
                assertStartsAt(lines[2 + i], s.name(), layer);
                assertStartsAt(lines[2 + i], s.type(), type);
                assertStartsAt(lines[2 + i], s.shape(), output);
                assertStartsAt(lines[2 + i], s.inputs().isEmpty() ? "-" : String.join(", ", s.inputs()), inputs);
                assertEndsAt(lines[2 + i], minEnd);
                if (s.name().length() > 20) {
                    longNames.add(s.name());
                }
            }
            assertTrue(longNames.contains("batch_normalization_1"), "long names present: " + longNames);
        }
    }
}
