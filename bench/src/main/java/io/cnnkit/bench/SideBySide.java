package io.cnnkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.engine.kernel.KernelBackends;
import io.cnnkit.launcher.bench.Bench;
import io.cnnkit.launcher.bench.Workload;

/**
 * cnnkit next to ONNX Runtime on the same workloads, the same weights and the same input, in
 * one process: per workload and thread count, first checks that both give the same output
 * ({@link Agreement}, tolerance 1e-3), then times ONNX Runtime and cnnkit with the same cold /
 * warm-up / timed-run scheme, and prints median times, their ratio, GFLOP/s and how each
 * scales from the first to the last thread count.
 *
 * <p>The timed runs are taken in rounds: each round times every (engine, thread count) pair in
 * turn, {@code runs / rounds} runs each, so that every ratio compares runs taken under the same
 * mix of conditions (on a shared machine the speed of a core drifts over seconds; timing all
 * 1-thread runs, then all 2-thread runs, would fold that drift into the scaling). The medians
 * are over all rounds' runs; the scaling line also gives the range of the per-round ratios.
 *
 * <p>{@code SideBySide [--runs N] [--rounds N] [--warmup N] [--warmup-seconds S] [--threads 1,2] [--workloads W1,...,R4]
 * [--keras-real DIR] [--seed N] [--tolerance X] [--ort-weights constants|inputs]}: ONNX Runtime
 * gets the weights embedded as initializers (default, {@link OnnxConstants}: the graph a user
 * exports, which it folds and pre-packs at session creation) or, as a labelled option, as graph
 * inputs fed on every run. Both engines run at every count of {@code --threads} and at cnnkit's
 * default (every core); each workload's headline ratio is ONNX Runtime's better time over those
 * counts divided by cnnkit's time at its default. Exit code 1 when any output disagrees.
 */
public final class SideBySide {
    private SideBySide() {
    }

    /** One workload at one thread count. */
    public record Row(String workload, int batch, long flops, int threads, OrtModel.Timing ort,
            Bench.Result cnnkit, Agreement agreement) {
        /** ONNX Runtime's median time over cnnkit's (below 1: ONNX Runtime is faster). */
        public double ratio() {
            return ort.medianMs() / cnnkit.medianMs();
        }

        public double ortGflops() {
            return flops / (ort.medianMs() * 1e6);
        }
    }

    /** Untimed runs that start every round after the first (caches and threads back in shape). */
    static final int REWARM = 3;
    /**
     * And untimed runs for at least this long before every timed block, both engines: after the
     * pause a VM's idle vCPU takes tens of ms to come back to speed (cnnkit's R3 at 2 threads ran
     * at 290 us after 3 runs, 184 to 195 us after 50 ms of runs). 150 ms since the pause grew to
     * 60 ms: after it, 50 ms left ONNX Runtime's R1 gaining 0.98x to 1.26x from its second thread
     * (four processes), 150 ms 1.10x to 1.29x, as with the shorter pause.
     */
    static final long REWARM_NANOS = 150_000_000L;
    /**
     * Pause before each timed block, so that the other engine's spinning threads have parked:
     * ONNX Runtime 1.29's intra-op threads spin for about 35 ms after a session's last run
     * (their CPU time in /proc/self/task after runs of R1 at 2 threads: 34, 35, 35 ms), and a
     * 20 ms pause had left them spinning on the second core through the start of cnnkit's block.
     */
    static final int PAUSE_MS = 60;

    /**
     * One workload at each thread count, timed in rounds.
     *
     * @param rows            one per thread count, medians over every round's runs
     * @param roundMediansOrt per thread count, ONNX Runtime's median of each round
     * @param roundMediansCnnkit per thread count, cnnkit's median of each round
     */
    public record Comparison(List<Row> rows, double[][] roundMediansOrt, double[][] roundMediansCnnkit) {
        /** The row where ONNX Runtime was fastest (its better thread count). */
        public Row ortBest() {
            Row best = rows.get(0);
            for (Row r : rows) {
                if (r.ort().medianMs() < best.ort().medianMs()) {
                    best = r;
                }
            }
            return best;
        }

        /** The row at {@code threads}. */
        public Row at(int threads) {
            for (Row r : rows) {
                if (r.threads() == threads) {
                    return r;
                }
            }
            throw new IllegalArgumentException("no row at " + threads + " threads");
        }

        /** ONNX Runtime's better median over cnnkit's at {@code cnnkitThreads} (below 1: ONNX Runtime is faster). */
        public double ratioToOrtBest(int cnnkitThreads) {
            return ortBest().ort().medianMs() / at(cnnkitThreads).cnnkit().medianMs();
        }
    }

    /** Compares one model at one thread count, in one round. */
    public static Row compare(Model model, String workload, byte[] onnx, int batch, int threads, int runs, int warmup,
            long seed, OrtModel.Weights weights) throws OrtException {
        return compare(model, workload, onnx, batch, new int[] {threads}, runs, 1, warmup, seed, weights).rows().get(0);
    }

    /**
     * Compares one model: its ONNX graph is fed the model's weights, both run on the same
     * seeded input of {@code batch} samples, first checked for agreement at each thread count,
     * then timed in {@code rounds} rounds of {@code ceil(runs / rounds)} runs per engine and
     * thread count (ONNX Runtime's first round after its cold run and {@code warmup} untimed
     * runs). Before all that, a library run ({@link Bench#run}) at the most threads makes cnnkit's
     * cold run and {@code warmup} untimed runs and measures a cnnkit run's live memory and peak
     * heap, which every row reports; cnnkit's rounds then start after {@link #REWARM} runs each.
     */
    public static Comparison compare(Model model, String workload, byte[] onnx, int batch, int[] threads, int runs,
            int rounds, int warmup, long seed, OrtModel.Weights weights) throws OrtException {
        return compare(model, workload, onnx, batch, threads, runs, rounds, warmup, 0, seed, weights);
    }

    /**
     * {@link #compare(Model, String, byte[], int, int[], int, int, int, long, OrtModel.Weights)}
     * with each engine first run for {@code warmupSeconds} (cnnkit at the most threads, ONNX
     * Runtime at each count) before its counted warm-up: a JVM's compiler needs time, not a
     * number of runs (a 0.3 ms network's kernels are not all compiled after 300 runs).
     */
    public static Comparison compare(Model model, String workload, byte[] onnx, int batch, int[] threads, int runs,
            int rounds, int warmup, double warmupSeconds, long seed, OrtModel.Weights weights) throws OrtException {
        long warmNanos = (long) (warmupSeconds * 1e9);
        Tensor input = Bench.randomInput(model.inputShape(), batch, seed);
        int perRound = Math.max(1, (runs + rounds - 1) / rounds);
        int n = threads.length;
        // A run's memory is measured against the heap before the model's first run (its pooled
        // buffers are made then): once, first, at the most threads (the most per-thread buffers),
        // after the warm-up (before C2 compiles the kernels every vector is a garbage object),
        // which is then cnnkit's warm-up for the timed rounds too
        int most = java.util.Arrays.stream(threads).max().orElseThrow();
        Bench.Result memory = Bench.run(model, input, new Bench.Options(batch, most, perRound, warmup, seed), null);
        // after the memory run, which must be the model's first (its buffers count from the heap before it)
        RunOptions warmAt = RunOptions.DEFAULT.withThreads(most);
        warmFor(warmNanos, () -> model.predictAll(input, warmAt));
        List<OrtModel> orts = new ArrayList<>();
        try {
            Agreement[] agreements = new Agreement[n];
            for (int i = 0; i < n; i++) {
                OrtModel ort = new OrtModel(onnx, model, threads[i], weights);
                orts.add(ort);
                warmFor(warmNanos, () -> ort.predict(input));
                agreements[i] = Agreement.of(ort.predict(input),
                        model.predict(input, RunOptions.DEFAULT.withThreads(threads[i])));
            }
            OrtModel.Timing[] ortTimes = new OrtModel.Timing[n];
            Bench.Result[] ours = new Bench.Result[n];
            double[][] roundOrt = new double[n][rounds];
            double[][] roundOurs = new double[n][rounds];
            for (int round = 0; round < rounds; round++) {
                int w = round == 0 ? warmup : REWARM;
                for (int i = 0; i < n; i++) {
                    pause();
                    OrtModel ort = orts.get(i);
                    warmFor(REWARM_NANOS, () -> ort.predict(input));
                    OrtModel.Timing t = ort.time(input, w, perRound);
                    pause();
                    RunOptions at = RunOptions.DEFAULT.withThreads(threads[i]);
                    warmFor(REWARM_NANOS, () -> model.predictAll(input, at));
                    Bench.Options o = new Bench.Options(batch, threads[i], perRound, REWARM, seed);
                    Bench.Result r = Bench.measure(model, input, o, null);
                    roundOrt[i][round] = t.medianMs();
                    roundOurs[i][round] = r.medianMs();
                    ortTimes[i] = round == 0 ? t : ortTimes[i].andLater(t);
                    ours[i] = round == 0 ? r.withMemoryOf(memory) : ours[i].andLater(r);
                }
            }
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rows.add(new Row(workload, batch, ours[i].flops(), threads[i], ortTimes[i], ours[i], agreements[i]));
            }
            return new Comparison(rows, roundOrt, roundOurs);
        } finally {
            for (OrtModel o : orts) {
                o.close();
            }
        }
    }

    private interface Step {
        void run() throws OrtException;
    }

    /** Runs {@code step} over and over for {@code nanos}. */
    private static void warmFor(long nanos, Step step) throws OrtException {
        for (long end = System.nanoTime() + nanos; System.nanoTime() - end < 0;) {
            step.run();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One workload's comparison and the thread count cnnkit's headline figure is taken at. */
    public record Result(Case workload, Comparison comparison, int defaultThreads) {
        public Row headline() {
            return comparison.at(defaultThreads);
        }
    }

    /**
     * Runs the workloads at each of {@code threads} (which must include cnnkit's default count),
     * printing as it goes; returns one result per workload.
     */
    public static List<Result> run(Engine engine, List<Case> cases, int[] threads, int defaultThreads, int runs,
            int rounds, int warmup, long seed, double tolerance, OrtModel.Weights weights, PrintStream out)
            throws OrtException {
        return run(engine, cases, threads, defaultThreads, runs, rounds, warmup, 0, seed, tolerance, weights, out);
    }

    /** {@link #run} with {@code warmupSeconds} of runs before each engine's counted warm-up. */
    public static List<Result> run(Engine engine, List<Case> cases, int[] threads, int defaultThreads, int runs,
            int rounds, int warmup, double warmupSeconds, long seed, double tolerance, OrtModel.Weights weights,
            PrintStream out) throws OrtException {
        for (Case w : cases) {
            out.println(w.name() + ": " + w.what());
        }
        out.println(header());
        List<Result> results = new ArrayList<>();
        for (Case w : cases) {
            Model model = w.build().apply(engine);
            try {
                Comparison c = compare(model, w.name(), resource(w.onnx()), w.batch(), threads, runs, rounds, warmup,
                        warmupSeconds, seed, weights);
                for (Row r : c.rows()) {
                    out.println(format(r, tolerance));
                }
                if (c.rows().size() > 1) {
                    out.println(scaling(c));
                }
                Result res = new Result(w, c, defaultThreads);
                out.println(versusBest(res));
                results.add(res);
            } finally {
                model.close();
            }
        }
        return results;
    }

    /** "W1 vs ORT's best: ..." : ONNX Runtime's better time against cnnkit at its default thread count. */
    static String versusBest(Result res) {
        Row best = res.comparison().ortBest();
        Row ours = res.headline();
        return String.format(Locale.ROOT, "%-4s vs ORT's best: ort %.3f ms at %d thr, cnnkit %.3f ms at %d thr (default),"
                + " ratio %.2f", ours.workload(), best.ort().medianMs(), best.threads(), ours.cnnkit().medianMs(),
                ours.threads(), res.comparison().ratioToOrtBest(res.defaultThreads()));
    }

    /**
     * The summary table (Markdown, as README quotes it): per workload ONNX Runtime's better time,
     * cnnkit's at its default thread count, their ratio, both engines' 1 -> 2 thread scaling (when
     * both counts ran) and a cnnkit run's peak heap next to the weights and two largest activations
     * (then the whole process's peak, JIT warm-up garbage included).
     */
    static String summary(List<Result> results, OrtModel.Weights weights) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "summary (ONNX Runtime: %s; ratio = ORT's better"
                + " time / cnnkit's at its default threads, higher is better for cnnkit):%n", label(weights)));
        b.append("| workload | batch | GFLOP | ORT best ms (thr) | cnnkit ms (thr) | ratio | cnnkit 1->2 thr | ORT 1->2 thr"
                + " | cnnkit run peak heap MB | weights + 2 x two largest activations MB | cnnkit process peak heap MB |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result res : results) {
            Comparison c = res.comparison();
            Row best = c.ortBest();
            Row ours = res.headline();
            String scaleOurs = "-";
            String scaleOrt = "-";
            if (has(c, 1) && has(c, 2)) {
                scaleOurs = String.format(Locale.ROOT, "%.2fx", c.at(1).cnnkit().medianMs() / c.at(2).cnnkit().medianMs());
                scaleOrt = String.format(Locale.ROOT, "%.2fx", c.at(1).ort().medianMs() / c.at(2).ort().medianMs());
            }
            var mem = ours.cnnkit().memory();
            b.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f (%d) | %.3f (%d) | %.2f | %s | %s | %.1f | %.1f | %.1f |%n",
                    res.workload().name(), ours.batch(), ours.flops() / 1e9,
                    best.ort().medianMs(), best.threads(), ours.cnnkit().medianMs(), ours.threads(),
                    c.ratioToOrtBest(res.defaultThreads()), scaleOurs, scaleOrt, ours.cnnkit().runPeakMb(),
                    mem.bound() / (1024.0 * 1024.0), ours.cnnkit().peakHeapMb()));
        }
        return b.toString();
    }

    private static boolean has(Comparison c, int threads) {
        return c.rows().stream().anyMatch(r -> r.threads() == threads);
    }

    /** How ONNX Runtime got the weights, as the printed tables say it. */
    static String label(OrtModel.Weights weights) {
        return weights == OrtModel.Weights.CONSTANTS
                ? "weights as initializers (constants, as exported), graph optimisation ALL"
                : "weights as graph inputs fed every run (--ort-weights inputs: NOT how a deployed model runs),"
                        + " graph optimisation ALL";
    }

    static String header() {
        return String.format(Locale.ROOT, "%-4s %5s %8s %3s | %10s %10s %10s | %10s %10s | %s", "work", "batch",
                "GFLOP", "thr", "ort_ms", "cnnkit_ms", "ort/cnnkit", "ort_GF/s", "cnnkit_GF/s", "agreement");
    }

    static String format(Row r, double tolerance) {
        return String.format(Locale.ROOT, "%-4s %5d %8.4f %3d | %10.3f %10.3f %10.4f | %10.3f %10.3f | %s %s",
                r.workload(), r.batch(), r.flops() / 1e9, r.threads(), r.ort().medianMs(), r.cnnkit().medianMs(),
                r.ratio(), r.ortGflops(), r.cnnkit().gflops(), r.agreement().ok(tolerance) ? "ok" : "MISMATCH",
                r.agreement());
    }

    /**
     * Speed-up from the first thread count to each later one, for both engines: the ratio of the
     * medians over all rounds, then the lowest and highest ratio within one round.
     */
    static String scaling(Comparison c) {
        List<Row> rows = c.rows();
        Row first = rows.get(0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-4s scaling", first.workload()));
        for (int i = 1; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(String.format(Locale.ROOT, " %d->%d threads: ort x%.2f%s, cnnkit x%.2f%s;", first.threads(),
                    r.threads(), first.ort().medianMs() / r.ort().medianMs(), range(c.roundMediansOrt(), i),
                    first.cnnkit().medianMs() / r.cnnkit().medianMs(), range(c.roundMediansCnnkit(), i)));
        }
        return b.toString();
    }

    /** " (rounds lo-hi)" of the per-round ratios of thread count 0 over thread count i; empty for one round. */
    private static String range(double[][] roundMedians, int i) {
        int rounds = roundMedians[0].length;
        if (rounds < 2) {
            return "";
        }
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int round = 0; round < rounds; round++) {
            double ratio = roundMedians[0][round] / roundMedians[i][round];
            lo = Math.min(lo, ratio);
            hi = Math.max(hi, ratio);
        }
        return String.format(Locale.ROOT, " (rounds %.2f-%.2f)", lo, hi);
    }

    public static void main(String[] args) {
        int runs = 5;
        int rounds = 1;
        int warmup = 1;
        double warmupSeconds = 2;
        int[] threads = {1, 2};
        long seed = 42;
        double tolerance = Agreement.TOLERANCE;
        List<String> names = Case.ALL;
        Path kerasReal = Case.defaultKerasReal();
        OrtModel.Weights weights = OrtModel.Weights.CONSTANTS;
        List<Case> cases;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--runs" -> runs = intArg(args, ++i, a);
                    case "--rounds" -> rounds = intArg(args, ++i, a);
                    case "--warmup" -> warmup = intArg(args, ++i, a);
                    case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(value(args, ++i, a));
                    case "--seed" -> seed = intArg(args, ++i, a);
                    case "--threads" -> threads = Arrays.stream(value(args, ++i, a).split(","))
                            .mapToInt(s -> intArg(new String[] {s}, 0, a)).toArray();
                    case "--workloads" -> names = Arrays.asList(value(args, ++i, a).split(","));
                    case "--keras-real" -> kerasReal = Path.of(value(args, ++i, a));
                    case "--tolerance" -> tolerance = Double.parseDouble(value(args, ++i, a));
                    case "--ort-weights" -> weights = ortWeights(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown argument " + a + "; usage: SideBySide"
                            + " [--runs N] [--rounds N] [--warmup N] [--warmup-seconds S] [--threads 1,2]"
                            + " [--workloads W1,...,R4]"
                            + " [--keras-real DIR] [--seed N] [--tolerance X] [--ort-weights constants|inputs]");
                }
            }
            if (runs < 1 || rounds < 1 || warmup < 0 || !(warmupSeconds >= 0) || threads.length == 0
                    || Arrays.stream(threads).anyMatch(t -> t < 1)) {
                throw new IllegalArgumentException("need --runs >= 1, --rounds >= 1, --warmup >= 0, --warmup-seconds >= 0"
                        + " and thread counts >= 1");
            }
            cases = Case.named(names, kerasReal);
        } catch (IllegalArgumentException e) {
            System.err.println("side-by-side: " + e.getMessage());
            System.exit(2);
            return;
        }
        int defaultThreads = Runtime.getRuntime().availableProcessors();
        int[] all = IntStream.concat(Arrays.stream(threads), IntStream.of(defaultThreads)).distinct().sorted().toArray();
        System.out.printf(Locale.ROOT, "side-by-side: cnnkit vs ONNX Runtime %s, runs=%d in %d rounds, warmup=%d"
                + " after %.1f s of runs,"
                + " threads=%s (cnnkit's default: %d), %d cores; medians in ms%n", OrtEnvironment.getEnvironment()
                        .getVersion(), (runs + rounds - 1) / rounds * rounds, rounds, warmup, warmupSeconds,
                Arrays.toString(all), defaultThreads, defaultThreads);
        System.out.println("ONNX Runtime setup: " + label(weights) + ", intra-op threads as listed, sequential execution");
        int bad;
        long t0 = System.nanoTime();
        try (StandaloneEngine engine = engine(System.out)) {
            List<Result> results = run(engine, cases, all, defaultThreads, runs, rounds, warmup, warmupSeconds, seed,
                    tolerance, weights, System.out);
            for (Result res : results) {
                for (Row r : res.comparison().rows()) {
                    System.out.println(r.cnnkit().line());
                }
            }
            System.out.print(summary(results, weights));
            final double tol = tolerance;
            List<Row> rows = results.stream().flatMap(r -> r.comparison().rows().stream()).toList();
            bad = (int) rows.stream().filter(r -> !r.agreement().ok(tol)).count();
            System.out.printf(Locale.ROOT, "side-by-side: %d comparisons, %d disagreements (tolerance %.0e), %.0f s%n",
                    rows.size(), bad, tolerance, (System.nanoTime() - t0) / 1e9);
        } catch (OrtException e) {
            System.err.println("side-by-side: ONNX Runtime failed: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("side-by-side: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.exit(bad == 0 ? 0 : 1);
    }

    private static OrtModel.Weights ortWeights(String v) {
        return switch (v) {
            case "constants", "initializers" -> OrtModel.Weights.CONSTANTS;
            case "inputs" -> OrtModel.Weights.INPUTS;
            default -> throw new IllegalArgumentException("--ort-weights is constants (default) or inputs, got '" + v + "'");
        };
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
    }

    /**
     * The engine benchmarks run on: every provider ServiceLoader finds; the conv and dense
     * providers compute with the best kernel backend on the class path (the Vector API one of
     * io.cnnkit.kernels.vector when the JVM was started with --add-modules=jdk.incubator.vector),
     * as in the OSGi runtime.
     */
    public static StandaloneEngine engine(PrintStream out) {
        ClassLoader loader = SideBySide.class.getClassLoader();
        KernelBackend backend = KernelBackends.fromServiceLoader(loader);
        out.println("kernels: " + (backend == null ? "scalar Java (no usable kernel backend on the class path)"
                : backend.name() + " (io.cnnkit.kernels.vector)"));
        return Engines.fromServiceLoader(loader);
    }

    /** The workload's ONNX graph (weights are graph inputs), written by cnf/bench/make_onnx.py. */
    public static byte[] onnx(Workload w) {
        return resource(Case.of(w).onnx());
    }

    /** A class-path resource of the bench module (or a test's). */
    static byte[] resource(String path) {
        try (InputStream in = SideBySide.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("resource " + path + " not on the class path"
                        + (path.endsWith(".onnx") ? " (run /usr/bin/python3 cnf/bench/make_onnx.py and make_onnx_keras.py)" : ""));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + path, e);
        }
    }

    static int intArg(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a number");
        }
        try {
            return Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a whole number, got '" + args[i] + "'");
        }
    }
}
