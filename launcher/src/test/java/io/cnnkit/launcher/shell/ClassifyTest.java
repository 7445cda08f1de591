package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.LabelsJson;
import io.cnnkit.io.api.Images;

/**
 * ./cnnkit classify ({@link ClassifyCommand}) on a folder of good and bad images: one row per
 * image in sorted order, error rows for the bad ones and exit 3, CSV and JSON Lines, --features,
 * --resume, and values equal to the model's own predict on each image alone.
 */
class ClassifyTest {
    static final String MODEL = "input(16, 16, 3) | conv2d(2, 3, activation=relu, name=trunk) | flatten "
            + "| dense(3, activation=softmax, name=classes)";

    @TempDir
    Path dir;
    StandaloneEngine engine;
    ShellCommands shell;
    Path images;
    Path labels;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        engine = Engines.fromServiceLoader(getClass().getClassLoader());
        shell = new ShellCommands(engine);
        images = dir.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("sample/astronaut.png")) {
            png = in.readAllBytes();
        }
        Files.write(images.resolve("a.png"), png);
        Files.write(images.resolve("sub").resolve("c, \"quoted\".png"), png);
        Files.write(images.resolve("b-truncated.png"), Arrays.copyOf(png, png.length / 3));
        Files.writeString(images.resolve("text.png"), "not a picture\n");
        Files.writeString(images.resolve("notes.txt"), "not an image name: skipped\n");
        labels = dir.resolve("labels.txt");
        Files.writeString(labels, "cat\ndog\nbird\n");
    }

    @AfterEach
    void tearDown() {
        shell.deactivate();
        engine.close();
    }

    int cli(String... words) {
        out.reset();
        err.reset();
        return new Cli(shell, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false).run(List.of(words));
    }

    /** The four image paths classify lists: sorted, recursive, .txt left out. */
    List<String> expectedPaths() {
        return List.of(images.resolve("a.png").toString(), images.resolve("b-truncated.png").toString(),
                images.resolve("sub").resolve("c, \"quoted\".png").toString(), images.resolve("text.png").toString());
    }

    /** The model's softmax for one image, by one predict on that image alone. */
    float[] predictAlone(Path image) {
        Model m = shell.commands().model("model");
        Tensor t = Images.read(image, ImageOptions.DEFAULT.withResize(16, 16).withRescale(1 / 255.0));
        Tensor p = m.predict(t);
        return Arrays.copyOfRange(p.data(), p.offset(), p.offset() + p.size());
    }

    @Test
    void csvHasARowPerImageErrorRowsAndExit3() throws Exception {
        Path csv = dir.resolve("res.csv");
        int code = cli("classify", MODEL, images.toString(), "--resize", "--rescale", "0.00392156862745098",
                "--labels", labels.toString(), "--top", "2", "--batch", "3", "--out", csv.toString());
        assertEquals(3, code, err.toString());
        String[] summary = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals("classify: 2 images failed (rows with an error)", summary[summary.length - 1]);
        assertFalse(Files.exists(dir.resolve("res.csv.part")), "the part file is renamed at the end");
        List<List<String>> rows = Csv.parse(Files.readString(csv));
        assertEquals(List.of("path", "label1", "probability1", "label2", "probability2", "error"), rows.get(0));
        assertEquals(5, rows.size());
        List<String> paths = new ArrayList<>();
        for (List<String> r : rows.subList(1, 5)) {
            assertEquals(6, r.size(), r.toString());
            paths.add(r.get(0));
        }
        assertEquals(expectedPaths(), paths, "sorted, recursive, a path with a comma and quotes read back whole");
        for (int i : new int[] {1, 3}) { // the good images: top 2 as predict ranks them
            List<String> r = rows.get(i);
            float[] p = predictAlone(Path.of(r.get(0)));
            int best = argmax(p, -1);
            int second = argmax(p, best);
            List<String> names = List.of("cat", "dog", "bird");
            assertEquals(names.get(best), r.get(1));
            assertEquals(p[best], Float.parseFloat(r.get(2)), 1e-6f);
            assertEquals(names.get(second), r.get(3));
            assertEquals(p[second], Float.parseFloat(r.get(4)), 1e-6f);
            assertEquals("", r.get(5));
        }
        for (int i : new int[] {2, 4}) { // truncated PNG, text named .png: every value empty, an error
            List<String> r = rows.get(i);
            assertEquals(List.of("", "", "", ""), r.subList(1, 5), r.toString());
            assertFalse(r.get(5).isBlank(), r.toString());
        }
        assertTrue(rows.get(4).get(5).contains("text.png"), "the error names the file: " + rows.get(4));
    }

    @Test
    void jsonLinesHaveTheSameFields() throws Exception {
        Path jsonl = dir.resolve("res.jsonl");
        int code = cli("classify", MODEL, images.resolve("a.png").toString(), images.resolve("text.png").toString(),
                "--resize", "--rescale", "0.00392156862745098", "--labels", labels.toString(), "--out",
                jsonl.toString());
        assertEquals(3, code, err.toString());
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(2, lines.size());
        Map<?, ?> good = (Map<?, ?>) LabelsJson.parse(jsonl.toString(), lines.get(0));
        assertEquals(images.resolve("a.png").toString(), good.get("path"));
        assertEquals(new LabelsJson.Literal("null"), good.get("error"));
        List<?> top = (List<?>) good.get("top");
        assertEquals(3, top.size(), "--top defaults to 5, capped at the 3 classes");
        float[] p = predictAlone(images.resolve("a.png"));
        Map<?, ?> first = (Map<?, ?>) top.get(0);
        assertEquals(List.of("cat", "dog", "bird").get(argmax(p, -1)), first.get("label"));
        assertEquals(p[argmax(p, -1)], Float.parseFloat(((LabelsJson.Literal) first.get("probability")).text()), 1e-6f);
        Map<?, ?> bad = (Map<?, ?>) LabelsJson.parse(jsonl.toString(), lines.get(1));
        assertTrue(bad.get("error") instanceof String s && !s.isBlank(), lines.get(1));
        assertNull(bad.get("top"));
    }

    @Test
    void rawScoresAreCalledScores() throws Exception {
        String raw = "input(16, 16, 3) | conv2d(2, 3, name=trunk) | flatten | dense(3, name=classes)";
        Path jsonl = dir.resolve("raw.jsonl");
        assertEquals(0, cli("classify", raw, images.resolve("a.png").toString(), "--resize", "--top", "1", "--out",
                jsonl.toString()), err.toString());
        assertTrue(Files.readString(jsonl).matches("\\{\"path\":\"[^\"]+\",\"top\":\\[\\{\"label\":\"[0-2]\",\"score\":"
                + "[-0-9.E]+}],\"error\":null}\n"), Files.readString(jsonl));
        Path csv = dir.resolve("raw.csv");
        assertEquals(0, cli("classify", raw, images.resolve("a.png").toString(), "--resize", "--top", "1", "--out",
                csv.toString()), err.toString());
        assertEquals(List.of("path", "label1", "score1", "error"), Csv.parse(Files.readString(csv)).get(0));
    }

    @Test
    void featuresAreTheLayersOutputFlattened() throws Exception {
        Path csv = dir.resolve("feat.csv");
        assertEquals(0, cli("classify", MODEL, images.resolve("a.png").toString(), "--resize", "--rescale",
                "0.00392156862745098", "--features", "trunk", "--out", csv.toString()), err.toString());
        List<List<String>> rows = Csv.parse(Files.readString(csv));
        int n = 14 * 14 * 2;
        assertEquals(n + 2, rows.get(0).size());
        assertEquals("f0", rows.get(0).get(1));
        assertEquals("f" + (n - 1), rows.get(0).get(n));
        Model m = shell.commands().model("model");
        Tensor t = Images.read(images.resolve("a.png"), ImageOptions.DEFAULT.withResize(16, 16).withRescale(1 / 255.0));
        Tensor trunk = null;
        for (Stage s : m.trace(t)) {
            trunk = s.name().equals("trunk") ? s.output() : trunk;
        }
        for (int i = 0; i < n; i++) {
            assertEquals(trunk.data()[trunk.offset() + i], Float.parseFloat(rows.get(1).get(i + 1)), 1e-6f, "f" + i);
        }
        assertEquals("", rows.get(1).get(n + 1));

        assertEquals(1, cli("classify", MODEL, images.toString(), "--resize", "--features", "trunc", "--out",
                csv.toString()));
        assertTrue(err.toString().contains("no layer 'trunc'; did you mean 'trunk'?"), err.toString());
    }

    @Test
    void resumeSkipsThePathsAlreadyWritten() throws Exception {
        Path csv = dir.resolve("res.csv");
        assertEquals(0, cli("classify", MODEL, images.resolve("a.png").toString(), "--resize", "--out",
                csv.toString()), err.toString());
        String before = Files.readString(csv);
        // A killed run: its part file holds what it wrote, the last row torn.
        Files.writeString(dir.resolve("res.csv.part"), before + "/half/a/row.png,0,0.");
        assertEquals(3, cli("classify", MODEL, images.toString(), "--resize", "--resume", "--out", csv.toString()),
                err.toString());
        String summary = out.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("classify: 3 images in ") && summary.contains("; 1 already in the file (0 of them"
                + " failed)"), summary);
        List<List<String>> rows = Csv.parse(Files.readString(csv));
        assertEquals(5, rows.size(), rows.toString());
        List<String> paths = new ArrayList<>();
        rows.subList(1, 5).forEach(r -> paths.add(r.get(0)));
        assertEquals(expectedPaths(), paths, "a.png once, from the first run; the torn row dropped");
        assertTrue(Files.readString(csv).startsWith(before));

        assertEquals(3, cli("classify", MODEL, images.toString(), "--resize", "--resume", "--out", csv.toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("classify: 0 images in"), out.toString());
        assertEquals(5, Csv.parse(Files.readString(csv)).size(), "nothing left to do: no row added");

        assertEquals(1, cli("classify", MODEL, images.toString(), "--resize", "--resume", "--top", "1", "--out",
                csv.toString()));
        assertTrue(err.toString().contains("has other columns than this run writes"), err.toString());
    }

    @Test
    void wrongSizeWithoutResizeIsAnErrorRowAndUsageErrorsExit2() throws Exception {
        Path csv = dir.resolve("res.csv");
        assertEquals(3, cli("classify", MODEL, images.resolve("a.png").toString(), "--out", csv.toString()));
        List<List<String>> rows = Csv.parse(Files.readString(csv));
        assertTrue(rows.get(1).get(rows.get(1).size() - 1).contains("takes"), rows.toString());
        assertEquals(2, cli("classify", MODEL));
        assertTrue(err.toString().contains("missing INPUT..."), err.toString());
        assertEquals(1, cli("classify", MODEL, dir.resolve("nothing").toString(), "--out", csv.toString()));
        assertTrue(err.toString().contains("no such image or folder"), err.toString());
        assertEquals(1, cli("classify", MODEL, images.toString(), "--out", dir.resolve("r.txt").toString()));
        assertTrue(err.toString().contains("expected a .csv or .jsonl"), err.toString());
    }

    @Test
    void shellClassifyWritesTheSameFileAsTheCommandLine() throws Exception {
        Path cliCsv = dir.resolve("cli.csv");
        assertEquals(3, cli("classify", MODEL, images.toString(), "--resize", "--labels", labels.toString(), "--top",
                "2", "--out", cliCsv.toString()), err.toString());
        Path shellCsv = dir.resolve("shell.csv");
        try (GogoHarness gogo = new GogoHarness(Engines.fromServiceLoader(getClass().getClassLoader()))) {
            assertEquals(0, gogo.exec("cnn:load model '" + MODEL + "' ; cnn:classify model '" + images + "' --resize "
                    + "--labels '" + labels + "' --top 2 --out '" + shellCsv + "'"), gogo.err());
            assertTrue(gogo.out().contains("classify: 2 images failed (rows with an error)"), gogo.out());
            assertEquals(Files.readString(cliCsv), Files.readString(shellCsv));
            assertEquals(0, gogo.exec("cnn:classify --help"));
            assertTrue(gogo.out().contains("usage: cnn:classify NAME INPUT...") && gogo.out().contains("--features"),
                    gogo.out());
            assertEquals(1, gogo.exec("cnn:classify model"));
            assertTrue(gogo.err().contains("missing INPUT..."), gogo.err());
        }
    }

    @Test
    void globsTheShellLeftAloneAreExpandedAsTheShellWould() throws Exception {
        Path csv = dir.resolve("glob.csv");
        assertEquals(3, cli("classify", MODEL, images + "/*.png", "--resize", "--out", csv.toString()), err.toString());
        List<String> paths = new ArrayList<>();
        Csv.parse(Files.readString(csv)).subList(1, 4).forEach(r -> paths.add(r.get(0)));
        assertEquals(List.of(images.resolve("a.png").toString(), images.resolve("b-truncated.png").toString(),
                images.resolve("text.png").toString()), paths, "'*' stays in the folder, as in a shell");
        assertEquals(4, Csv.parse(Files.readString(csv)).size());
        assertEquals(3, cli("classify", MODEL, images + "/**.png", "--resize", "--out", csv.toString()));
        assertEquals(5, Csv.parse(Files.readString(csv)).size(), "'**' crosses folders");
        assertEquals(1, cli("classify", MODEL, images + "/*.jpg", "--resize", "--out", csv.toString()));
        assertTrue(err.toString().contains("no file matches " + images + "/*.jpg"), err.toString());
    }

    @Test
    void sparkIsRefusedInsideTheRuntime() {
        assertEquals(1, cli("classify", MODEL, images.toString(), "--spark", "local[2]"));
        assertTrue(err.toString().contains("--spark: the Spark job runs outside the OSGi runtime"), err.toString());
    }

    @Test
    void csvQuotesCommasQuotesAndLineBreaks() {
        String line = ResultFile.csvLine(List.of("a,b", "say \"hi\"", "two\nlines", "plain"));
        assertEquals("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",plain\n", line);
        assertEquals(List.of(List.of("a,b", "say \"hi\"", "two\nlines", "plain")), Csv.parse(line));
    }

    @Test
    void progressPrintsPlainLinesOffATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClassifyProgress p = new ClassifyProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 2500);
        for (int i = 1; i <= 2500; i++) {
            p.update(i, i / 1000);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, lines.length, "one line per 1,000 images: " + Arrays.toString(lines));
        assertTrue(lines[0].matches("classify: 1000/2500 images, [0-9.]+ images/s, ETA \\S+, 1 failed"), lines[0]);
    }

    @Test
    void etaFollowsThePaceSinceTheFirstImagesNotASlowStart() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClassifyProgress p = new ClassifyProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 2500);
        long t0 = System.nanoTime();
        p.update(1, 0, t0 + 60_000_000_000L); // the first image after a minute of start-up
        p.update(1001, 0, t0 + 70_000_000_000L); // then 100 images/s
        String line = bytes.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.endsWith("ETA 15s"), "1,499 images left at 100 images/s: " + line);
    }

    private static int argmax(float[] v, int skip) {
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (i != skip && (best < 0 || v[i] > v[best])) {
                best = i;
            }
        }
        return best;
    }
}
