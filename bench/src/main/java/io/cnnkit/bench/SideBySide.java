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
import io.cnnkit.layers.conv.VectorConv2d;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.launcher.bench.Bench;
import io.cnnkit.launcher.bench.Workload;

/**
 * cnnkit next to ONNX Runtime on the same workloads, the same weights and the same input, in
 * one process: per workload and thread count, first checks that both give the same output
 * ({@link Agreement}, tolerance 1e-3), then times ONNX Runtime and cnnkit with the same cold /
 * warm-up / timed-run scheme, and prints median times, their ratio, GFLOP/s and how each
 * scales from the first to the last thread count.
 *
 * <p>{@code SideBySide [--runs N] [--warmup N] [--threads 1,2] [--workloads W1,W2,W3,W4] [--seed N]
 * [--tolerance X] [--ort-weights inputs|constants]}: ONNX Runtime gets the weights as graph inputs
 * (default) or embedded as constants ({@link OnnxConstants}), which it can pre-pack.
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

    /**
     * Compares one model: its ONNX graph is fed the model's weights, both run on the same
     * seeded input of {@code batch} samples.
     */
    public static Row compare(Model model, String workload, byte[] onnx, int batch, int threads, int runs, int warmup,
            long seed, OrtModel.Weights weights) throws OrtException {
        Tensor input = Bench.randomInput(model.inputShape(), batch, seed);
        Bench.Options o = new Bench.Options(batch, threads, runs, warmup, seed);
        try (OrtModel ort = new OrtModel(onnx, model, threads, weights)) {
            Tensor expected = ort.predict(input);
            Tensor actual = model.predict(input, RunOptions.DEFAULT.withThreads(threads));
            Agreement agreement = Agreement.of(expected, actual);
            OrtModel.Timing t = ort.time(input, warmup, runs);
            Bench.Result r = Bench.run(model, input, o, null);
            return new Row(workload, batch, r.flops(), threads, t, r, agreement);
        }
    }

    /** Runs the workloads at each thread count, printing as it goes; returns every row. */
    public static List<Row> run(Engine engine, List<Workload> workloads, int[] threads, int runs, int warmup,
            long seed, double tolerance, OrtModel.Weights weights, PrintStream out) throws OrtException {
        out.println(header());
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            Model model = engine.build(engine.parse(w.description()));
            try {
                List<Row> mine = new ArrayList<>();
                for (int t : threads) {
                    Row r = compare(model, w.name(), onnx(w), w.batch(), t, runs, warmup, seed, weights);
                    out.println(format(r, tolerance));
                    mine.add(r);
                }
                if (mine.size() > 1) {
                    out.println(scaling(mine));
                }
                rows.addAll(mine);
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

    /** Speed-up from the first thread count to each later one, for both engines. */
    static String scaling(List<Row> rows) {
        Row first = rows.get(0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-4s scaling", first.workload()));
        for (Row r : rows.subList(1, rows.size())) {
            b.append(String.format(Locale.ROOT, " %d->%d threads: ort x%.2f, cnnkit x%.2f;", first.threads(),
                    r.threads(), first.ort().medianMs() / r.ort().medianMs(),
                    first.cnnkit().medianMs() / r.cnnkit().medianMs()));
        }
        return b.toString();
    }

    public static void main(String[] args) {
        int runs = 5;
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
                    case "--warmup" -> warmup = intArg(args, ++i, a);
                    case "--seed" -> seed = intArg(args, ++i, a);
                    case "--threads" -> threads = Arrays.stream(value(args, ++i, a).split(","))
                            .mapToInt(s -> intArg(new String[] {s}, 0, a)).toArray();
                    case "--workloads" -> workloads = Arrays.stream(value(args, ++i, a).split(","))
                            .map(Workload::named).toList();
                    case "--tolerance" -> tolerance = Double.parseDouble(value(args, ++i, a));
                    case "--ort-weights" -> weights = ortWeights(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown argument " + a + "; usage: SideBySide"
                            + " [--runs N] [--warmup N] [--threads 1,2] [--workloads W1,W2,W3,W4] [--seed N]"
                            + " [--tolerance X] [--ort-weights inputs|constants]");
                }
            }
            if (runs < 1 || warmup < 0 || threads.length == 0 || Arrays.stream(threads).anyMatch(t -> t < 1)) {
                throw new IllegalArgumentException("need --runs >= 1, --warmup >= 0 and thread counts >= 1");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("side-by-side: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "side-by-side: cnnkit vs ONNX Runtime, runs=%d warmup=%d threads=%s,"
                + " %d cores; medians in ms; cnnkit's weights copied into the ONNX graph as %s%n", runs, warmup,
                Arrays.toString(threads), Runtime.getRuntime().availableProcessors(),
                weights == OrtModel.Weights.INPUTS ? "inputs fed each run" : "constants (initializers)");
        int bad;
        try (StandaloneEngine engine = engine(System.out)) {
            List<Row> rows = run(engine, workloads, threads, runs, warmup, seed, tolerance, weights, System.out);
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
     * The engine benchmarks run on: every provider ServiceLoader finds, plus the Vector API conv2d
     * and dense (ranked above the scalar ones, as in the OSGi runtime) when the JVM was started
     * with --add-modules=jdk.incubator.vector.
     */
    public static StandaloneEngine engine(PrintStream out) {
        StandaloneEngine engine = Engines.fromServiceLoader(SideBySide.class.getClassLoader());
        if (VectorConv2d.available()) {
            engine.register(VectorConv2d.provider(), VectorConv2d.RANKING);
            engine.register(VectorConv2d.denseProvider(), VectorConv2d.RANKING);
            out.println("kernels: Vector API conv2d and dense (io.cnnkit.layers.conv.vector)");
        } else {
            out.println("kernels: scalar Java (" + VectorConv2d.unavailableReason().orElse("") + ")");
        }
        return engine;
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
