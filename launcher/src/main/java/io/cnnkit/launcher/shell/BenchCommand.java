package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.launcher.bench.Bench;
import io.cnnkit.launcher.bench.Workload;

/**
 * cnn:bench: times a loaded model, a workload or a MODEL argument on seeded random input;
 * {@code progress} gets the settings line and the runs.
 */
record BenchCommand(Engine engine, ModelRegistry models, PrintStream progress) {

    /**
     * Options of {@link #bench}: batch (0: 1, or the workload's), threads (0: every core), timed
     * runs, untimed warm-up runs after the cold one (at least {@code warmup}, for at least
     * {@code warmupSeconds}), seed of the random input, and an input shape for descriptions that
     * leave it open (null: the model's).
     */
    public record BenchParams(int batch, int threads, int runs, int warmup, double warmupSeconds, long seed,
            Shape input) {
        public static final BenchParams DEFAULT = new BenchParams(0, 0, 10, 2, Bench.Options.DEFAULT_WARMUP_SECONDS,
                42, null);
    }

    /**
     * Times a model on seeded random input (see {@link Bench}). MODEL is a loaded model's name,
     * a workload (W1..W4, which also sets the batch), or what {@link LoadCommand#load} takes. A
     * model built here is closed afterwards; a loaded one stays.
     */
    Results.BenchRun bench(String model, BenchParams params) {
        BenchParams p = params == null ? BenchParams.DEFAULT : params;
        Model loaded = models.find(model);
        if (p.batch() < 0 || p.threads() < 0) {
            throw new CommandException("--batch and --threads must be >= 1 (0 or absent: the default), got "
                    + p.batch() + " and " + p.threads(), "./cnnkit help bench");
        }
        Workload w = loaded == null ? Workload.find(model) : null;
        if (loaded == null && w == null && model.matches("[Ww][0-9]+") && !Files.exists(Path.of(model))) {
            throw new CommandException("no workload '" + model + "'", "the workloads are W1 to W"
                    + Workload.ALL.size() + "; MODEL may also be a JSON or .h5 file or a one-line description");
        }
        int batch = p.batch() > 0 ? p.batch() : w != null ? w.batch() : 1;
        Bench.Options options;
        try {
            options = new Bench.Options(batch, p.threads() > 0 ? p.threads() : Runtime.getRuntime().availableProcessors(),
                    p.runs(), p.warmup(), p.warmupSeconds(), p.seed());
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), "./cnnkit help bench");
        }
        if (loaded != null) {
            if (p.input() != null) {
                throw new CommandException("--input cannot change the input of loaded model '" + model + "'",
                        "load it again from a description with that input shape, or bench the description itself");
            }
            return new Results.BenchRun(model, benchOne(loaded, options));
        }
        String origin;
        ModelDescription d;
        Path weights = null;
        if (w != null) {
            d = engine.parse(w.description());
            origin = "workload " + w;
        } else {
            ModelSource src = ModelSource.read(engine, model);
            d = src.description();
            origin = src.origin();
            weights = src.weights();
        }
        if (p.input() != null) {
            d = d.withInputShape(p.input());
        }
        try (Model m = engine.build(d)) {
            if (weights != null) {
                KerasWeights.load(m, weights, LoadOptions.BY_ORDER);
            }
            return new Results.BenchRun(origin, benchOne(m, options));
        }
    }

    private Bench.Result benchOne(Model m, Bench.Options options) {
        if (!m.inputShape().isFullyKnown()) {
            throw new CommandException("model '" + m.name() + "' takes input " + m.inputShape()
                    + " with open dimensions", "give one with --input HxWxC, e.g. --input 224x224x3");
        }
        String warmup = options.warmupSeconds() > 0 ? Bench.seconds(options.warmupSeconds()) + " s of warm-up (at least "
                + Bench.runs(options.warmup()) + ")" : Bench.runs(options.warmup()) + " of warm-up";
        progress.printf(Locale.ROOT, "bench %s: batch %d, threads %d, %s + %s timed%n", m.name(), options.batch(),
                options.threads(), warmup, Bench.runs(options.runs()));
        Tensor input = Bench.randomInput(m.inputShape(), options.batch(), options.seed());
        return Bench.run(m, input, options, progress);
    }
}
