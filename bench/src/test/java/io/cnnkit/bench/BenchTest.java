package io.cnnkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;

class BenchTest {
    static final Pattern LINE = Pattern.compile("bench: (\\S+) batch=(\\d+) threads=(\\d+) median_ms=(\\d+\\.\\d{3})"
            + " p90_ms=(\\d+\\.\\d{3}) gflops=(\\d+\\.\\d{3}) peak_heap_mb=(\\d+\\.\\d)");

    @Test
    void libraryRunGivesTheNumbersAndTheLine() {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(FlopsTest.tiny("tiny_dense")))) {
            Bench.Result r = Bench.run(m, new Bench.Options(3, 1, 4, 1, 7));
            assertEquals(4, r.timesMs().length);
            assertEquals(3 * (2L * 32 * 6 + 2L * 6 * 3), r.flops());
            assertTrue(r.coldMs() > 0 && r.medianMs() > 0 && r.p90Ms() >= r.medianMs(), r.line());
            assertTrue(r.peakHeapBytes() > 0, r.line());
            var mt = LINE.matcher(r.line());
            assertTrue(mt.matches(), r.line());
            assertEquals("tiny_dense", mt.group(1));
            assertEquals("3", mt.group(2));
            assertEquals("1", mt.group(3));
        }
    }

    @Test
    void commandLineEndsWithExactlyOneBenchLine() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (StandaloneEngine e = TestEngines.engine(); PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            int rc = Bench.cli(new String[] {FlopsTest.tiny("tiny_dense"), "--batch", "2", "--threads", "1", "--runs", "2",
                "--warmup", "0"}, out, e);
            assertEquals(0, rc);
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\\R");
        String last = lines[lines.length - 1];
        assertTrue(LINE.matcher(last).matches(), last);
        assertTrue(last.startsWith("bench: tiny_dense batch=2 threads=1 "), last);
        long benchLines = java.util.Arrays.stream(lines).filter(l -> l.startsWith("bench:")).count();
        assertEquals(1, benchLines, String.join("\n", lines));
    }

    @Test
    void oneLineDescriptionsAndFilesWithAnInputShape() throws Exception {
        try (StandaloneEngine e = TestEngines.engine()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
            // open input shape, fixed with --input: conv 2*3*3*3*4 per position on 6x5 outputs
            assertEquals(0, Bench.cli(new String[] {"conv2d(4, 3, name=c) | relu | max_pooling2d(2)", "--input", "8x7x3",
                "--threads", "1", "--runs", "1", "--warmup", "0"}, out, e));
            java.nio.file.Path f = java.nio.file.Files.createTempFile("bench-model", ".json");
            try {
                java.nio.file.Files.writeString(f, FlopsTest.tiny("tiny_conv"));
                assertEquals(0, Bench.cli(new String[] {f.toString(), "--threads", "2", "--runs", "1", "--warmup", "0"},
                        out, e));
            } finally {
                java.nio.file.Files.delete(f);
            }
            String[] lines = buf.toString(StandardCharsets.UTF_8).split("\\R");
            assertTrue(lines[0].contains("batch 1, threads 1, 6.480e-06 GFLOP per run"), lines[0]);
            assertTrue(lines[4].startsWith("bench: model batch=1 threads=1 "), lines[4]);
            assertTrue(lines[lines.length - 1].startsWith("bench: tiny_conv batch=1 threads=2 "), lines[lines.length - 1]);
        }
    }

    @Test
    void badArgumentsAreErrorsThatShowUsage() {
        try (StandaloneEngine e = TestEngines.engine()) {
            PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            var ex = assertThrows(IllegalArgumentException.class, () -> Bench.cli(new String[] {"W1", "--runs", "0"}, out, e));
            assertTrue(ex.getMessage().contains("--runs must be >= 1"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class, () -> Bench.cli(new String[] {"W1", "--fast"}, out, e));
            assertTrue(ex.getMessage().contains("unknown option --fast") && ex.getMessage().contains("usage"),
                    ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class, () -> Bench.cli(new String[] {"--runs", "2"}, out, e));
            assertTrue(ex.getMessage().contains("no model given"), ex.getMessage());
        }
    }

    @Test
    void workloadNamesResolveToTheirDescriptions() {
        assertTrue(Bench.descriptionText("w3").contains("\"name\": \"W3\""));
        assertEquals("{\"layers\": []}", Bench.descriptionText("{\"layers\": []}"));
        var ex = assertThrows(IllegalArgumentException.class, () -> Workload.named("W9"));
        assertTrue(ex.getMessage().contains("[W1, W2, W3, W4]"), ex.getMessage());
    }
}
