package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.function.Function;

import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.launcher.cli.Options;
import io.cnnkit.launcher.cli.Parsed;

/**
 * Turns parsed options into {@link CnnCommands}' parameters, once for both command lines
 * ({@code ./cnnkit run} and {@code cnn:run} read --threads the same way).
 */
final class Params {
    private Params() {
    }

    /** By name unless --by-order (the walkthrough's load_weights(by_name=True) is the common case). */
    static LoadOptions loadOptions(Parsed p) {
        p.exclusive(Options.BY_NAME, Options.BY_ORDER);
        return new LoadOptions(!p.flag(Options.BY_ORDER), p.flag(Options.SKIP_MISMATCH));
    }

    /** Loads MODEL under NAME with the load options --weights, --by-name/--by-order, --skip-mismatch and --seed. */
    static Results.Loaded load(CnnCommands commands, Parsed p, String name, String model,
            Function<String, Path> resolve) {
        String weights = p.path(Options.WEIGHTS);
        Long seed = p.has(Options.SEED) ? p.whole(Options.SEED, 0, Long.MIN_VALUE) : null;
        Results.Loaded loaded = commands.load(name, model, weights == null ? null : resolve.apply(weights),
                loadOptions(p), seed);
        return loaded.verbose(p.flag(Options.VERBOSE));
    }

    /** 1/255, the --rescale of 8-bit pixels to [0, 1], as an error's example. */
    private static final String ONE_255 = "0.00392156862745098";

    static RunCommand.RunParams run(Parsed p, Function<String, Path> resolve) {
        String out = p.path(Options.OUT_DIR);
        String labels = p.path(Options.LABELS);
        return new RunCommand.RunParams(out == null ? null : resolve.apply(out), p.flag(Options.NPY),
                p.integer(Options.THREADS, 0, 1), p.number(Options.RESCALE, 1.0, ONE_255), p.flag(Options.BGR),
                p.flag(Options.GREY), p.flag(Options.RESIZE), labels == null ? null : resolve.apply(labels),
                p.integer(Options.TOP, 0, 1));
    }

    /** ./cnnkit classify MODEL INPUT...: the inputs are the arguments after MODEL. */
    static ClassifyParams classify(Parsed p, Function<String, Path> resolve) {
        String out = p.path(Options.CLASSIFY_OUT);
        String labels = p.path(Options.LABELS);
        return new ClassifyParams(p.argsFrom(1).stream().map(resolve).toList(),
                out == null ? null : resolve.apply(out), labels == null ? null : resolve.apply(labels),
                p.integer(Options.TOP, 0, 1), p.text(Options.FEATURES, null), p.flag(Options.RESUME),
                p.integer(Options.CLASSIFY_BATCH, 0, 1), p.integer(Options.THREADS, 0, 1),
                p.number(Options.RESCALE, 1.0, ONE_255), p.flag(Options.BGR), p.flag(Options.GREY),
                p.flag(Options.RESIZE),
                p.has(Options.SPARK) ? p.text(Options.SPARK, null) : null);
    }

    static FilterCommand.FilterParams filter(Parsed p, Function<String, Path> resolve) {
        String out = p.path(Options.OUT_FILE);
        return new FilterCommand.FilterParams(out == null ? null : resolve.apply(out), p.flag(Options.CLIP));
    }

    static BenchCommand.BenchParams bench(Parsed p) {
        BenchCommand.BenchParams d = BenchCommand.BenchParams.DEFAULT;
        return new BenchCommand.BenchParams(p.integer(Options.BATCH, 0, 1), p.integer(Options.THREADS, 0, 1),
                p.integer(Options.RUNS, d.runs(), 1), p.integer(Options.WARMUP, d.warmup(), 0),
                p.number(Options.WARMUP_SECONDS, d.warmupSeconds(), "0.5"),
                p.whole(Options.INPUT_SEED, d.seed(), Long.MIN_VALUE), p.shape(Options.INPUT));
    }
}
