package io.cnnkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
 * <p>{@code SideBySide [--runs N] [--rounds N] [--warmup N] [--threads 1,2] [--workloads W1,W2,W3,W4]
 * [--seed N] [--tolerance X] [--ort-weights inputs|constants]}: ONNX Runtime gets the weights as
 * graph inputs (default) or embedded as constants ({@link OnnxConstants}), which it can pre-pack.
 * Exit code 1 when any output disagrees.
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
    /** Pause before each timed block, so that the other engine's spinning threads have parked. */
    static final int PAUSE_MS = 20;

    /**
     * One workload at each thread count, timed in rounds.
     *
     * @param rows            one per thread count, medians over every round's runs
     * @param roundMediansOrt per thread count, ONNX Runtime's median of each round
     * @param roundMediansCnnkit per thread count, cnnkit's median of each round
     */
    public record Comparison(List<Row> rows, double[][] roundMediansOrt, double[][] roundMediansCnnkit) {
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
     * thread count (the first round after the cold run and {@code warmup} untimed runs).
     */
    public static Comparison compare(Model model, String workload, byte[] onnx, int batch, int[] threads, int runs,
            int rounds, int warmup, long seed, OrtModel.Weights weights) throws OrtException {
        Tensor input = Bench.randomInput(model.inputShape(), batch, seed);
        int perRound = Math.max(1, (runs + rounds - 1) / rounds);
        int n = threads.length;
        List<OrtModel> orts = new ArrayList<>();
        try {
            Agreement[] agreements = new Agreement[n];
            for (int i = 0; i < n; i++) {
                OrtModel ort = new OrtModel(onnx, model, threads[i], weights);
                orts.add(ort);
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
                    OrtModel.Timing t = orts.get(i).time(input, w, perRound);
                    pause();
                    Bench.Options o = new Bench.Options(batch, threads[i], perRound, w, seed);
                    Bench.Result r = round == 0 ? Bench.run(model, input, o, null) : Bench.measure(model, input, o, null);
                    roundOrt[i][round] = t.medianMs();
                    roundOurs[i][round] = r.medianMs();
                    ortTimes[i] = round == 0 ? t : ortTimes[i].andLater(t);
                    ours[i] = round == 0 ? r : ours[i].andLater(r);
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

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs the workloads at each thread count, printing as it goes; returns every row. */
    public static List<Row> run(Engine engine, List<Workload> workloads, int[] threads, int runs, int rounds,
            int warmup, long seed, double tolerance, OrtModel.Weights weights, PrintStream out) throws OrtException {
        out.println(header());
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            Model model = engine.build(engine.parse(w.description()));
            try {
                Comparison c = compare(model, w.name(), onnx(w), w.batch(), threads, runs, rounds, warmup, seed,
                        weights);
                for (Row r : c.rows()) {
                    out.println(format(r, tolerance));
                }
                if (c.rows().size() > 1) {
                    out.println(scaling(c));
                }
                rows.addAll(c.rows());
            } finally {
                model.close();
            }
        }
        return rows;
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
        int[] threads = {1, 2};
        long seed = 42;
        double tolerance = Agreement.TOLERANCE;
        List<Workload> workloads = Workload.ALL;
        OrtModel.Weights weights = OrtModel.Weights.INPUTS;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--runs" -> runs = intArg(args, ++i, a);
                    case "--rounds" -> rounds = intArg(args, ++i, a);
                    case "--warmup" -> warmup = intArg(args, ++i, a);
                    case "--seed" -> seed = intArg(args, ++i, a);
                    case "--threads" -> threads = Arrays.stream(value(args, ++i, a).split(","))
                            .mapToInt(s -> intArg(new String[] {s}, 0, a)).toArray();
                    case "--workloads" -> workloads = Arrays.stream(value(args, ++i, a).split(","))
                            .map(Workload::named).toList();
                    case "--tolerance" -> tolerance = Double.parseDouble(value(args, ++i, a));
                    case "--ort-weights" -> weights = ortWeights(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown argument " + a + "; usage: SideBySide"
                            + " [--runs N] [--rounds N] [--warmup N] [--threads 1,2] [--workloads W1,W2,W3,W4] [--seed N]"
                            + " [--tolerance X] [--ort-weights inputs|constants]");
                }
            }
            if (runs < 1 || rounds < 1 || warmup < 0 || threads.length == 0
                    || Arrays.stream(threads).anyMatch(t -> t < 1)) {
                throw new IllegalArgumentException("need --runs >= 1, --rounds >= 1, --warmup >= 0 and thread counts >= 1");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("side-by-side: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "side-by-side: cnnkit vs ONNX Runtime, runs=%d in %d rounds, warmup=%d"
                + " threads=%s, %d cores; medians in ms; cnnkit's weights copied into the ONNX graph as %s%n",
                (runs + rounds - 1) / rounds * rounds, rounds, warmup,
                Arrays.toString(threads), Runtime.getRuntime().availableProcessors(),
                weights == OrtModel.Weights.INPUTS ? "inputs fed each run" : "constants (initializers)");
        int bad;
        try (StandaloneEngine engine = engine(System.out)) {
            List<Row> rows = run(engine, workloads, threads, runs, rounds, warmup, seed, tolerance, weights, System.out);
            for (Row r : rows) {
                System.out.println(r.cnnkit().line());
            }
            final double tol = tolerance;
            bad = (int) rows.stream().filter(r -> !r.agreement().ok(tol)).count();
            System.out.printf(Locale.ROOT, "side-by-side: %d comparisons, %d disagreements (tolerance %.0e)%n",
                    rows.size(), bad, tolerance);
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
            case "inputs" -> OrtModel.Weights.INPUTS;
            case "constants" -> OrtModel.Weights.CONSTANTS;
            default -> throw new IllegalArgumentException("--ort-weights is inputs or constants, got '" + v + "'");
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
        return resource("onnx/" + w.name() + ".onnx");
    }

    /** A class-path resource of the bench module (or a test's). */
    static byte[] resource(String path) {
        try (InputStream in = SideBySide.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("resource " + path + " not on the class path"
                        + (path.endsWith(".onnx") ? " (run /usr/bin/python3 cnf/bench/make_onnx.py)" : ""));
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
