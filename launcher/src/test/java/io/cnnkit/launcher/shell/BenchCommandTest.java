package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;

/**
 * cnn:bench through a real Gogo command processor, on the real layer and activation bundles
 * (found with ServiceLoader on the test class path): what {@code ./cnnkit bench} prints.
 */
class BenchCommandTest {
    static final Pattern LINE = Pattern.compile("bench: (\\S+) batch=(\\d+) threads=(\\d+) median_ms=\\d+\\.\\d{3}"
            + " p90_ms=\\d+\\.\\d{3} gflops=\\d+\\.\\d{3} peak_heap_mb=\\d+\\.\\d");
    static final String QUICK = " --threads 1 --runs 2 --warmup 0 ";

    @TempDir
    Path dir;
    StandaloneEngine engine;
    ThreadIOImpl tio;
    CommandProcessorImpl processor;
    ShellCommands commands;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        engine = Engines.fromServiceLoader(BenchCommandTest.class.getClassLoader());
        tio = new ThreadIOImpl();
        tio.start();
        processor = new CommandProcessorImpl(tio);
        commands = new ShellCommands(engine);
        for (String f : new String[] {"load", "bench"}) {
            processor.addCommand("cnn", commands, f);
        }
    }

    @AfterEach
    void tearDown() {
        commands.deactivate();
        processor.stop();
        tio.stop();
        engine.close();
    }

    int exec(String program) {
        out.reset();
        err.reset();
        return CliRunner.execute(processor, program, null, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The printed result ends with exactly one bench line; returns its matcher. */
    Matcher lastLine() {
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\\R");
        assertEquals(1, Arrays.stream(lines).filter(l -> l.startsWith("bench:")).count(), String.join("\n", lines));
        Matcher m = LINE.matcher(lines[lines.length - 1]);
        assertTrue(m.matches(), lines[lines.length - 1]);
        return m;
    }

    @Test
    void oneLineDescriptionWithAnInputShape() {
        assertEquals(0, exec("cnn:bench" + QUICK + "--batch 3 --input 8x7x3 'conv2d(4, 3, name=c) | relu | max_pooling2d(2)'"),
                err.toString(StandardCharsets.UTF_8));
        Matcher m = lastLine();
        assertEquals("3", m.group(2));
        assertEquals("1", m.group(3));
        String text = out.toString(StandardCharsets.UTF_8);
        // conv 2*3*3*3*4 per output position, 6x5 positions, 3 samples
        assertTrue(text.contains("batch 3, threads 1, 1.944e-05 GFLOP per run"), text);
        assertTrue(text.contains("cold (first) run: "), text);
    }

    @Test
    void workloadsSetTheirBatchAndFilesAndLoadedModelsWork() throws Exception {
        assertEquals(0, exec("cnn:bench" + QUICK + "W3 --batch 2"), err.toString(StandardCharsets.UTF_8));
        assertEquals("W3", lastLine().group(1));
        assertEquals("2", lastLine().group(2));

        Path f = dir.resolve("net.json");
        Files.writeString(f, "{\"name\": \"net\", \"input_shape\": [6, 6, 2], \"layers\": [{\"type\": \"conv2d\", "
                + "\"filters\": 3, \"kernel_size\": 3}, {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]}");
        assertEquals(0, exec("cnn:bench" + QUICK + "'" + f + "'"), err.toString(StandardCharsets.UTF_8));
        assertEquals("net", lastLine().group(1));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("\nsource: " + f + "\n") && text.contains("cold run: "), text);

        assertEquals(0, exec("cnn:load mine '" + f + "' ; cnn:bench" + QUICK + "mine"), err.toString(StandardCharsets.UTF_8));
        assertEquals("mine", lastLine().group(1));
    }

    @Test
    void mistakesAreOneLineErrorsWithAHint() throws Exception {
        assertEquals(1, exec("cnn:bench --runs 0 W1"));
        assertError("--runs must be >= 1");
        assertEquals(1, exec("cnn:bench --threads 1 'conv2d(4, 3)'"));
        assertError("open dimensions");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--input HxWxC"), err.toString(StandardCharsets.UTF_8));
        assertEquals(1, exec("cnn:bench --input 8xbig 'conv2d(4, 3)'"));
        assertError("--input needs positive sizes");
        assertEquals(1, exec("cnn:bench missing.json"));
        assertError("no such model file: missing.json");
        Path f = dir.resolve("net.json");
        Files.writeString(f, "{\"input_shape\": [6, 6, 2], \"layers\": [{\"type\": \"flatten\"}]}");
        assertEquals(0, exec("cnn:load mine '" + f + "'"));
        assertEquals(1, exec("cnn:bench --input 4x4x2 mine"));
        assertError("--input cannot change the input of loaded model 'mine'");
    }

    private void assertError(String what) {
        String e = err.toString(StandardCharsets.UTF_8);
        String[] lines = e.strip().split("\\R");
        assertEquals(2, lines.length, e);
        assertTrue(lines[0].startsWith("cnnkit: ") && lines[0].contains(what), e);
        assertTrue(lines[1].startsWith("hint: "), e);
        assertFalse(e.contains("\tat "), e);
    }
}
