package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;

/**
 * cnn:bench through a real Gogo command processor, on the real layer and activation bundles
 * (found with ServiceLoader on the test class path): what {@code ./cnnkit bench} prints.
 */
class BenchCommandTest {
    static final Pattern LINE = Pattern.compile("bench: (\\S+) batch=(\\d+) threads=(\\d+) median_ms=\\d+\\.\\d{3}"
            + " p90_ms=\\d+\\.\\d{3} gflops=\\d+\\.\\d{3} peak_heap_mb=\\d+\\.\\d"
            + " weights_mb=\\d+\\.\\d{2} top2_act_mb=\\d+\\.\\d{2} live_mb=\\d+\\.\\d{2}"
            + " run_peak_mb=\\d+\\.\\d{2}");
    static final String QUICK = " --threads 1 --runs 2 --warmup 0 --warmup-seconds 0 ";

    @TempDir
    Path dir;
    GogoHarness gogo;

    @BeforeEach
    void setUp() {
        gogo = new GogoHarness(Engines.fromServiceLoader(BenchCommandTest.class.getClassLoader()));
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    int exec(String program) {
        return gogo.exec(program);
    }

    /** The printed result ends with exactly one bench line; returns its matcher. */
    Matcher lastLine() {
        String[] lines = gogo.out().strip().split("\\R");
        assertEquals(1, Arrays.stream(lines).filter(l -> l.startsWith("bench:")).count(), String.join("\n", lines));
        Matcher m = LINE.matcher(lines[lines.length - 1]);
        assertTrue(m.matches(), lines[lines.length - 1]);
        return m;
    }

    @Test
    void oneLineDescriptionWithAnInputShape() {
        assertEquals(0, exec("cnn:bench" + QUICK + "--batch 3 --input 8x7x3 'conv2d(4, 3, name=c) | relu | max_pooling2d(2)'"),
                gogo.err());
        Matcher m = lastLine();
        assertEquals("3", m.group(2));
        assertEquals("1", m.group(3));
        String text = gogo.out();
        // conv 2*3*3*3*4 per output position, 6x5 positions, 3 samples
        assertTrue(text.contains("batch 3, threads 1, 1.944e-05 GFLOP per run"), text);
        assertTrue(text.contains("cold (first) run: "), text);
    }

    /**
     * The warm-up goes on until both --warmup runs are done and --warmup-seconds have passed (the
     * default: 2 s), and says how many runs it took.
     */
    @Test
    void theWarmUpLastsAtLeastItsSecondsAndItsRuns() {
        assertEquals(0, exec("cnn:bench --threads 1 --runs 2 --warmup 3 --warmup-seconds 0.25 'conv2d(2, 3)'"
                + " --input 6x6x1"), gogo.err());
        lastLine();
        String text = gogo.out() + gogo.err();
        assertTrue(text.contains("0.25 s of warm-up (at least 3 runs) + 2 runs timed"), text);
        assertTrue(text.contains("warming up for 0.25 s (at least 3 runs)"), text);
        Matcher w = Pattern.compile("(\\d+) runs of warm-up in (\\d+\\.\\d) s; 2 runs timed").matcher(text);
        assertTrue(w.find(), text);
        assertTrue(Integer.parseInt(w.group(1)) >= 3, text);
        assertTrue(Double.parseDouble(w.group(2)) >= 0.2, text); // 0.25 s, printed to a tenth

        assertEquals(0, exec("cnn:bench --threads 1 --runs 1 --warmup 2 --warmup-seconds 0 'conv2d(2, 3)' --input 6x6x1"),
                gogo.err());
        text = gogo.out() + gogo.err();
        assertTrue(text.contains("2 runs of warm-up + 1 run timed") && text.contains("; 2 runs of warm-up\n"), text);

        assertEquals(1, exec("cnn:bench --warmup-seconds -1 W1"));
        assertError("--warmup-seconds must be 0 to 3600, got -1.0");
        assertEquals(1, exec("cnn:bench --warmup-seconds 2s W1"));
        assertError("--warmup-seconds expects a number, got '2s'");
        assertTrue(gogo.err().contains("e.g. --warmup-seconds 0.5"), gogo.err());
    }

    @Test
    void workloadsSetTheirBatchAndFilesAndLoadedModelsWork() throws Exception {
        assertEquals(0, exec("cnn:bench" + QUICK + "W3 --batch 2"), gogo.err());
        assertEquals("W3", lastLine().group(1));
        assertEquals("2", lastLine().group(2));

        Path f = dir.resolve("net.json");
        Files.writeString(f, "{\"name\": \"net\", \"input_shape\": [6, 6, 2], \"layers\": [{\"type\": \"conv2d\", "
                + "\"filters\": 3, \"kernel_size\": 3}, {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]}");
        assertEquals(0, exec("cnn:bench" + QUICK + "'" + f + "'"), gogo.err());
        assertEquals("net", lastLine().group(1));
        String text = gogo.out();
        assertTrue(text.contains("\nsource: " + f + "\n") && text.contains("cold run: "), text);

        assertEquals(0, exec("cnn:load mine '" + f + "' ; cnn:bench" + QUICK + "mine"), gogo.err());
        assertEquals("mine", lastLine().group(1));
    }

    /**
     * Every real Keras file that cnnkit runs is benched as a user would (a full-model .h5 itself, a
     * weights-only file through the .json beside it; the subclassed k3-nested-dense is refused by
     * the parser, not here): the bench line, and a positive FLOP count (every one has a conv or dense).
     */
    @Test
    void everyRealKerasFileThatRunsIsBenched() throws Exception {
        Path dir = realFilesDir();
        io.cnnkit.testkit.RealFiles.assumePresent(dir != null, "../shared/keras-real not found beside the checkout");
        java.util.List<String> benched = new java.util.ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path h5 : files.filter(p -> p.toString().endsWith(".h5")).sorted().toList()) {
                String base = h5.getFileName().toString().replaceFirst("(\\.weights)?\\.h5$", "");
                if (base.equals("k3-nested-dense")) {
                    continue; // a subclassed model: refused with a clear error (e2e "subclassed")
                }
                Path model = io.cnnkit.io.api.KerasWeights.modelConfig(h5).isPresent() ? h5 : dir.resolve(base + ".json");
                // the MTCNN 12-net is fully convolutional (open input size): bench it at its training size
                String input = base.equals("k2-mtcnn-12net") ? "--input 12x12x3 " : "";
                assertEquals(0, exec("cnn:bench" + QUICK + input + "'" + model + "'"), base + ": " + gogo.err());
                Matcher m = lastLine();
                assertEquals("1", m.group(2), base);
                Matcher g = Pattern.compile("threads 1, (\\S+) GFLOP per run").matcher(gogo.out());
                assertTrue(g.find() && Double.parseDouble(g.group(1)) > 0, base + ": " + gogo.out());
                assertTrue(gogo.out().contains("memory: weights "), gogo.out());
                benched.add(base);
            }
        }
        assertEquals(13, benched.size(), "real files benched: " + benched);
    }

    /** ../shared/keras-real beside the checkout (tests run in launcher/), or -Dcnnkit.kerasReal. */
    static Path realFilesDir() {
        String prop = System.getProperty("cnnkit.kerasReal");
        for (Path p : new Path[] {prop == null || prop.isBlank() ? null : Path.of(prop),
                Path.of("..", "..", "shared", "keras-real")}) {
            if (p != null && Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void mistakesAreOneLineErrorsWithAHint() throws Exception {
        assertEquals(1, exec("cnn:bench --runs 0 W1"));
        assertError("cnn:bench: --runs must be at least 1, got 0");
        assertEquals(1, exec("cnn:bench --threads 1 'conv2d(4, 3)'"));
        assertError("open dimensions");
        assertTrue(gogo.err().contains("--input HxWxC"), gogo.err());
        assertEquals(1, exec("cnn:bench --input 8xbig 'conv2d(4, 3)'"));
        assertError("--input expects positive sizes joined by x");
        assertEquals(1, exec("cnn:bench W9"));
        assertError("cnn:bench: no workload 'W9'");
        assertTrue(gogo.err().contains("the workloads are W1 to W4"), gogo.err());
        assertEquals(1, exec("cnn:bench missing.json"));
        assertError("no such model file: missing.json");
        Path f = dir.resolve("net.json");
        Files.writeString(f, "{\"input_shape\": [6, 6, 2], \"layers\": [{\"type\": \"flatten\"}]}");
        assertEquals(0, exec("cnn:load mine '" + f + "'"));
        assertEquals(1, exec("cnn:bench --input 4x4x2 mine"));
        assertError("--input cannot change the input of loaded model 'mine'");
    }

    private void assertError(String what) {
        String e = gogo.err();
        String[] lines = e.strip().split("\\R");
        assertEquals(2, lines.length, e);
        assertTrue(lines[0].startsWith("cnnkit: ") && lines[0].contains(what), e);
        assertTrue(lines[1].startsWith("hint: "), e);
        assertFalse(e.contains("\tat "), e);
    }
}
