package io.cnnkit.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
            + " p90_ms=(\\d+\\.\\d{3}) gflops=(\\d+\\.\\d{3}) peak_heap_mb=(\\d+\\.\\d)"
            + " weights_mb=(\\d+\\.\\d{2}) top2_act_mb=(\\d+\\.\\d{2})( live_mb=(\\d+\\.\\d{2})"
            + " run_peak_mb=(\\d+\\.\\d{2}))?");

    static final Memory MEM = new Memory(1 << 20, java.util.List.of(new Memory.Activation("a", 2 << 20)));

    @Test
    void libraryRunGivesTheNumbersAndTheLine() {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(FlopsTest.TINY_DENSE))) {
            Bench.Result r = Bench.run(m, new Bench.Options(3, 1, 4, 1, 7));
            assertEquals(4, r.timesMs().length);
            assertEquals(3 * (2L * 32 * 6 + 2L * 6 * 3), r.flops());
            assertTrue(r.coldMs() > 0 && r.medianMs() > 0 && r.p90Ms() >= r.medianMs(), r.line());
            assertTrue(r.peakHeapBytes() > 0, r.line());
            // live memory: at least the weights and the returned output; measured by a library run
            assertTrue(r.liveBytes() >= r.memory().weightsBytes(), r.report());
            // a run's peak: at least the weights, the input (3 samples of 4x4x2) and what stays live
            assertTrue(r.runPeakBytes() >= r.memory().weightsBytes() + 4L * 3 * 32, r.report());
            assertTrue(r.runPeakBytes() >= r.liveBytes() + 4L * 3 * 32 - (1 << 20), r.report());
            assertTrue(r.report().contains("run peak heap: "), r.report());
            var mt = LINE.matcher(r.line());
            assertTrue(mt.matches(), r.line());
            assertEquals("tiny_dense", mt.group(1));
            assertEquals("3", mt.group(2));
            assertEquals("1", mt.group(3));
        }
    }

    @Test
    void reportEndsWithExactlyOneBenchLineAndProgressIsOptional() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(FlopsTest.TINY_DENSE));
                PrintStream progress = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            Bench.Result r = Bench.run(m, Bench.randomInput(m.inputShape(), 2, 1), new Bench.Options(2, 1, 2, 1, 1),
                    progress);
            String[] lines = r.report().split("\\R");
            String last = lines[lines.length - 1];
            assertEquals(r.line(), last);
            assertTrue(last.startsWith("bench: tiny_dense batch=2 threads=1 "), last);
            assertEquals(1, java.util.Arrays.stream(lines).filter(l -> l.startsWith("bench:")).count(), r.report());
            assertTrue(r.report().contains("cold (first) run: "), r.report());
            String p = buf.toString(StandardCharsets.UTF_8);
            assertTrue(p.startsWith("cold run: ") && p.contains("; 1 run of warm-up\n") && p.contains("2 runs timed"), p);
        }
    }

    @Test
    void laterRunsJoinAResultKeepingItsColdRunAndTheHigherPeak() {
        Bench.Result first = new Bench.Result("m", 2, 1, 90.0, new double[] {3, 1}, 1000, 5 << 20, true, MEM, 3 << 20,
                6 << 20);
        Bench.Result later = new Bench.Result("m", 2, 1, 4.0, new double[] {2}, 1000, 7 << 20, true, MEM);
        Bench.Result all = first.andLater(later);
        assertEquals(90.0, all.coldMs());
        assertArrayEquals(new double[] {3, 1, 2}, all.timesMs());
        assertEquals(2.0, all.medianMs());
        assertEquals(7 << 20, all.peakHeapBytes());
        // the live memory and run peak are the first series' (later series only time)
        assertEquals(MEM.weightsBytes() + (3 << 20), all.liveBytes());
        assertEquals(6 << 20, all.runPeakBytes());
        var ex = assertThrows(IllegalArgumentException.class,
                () -> first.andLater(new Bench.Result("m", 2, 2, 4.0, new double[] {2}, 1000, 0, true, MEM)));
        assertTrue(ex.getMessage().contains("m/2/1") && ex.getMessage().contains("m/2/2"), ex.getMessage());
    }

    @Test
    void memoryIsTheWeightsAndTheTwoLargestActivationsAtTheBatch() {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(FlopsTest.TINY_DENSE))) {
            Memory mem = Memory.of(m, 3);
            // dense_1 (32, 6) + (6), dense_2 (6, 3) + (3), float32
            assertEquals(4L * (32 * 6 + 6 + 6 * 3 + 3), mem.weightsBytes());
            // the 4x4x2 input and its flatten, 3 samples each; the dense outputs are smaller
            assertEquals(java.util.List.of(new Memory.Activation("input", 4L * 3 * 32),
                    new Memory.Activation("flatten", 4L * 3 * 32)), mem.largest());
            assertEquals(mem.weightsBytes() + 2 * (2 * 4L * 3 * 32), mem.bound());
            Bench.Result r = Bench.run(m, new Bench.Options(3, 1, 2, 0, 7));
            assertEquals(mem, r.memory());
            assertTrue(r.report().contains("memory: weights 0.00 MB; two largest activations 0.00 MB (input) 0.00 MB"
                    + " (flatten); weights + 2 x both = 0.0 MB\n"), r.report());
            var mt = LINE.matcher(r.line());
            assertTrue(mt.matches() && mt.group(8).equals("0.00") && mt.group(9).equals("0.00"), r.line());
        }
    }

    @Test
    void badOptionsAreNamed() {
        var ex = assertThrows(IllegalArgumentException.class, () -> new Bench.Options(1, 1, 0, 0, 1));
        assertTrue(ex.getMessage().contains("--runs must be >= 1"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> new Bench.Options(1, 1, 1, -1, 1));
        assertTrue(ex.getMessage().contains("--warmup must be >= 0"), ex.getMessage());
        for (double s : new double[] {-0.5, Double.NaN, 3601}) {
            ex = assertThrows(IllegalArgumentException.class, () -> new Bench.Options(1, 1, 1, 0, s, 1));
            assertTrue(ex.getMessage().startsWith("--warmup-seconds must be 0 to 3600, got "), ex.getMessage());
        }
        assertEquals(2.0, Bench.Options.defaults().warmupSeconds());
        assertEquals(0.0, new Bench.Options(1, 1, 1, 0, 1).warmupSeconds());
        ex = assertThrows(IllegalArgumentException.class,
                () -> Bench.randomInput(io.cnnkit.engine.api.Shape.of(-1, -1, 3), 1, 1));
        assertTrue(ex.getMessage().contains("--input"), ex.getMessage());
    }

    @Test
    void workloadNamesResolveToTheirDescriptions() {
        assertTrue(Workload.named("w3").description().contains("\"name\": \"W3\""));
        var ex = assertThrows(IllegalArgumentException.class, () -> Workload.named("W9"));
        assertTrue(ex.getMessage().contains("[W1, W2, W3, W4]"), ex.getMessage());
    }
}
