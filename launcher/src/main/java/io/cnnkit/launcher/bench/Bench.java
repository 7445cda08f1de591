package io.cnnkit.launcher.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * Times a model on random input of its input shape: one cold (first) run, untimed warm-up runs
 * (at least {@code warmup}, and for at least {@code warmupSeconds}), then {@code runs} timed
 * runs, each a {@link Model#predictAll} (every output of a graph model; the nodes no output
 * needs are skipped); reports cold, median and p90 milliseconds,
 * GFLOP/s (conv, dense and merge FLOPs from the model's layers, see {@link Flops}, over the median
 * time) and the process's peak heap in use (see {@link HeapMonitor}); a library run then measures
 * what the runs hold live and a run's peak heap (see {@link Result#runPeakBytes()}), both set
 * against the weights and the two largest activations (see {@link Memory}).
 *
 * <p>{@code cnn:bench} and {@code ./cnnkit bench} run it in the launcher; the bench module's
 * ONNX Runtime side-by-side times cnnkit with it too, so both report the same numbers. The
 * report ends with one line {@code bench: <model> batch=<n> threads=<t> median_ms=<x> p90_ms=<y>
 * gflops=<z> peak_heap_mb=<m> weights_mb=<w> top2_act_mb=<a> live_mb=<l> run_peak_mb=<r>} (gflops is
 * GFLOP/s; live_mb and run_peak_mb only when measured).
 */
public final class Bench {
    /** Runs after the timed ones whose peak heap is measured, each from a collected heap. */
    static final int MEMORY_RUNS = 3;

    private Bench() {
    }

    /**
     * @param batch   samples per run
     * @param threads threads per run (cnnkit's RunOptions.threads)
     * @param runs    timed runs (at least 1)
     * @param warmup  untimed runs after the cold run, at least
     * @param warmupSeconds the warm-up goes on (whole runs) until this many seconds have passed
     *                too: a JVM's compilers need time, not a number of runs (before C2 compiles the
     *                Vector API kernels a run of ResNet-8 takes 30 ms instead of 0.2, and every
     *                vector is a garbage object)
     * @param seed    seed of the random input
     */
    public record Options(int batch, int threads, int runs, int warmup, double warmupSeconds, long seed) {
        /** Most seconds of warm-up (an hour: a typo's 2000 instead of 2 should fail, not hang). */
        static final double MAX_WARMUP_SECONDS = 3600;
        /**
         * Seconds of warm-up by default: the ResNet-8 and MobileNet of ../shared/keras-real ran at
         * about their warm speed after 1 s, not after 0.5.
         */
        public static final double DEFAULT_WARMUP_SECONDS = 2;

        public Options {
            positive("batch", batch);
            positive("threads", threads);
            positive("runs", runs);
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
            }
            if (!(warmupSeconds >= 0 && warmupSeconds <= MAX_WARMUP_SECONDS)) {
                throw new IllegalArgumentException("--warmup-seconds must be 0 to " + (int) MAX_WARMUP_SECONDS
                        + ", got " + warmupSeconds);
            }
        }

        /** Warm-up by runs only ({@code warmupSeconds} 0): for callers that warm the model up themselves. */
        public Options(int batch, int threads, int runs, int warmup, long seed) {
            this(batch, threads, runs, warmup, 0, seed);
        }

        public static Options defaults() {
            return new Options(1, Runtime.getRuntime().availableProcessors(), 10, 2, DEFAULT_WARMUP_SECONDS, 42);
        }

        public Options withBatch(int n) {
            return new Options(n, threads, runs, warmup, warmupSeconds, seed);
        }

        public Options withThreads(int n) {
            return new Options(batch, n, runs, warmup, warmupSeconds, seed);
        }

        public Options withRuns(int n) {
            return new Options(batch, threads, n, warmup, warmupSeconds, seed);
        }

        public Options withWarmup(int n) {
            return new Options(batch, threads, runs, n, warmupSeconds, seed);
        }

        private static void positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException("--" + what + " must be >= 1, got " + v);
            }
        }
    }

    /**
     * One benchmark's numbers.
     *
     * @param timesMs the timed runs in order (milliseconds)
     * @param flops   conv, dense and merge FLOPs of one run (the whole batch)
     * @param memory  the weights and the two largest activations, to set the peak heap against
     * @param heldBytes what the runs left live beyond the built model, measured after a full
     *                collection with the model open and the last output still held (pooled
     *                activation buffers, per-thread packing buffers, that output), or -1 when not
     *                measured; weights + this is the run's live memory, set against
     *                {@link Memory#bound()}
     * @param runPeakBytes a run's peak heap in the steady state, or -1 when not measured: the
     *                weights and the input, plus the most the heap in use rose during one run
     *                ({@link #MEMORY_RUNS} runs after the timed ones, each from a full collection,
     *                the previous output still held) over the heap in use before the first run
     *                (after a full collection, the model built); so the pooled buffers, the
     *                per-thread packing buffers, two outputs and every byte of garbage a run
     *                makes, set against {@link Memory#bound()}
     */
    public record Result(String model, int batch, int threads, double coldMs, double[] timesMs, long flops,
            long peakHeapBytes, boolean collectionsWatched, Memory memory, long heldBytes, long runPeakBytes) {
        /** A result whose live memory and run peak were not measured. */
        public Result(String model, int batch, int threads, double coldMs, double[] timesMs, long flops,
                long peakHeapBytes, boolean collectionsWatched, Memory memory) {
            this(model, batch, threads, coldMs, timesMs, flops, peakHeapBytes, collectionsWatched, memory, -1, -1);
        }

        /** Weights plus what the runs held live, or -1 when not measured. */
        public long liveBytes() {
            return heldBytes < 0 ? -1 : memory.weightsBytes() + heldBytes;
        }

        Result withMemory(long held, long runPeak) {
            return new Result(model, batch, threads, coldMs, timesMs, flops, peakHeapBytes, collectionsWatched, memory,
                    held, runPeak);
        }

        /**
         * This result with {@code other}'s live memory and run peak: for a series timed on a model
         * that had run before (its pooled buffers already there, so they cannot be measured), the
         * figures of a library run made on it first.
         */
        public Result withMemoryOf(Result other) {
            return withMemory(other.heldBytes, other.runPeakBytes);
        }

        /**
         * This result's cold run and timed runs followed by {@code later}'s timed runs of the same
         * model (its "cold" run was not the first), with the higher peak heap; the live memory and
         * run peak are this result's (a later series only times).
         */
        public Result andLater(Result later) {
            if (!later.model.equals(model) || later.batch != batch || later.threads != threads) {
                throw new IllegalArgumentException("cannot join results of " + model + "/" + batch + "/" + threads
                        + " and " + later.model + "/" + later.batch + "/" + later.threads);
            }
            double[] all = Arrays.copyOf(timesMs, timesMs.length + later.timesMs.length);
            System.arraycopy(later.timesMs, 0, all, timesMs.length, later.timesMs.length);
            return new Result(model, batch, threads, coldMs, all, flops, Math.max(peakHeapBytes, later.peakHeapBytes),
                    collectionsWatched && later.collectionsWatched, memory, heldBytes, runPeakBytes);
        }

        public double medianMs() {
            return Stats.median(timesMs);
        }

        public double p90Ms() {
            return Stats.percentile(timesMs, 90);
        }

        /** GFLOP per second at the median time. */
        public double gflops() {
            return flops / (medianMs() * 1e6);
        }

        public double peakHeapMb() {
            return peakHeapBytes / (1024.0 * 1024.0);
        }

        /** {@link #runPeakBytes()} in MB (-1 when not measured). */
        public double runPeakMb() {
            return runPeakBytes < 0 ? -1 : Memory.mb(runPeakBytes);
        }

        /** The details, ending with {@link #line()}. */
        public String report() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "model %s: batch %d, threads %d, %.4g GFLOP per run (conv, dense, merge)%n", model, batch, threads,
                    flops / 1e9));
            b.append(String.format(Locale.ROOT, "cold (first) run: %.3f ms%n", coldMs));
            b.append("timed runs (ms):");
            for (double t : timesMs) {
                b.append(String.format(Locale.ROOT, " %.3f", t));
            }
            b.append(String.format(Locale.ROOT,
                    "%npeak heap: %.1f MB (the process's heap in use over the cold, warm-up and timed runs, the"
                            + " runtime's own and the JIT warm-up's garbage included; %s)%n",
                    peakHeapMb(), collectionsWatched ? "before each GC and sampled every " + HeapMonitor.SAMPLE_MS_WITH_GC + " ms"
                            : "sampled every 1 ms; GC notifications unavailable here"));
            b.append(String.format(Locale.ROOT, "memory: %s%n", memory.describe()));
            if (heldBytes >= 0) {
                b.append(String.format(Locale.ROOT,
                        "live memory: %.2f MB = weights %.2f MB + %.2f MB the runs keep (activation and packing"
                                + " buffers, the last output; after a full GC with the model open), %s the bound%n",
                        Memory.mb(liveBytes()), Memory.mb(memory.weightsBytes()), Memory.mb(heldBytes),
                        liveBytes() <= memory.bound() ? "within" : "over"));
            }
            if (runPeakBytes >= 0) {
                b.append(String.format(Locale.ROOT,
                        "run peak heap: %.2f MB = weights + input + the most the heap in use rose in one run"
                                + " (garbage included; %d runs, each from a collected heap) over its level before"
                                + " the first run, %s the bound%n",
                        runPeakMb(), MEMORY_RUNS, runPeakBytes <= memory.bound() ? "within" : "over"));
            }
            return b.append(line()).toString();
        }

        /** The one-line summary the bench ends with. */
        public String line() {
            return String.format(Locale.ROOT,
                    "bench: %s batch=%d threads=%d median_ms=%.3f p90_ms=%.3f gflops=%.3f peak_heap_mb=%.1f"
                            + " weights_mb=%.2f top2_act_mb=%.2f%s%s",
                    model, batch, threads, medianMs(), p90Ms(), gflops(), peakHeapMb(), Memory.mb(memory.weightsBytes()),
                    Memory.mb(memory.largestTwoBytes()),
                    heldBytes < 0 ? "" : String.format(Locale.ROOT, " live_mb=%.2f", Memory.mb(liveBytes())),
                    runPeakBytes < 0 ? "" : String.format(Locale.ROOT, " run_peak_mb=%.2f", runPeakMb()));
        }
    }

    /** Benchmarks {@code model} on seeded uniform [0, 1) input of its (fully known) input shape. */
    public static Result run(Model model, Options options) {
        return run(model, randomInput(model.inputShape(), options.batch(), options.seed()), options, null);
    }

    /**
     * Benchmarks {@code model} on {@code input} (options.batch is taken from the input),
     * reporting each run to {@code progress} when it is not null.
     */
    public static Result run(Model model, Tensor input, Options options, PrintStream progress) {
        // start from a collected heap so the peak reflects these runs, not earlier garbage
        long before = usedAfterGc();
        Result r = measure(model, input, options, progress);
        // A run's peak in the steady state: MEMORY_RUNS more runs, each watched from a collected
        // heap (the warm-up's garbage, e.g. the Vector API's boxed fallbacks before C2 compiled
        // the kernels, is gone; the previous output is still held), set against the heap before
        // the first run. Then what the runs keep live: pooled buffers and the last output.
        RunOptions ro = RunOptions.DEFAULT.withThreads(options.threads());
        Map<String, Tensor> last = null;
        long peak = 0;
        for (int i = 0; i < MEMORY_RUNS; i++) {
            usedAfterGc();
            HeapMonitor heap = new HeapMonitor();
            try {
                last = model.predictAll(input, ro);
            } finally {
                heap.close();
            }
            peak = Math.max(peak, heap.peakBytes());
        }
        long held = Math.max(0, usedAfterGc() - before);
        java.lang.ref.Reference.reachabilityFence(last);
        long runPeak = r.memory().weightsBytes() + 4L * input.size() + Math.max(0, peak - before);
        return r.withMemory(held, runPeak);
    }

    private static long usedAfterGc() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // a few rounds: the collector may leave garbage the first time
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * {@link #run(Model, Tensor, Options, PrintStream)} without the collection first: for a
     * further series of runs of a model already timed (a full collection shrinks the heap, and
     * the runs after it would pay for growing it again).
     */
    public static Result measure(Model model, Tensor input, Options options, PrintStream progress) {
        RunOptions ro = RunOptions.DEFAULT.withThreads(options.threads());
        long flops = Flops.forBatch(model, input.dim(0));
        double[] times = new double[options.runs()];
        double cold;
        HeapMonitor heap = new HeapMonitor();
        try {
            long t0 = System.nanoTime();
            model.predictAll(input, ro);
            cold = (System.nanoTime() - t0) / 1e6;
            if (options.warmupSeconds() > 0) {
                report(progress, "cold run: %.3f ms; warming up for %s s (at least %s)", cold,
                        seconds(options.warmupSeconds()), runs(options.warmup()));
            } else {
                report(progress, "cold run: %.3f ms; %s of warm-up", cold, runs(options.warmup()));
            }
            long w0 = System.nanoTime();
            long until = w0 + (long) (options.warmupSeconds() * 1e9);
            int warm = 0;
            while (warm < options.warmup() || System.nanoTime() - until < 0) {
                model.predictAll(input, ro);
                warm++;
            }
            if (options.warmupSeconds() > 0) {
                report(progress, "%s of warm-up in %.1f s; %s timed", runs(warm), (System.nanoTime() - w0) / 1e9,
                        runs(times.length));
            } else {
                report(progress, "%s timed", runs(times.length));
            }
            for (int i = 0; i < times.length; i++) {
                long t = System.nanoTime();
                model.predictAll(input, ro);
                times[i] = (System.nanoTime() - t) / 1e6;
            }
        } finally {
            heap.close();
        }
        return new Result(model.name(), input.dim(0), options.threads(), cold, times, flops, heap.peakBytes(),
                heap.watchesCollections(), Memory.of(model, input.dim(0)));
    }

    /** "1 run", "2 runs". */
    public static String runs(int n) {
        return n + (n == 1 ? " run" : " runs");
    }

    /** Seconds as written: 2 not 2.0, 0.5 as 0.5. */
    public static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private static void report(PrintStream progress, String format, Object... args) {
        if (progress != null) {
            progress.printf(Locale.ROOT, format + "%n", args);
        }
    }

    /** A batch of seeded uniform [0, 1) values (like normalised pixels) of {@code sample}'s shape. */
    public static Tensor randomInput(Shape sample, int batch, long seed) {
        if (!sample.isFullyKnown()) {
            throw new IllegalArgumentException("input shape " + sample
                    + " has open dimensions; give one with --input HxWxC or input_shape in the description");
        }
        Tensor t = Tensor.zeros(sample.withBatch(batch));
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextDouble();
        }
        return t;
    }
}
