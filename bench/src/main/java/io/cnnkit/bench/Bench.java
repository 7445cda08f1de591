package io.cnnkit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/**
 * Times a model on random input of its input shape: one cold (first) run, {@code warmup}
 * untimed runs, then {@code runs} timed runs; reports cold, median and p90 milliseconds,
 * GFLOP/s (conv + dense FLOPs from the model's layers, see {@link Flops}, over the median
 * time) and the peak heap in use (see {@link HeapMonitor}).
 *
 * <p>As a main: {@code Bench <model> [--batch N] [--threads N] [--runs N] [--warmup N] [--seed N]
 * [--input HxWxC]}, where the model is a workload name (W1..W4, which also sets the batch), a
 * description file, or description text (cnnkit JSON or the one-line form). The layer types and
 * activations are those ServiceLoader finds on the class path. The output ends with one line
 * {@code bench: <model> batch=<n> threads=<t> median_ms=<x> p90_ms=<y> gflops=<z> peak_heap_mb=<m>}
 * (gflops is GFLOP/s). As a library: {@link #run(Model, Options)}.
 */
public final class Bench {
    private Bench() {
    }

    /**
     * @param batch   samples per run
     * @param threads threads per run (cnnkit's RunOptions.threads)
     * @param runs    timed runs (at least 1)
     * @param warmup  untimed runs after the cold run
     * @param seed    seed of the random input
     */
    public record Options(int batch, int threads, int runs, int warmup, long seed) {
        public Options {
            positive("batch", batch);
            positive("threads", threads);
            positive("runs", runs);
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
            }
        }

        public static Options defaults() {
            return new Options(1, Runtime.getRuntime().availableProcessors(), 10, 2, 42);
        }

        public Options withBatch(int n) {
            return new Options(n, threads, runs, warmup, seed);
        }

        public Options withThreads(int n) {
            return new Options(batch, n, runs, warmup, seed);
        }

        public Options withRuns(int n) {
            return new Options(batch, threads, n, warmup, seed);
        }

        public Options withWarmup(int n) {
            return new Options(batch, threads, runs, n, seed);
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
     * @param flops   conv + dense FLOPs of one run (the whole batch)
     */
    public record Result(String model, int batch, int threads, double coldMs, double[] timesMs, long flops,
            long peakHeapBytes) {
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

        /** The one-line summary the bench ends with. */
        public String line() {
            return String.format(Locale.ROOT,
                    "bench: %s batch=%d threads=%d median_ms=%.3f p90_ms=%.3f gflops=%.3f peak_heap_mb=%.1f",
                    model, batch, threads, medianMs(), p90Ms(), gflops(), peakHeapMb());
        }
    }

    /** Benchmarks {@code model} on seeded uniform [0, 1) input of its (fully known) input shape. */
    public static Result run(Model model, Options options) {
        return run(model, randomInput(model.inputShape(), options.batch(), options.seed()), options);
    }

    /** Benchmarks {@code model} on {@code input} (options.batch is taken from the input). */
    public static Result run(Model model, Tensor input, Options options) {
        RunOptions ro = RunOptions.DEFAULT.withThreads(options.threads());
        long flops = Flops.forBatch(model, input.dim(0));
        double[] times = new double[options.runs()];
        double cold;
        // start from a collected heap so the peak reflects these runs, not earlier garbage
        System.gc();
        HeapMonitor heap = new HeapMonitor();
        try {
            long t0 = System.nanoTime();
            model.predict(input, ro);
            cold = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < options.warmup(); i++) {
                model.predict(input, ro);
            }
            for (int i = 0; i < times.length; i++) {
                long t = System.nanoTime();
                model.predict(input, ro);
                times[i] = (System.nanoTime() - t) / 1e6;
            }
        } finally {
            heap.close();
        }
        long peak = heap.peakBytes();
        return new Result(model.name(), input.dim(0), options.threads(), cold, times, flops, peak);
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

    /**
     * Description text for a model argument: a workload name (W1..W4), an existing file, or
     * the argument itself (cnnkit JSON or the one-line form).
     */
    public static String descriptionText(String arg) {
        Workload w = Workload.find(arg);
        if (w != null) {
            return w.description();
        }
        Path p = Path.of(arg);
        if (!arg.strip().startsWith("{") && Files.isRegularFile(p)) {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read model description " + p + ": " + e.getMessage(), e);
            }
        }
        return arg;
    }

    /** Parses and builds {@code arg} (see {@link #descriptionText}), with an optional input shape override. */
    public static Model build(Engine engine, String arg, Shape inputOverride) {
        ModelDescription d = engine.parse(descriptionText(arg));
        if (inputOverride != null) {
            d = d.withInputShape(inputOverride);
        }
        return engine.build(d);
    }

    /** Prints the details and ends with {@link Result#line()}. */
    public static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "model %s: batch %d, threads %d, %.4g GFLOP per run (conv + dense)%n", r.model(),
                r.batch(), r.threads(), r.flops() / 1e9);
        out.printf(Locale.ROOT, "cold (first run): %.3f ms%n", r.coldMs());
        StringBuilder b = new StringBuilder("timed runs (ms):");
        for (double t : r.timesMs()) {
            b.append(String.format(Locale.ROOT, " %.3f", t));
        }
        out.println(b);
        out.println("peak heap: max of used heap sampled every 1 ms and heap used before each GC "
                + "(GC notifications); live objects plus uncollected garbage");
        out.println(r.line());
    }

    public static void main(String[] args) {
        try {
            System.exit(cli(args, System.out));
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            // model errors (ModelException and friends) name the layer and parameter: the message is the report
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * The engine benchmarks run on: every provider ServiceLoader finds, plus the Vector API conv2d
     * and dense (ranked above the scalar ones, as in the OSGi runtime) when the JVM was started
     * with --add-modules=jdk.incubator.vector.
     */
    public static StandaloneEngine engine(PrintStream out) {
        StandaloneEngine engine = Engines.fromServiceLoader(Bench.class.getClassLoader());
        if (io.cnnkit.layers.conv.VectorConv2d.available()) {
            engine.register(io.cnnkit.layers.conv.VectorConv2d.provider(), io.cnnkit.layers.conv.VectorConv2d.RANKING);
            engine.register(io.cnnkit.layers.conv.VectorConv2d.denseProvider(), io.cnnkit.layers.conv.VectorConv2d.RANKING);
            out.println("kernels: Vector API conv2d and dense (io.cnnkit.layers.conv.vector)");
        } else {
            out.println("kernels: scalar Java (" + io.cnnkit.layers.conv.VectorConv2d.unavailableReason().orElse("") + ")");
        }
        return engine;
    }

    /** The command line with the layer types and activations ServiceLoader finds; returns the exit code. */
    public static int cli(String[] args, PrintStream out) {
        try (StandaloneEngine engine = engine(out)) {
            return cli(args, out, engine);
        }
    }

    /**
     * The command line against a given engine (a shell command passes its own); returns the exit
     * code. The model is closed afterwards, the engine is not.
     */
    public static int cli(String[] args, PrintStream out, Engine engine) {
        String model = null;
        Options o = Options.defaults();
        Integer batch = null;
        Shape input = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--batch" -> batch = intArg(args, ++i, a);
                case "--threads" -> o = o.withThreads(intArg(args, ++i, a));
                case "--runs" -> o = o.withRuns(intArg(args, ++i, a));
                case "--warmup" -> o = o.withWarmup(intArg(args, ++i, a));
                case "--seed" -> o = new Options(o.batch(), o.threads(), o.runs(), o.warmup(), intArg(args, ++i, a));
                case "--input" -> input = shapeArg(args, ++i, a);
                case "-h", "--help" -> {
                    out.println(usage());
                    return 0;
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
                    }
                    if (model != null) {
                        throw new IllegalArgumentException("one model only, got '" + model + "' and '" + a
                                + "' (quote a one-line description)\n" + usage());
                    }
                    model = a;
                }
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("no model given\n" + usage());
        }
        Workload w = Workload.find(model);
        o = o.withBatch(batch != null ? batch : w != null ? w.batch() : 1);
        try (Model m = build(engine, model, input)) {
            print(run(m, o), out);
        }
        return 0;
    }

    static String usage() {
        return "usage: Bench <W1..W4 | description file | description text> [--batch N] [--threads N] [--runs N]"
                + " [--warmup N] [--seed N] [--input HxWxC]\n"
                + Workload.ALL.stream().map(Workload::toString).reduce((x, y) -> x + "\n" + y).orElse("");
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

    static Shape shapeArg(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a shape such as 224x224x3");
        }
        String[] parts = args[i].split("x");
        int[] dims = new int[parts.length];
        try {
            for (int k = 0; k < parts.length; k++) {
                dims[k] = Integer.parseInt(parts[k]);
                if (dims[k] < 1) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs positive sizes joined by x (224x224x3), got '" + args[i]
                    + "'");
        }
        return Shape.of(dims);
    }
}
