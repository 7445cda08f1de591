package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;

/**
 * cnn:load: builds a model from a MODEL argument, with its weights, into the registry;
 * {@code progress} gets a warning per layer the weights skipped.
 */
record LoadCommand(Engine engine, ModelRegistry models, PrintStream progress) {

    /**
     * Builds a model under {@code name} (replacing one of that name). Weights come from
     * {@code weights} when given, else from a full-model .h5 MODEL, else the initializers
     * (seeded with {@code seed} when not null).
     */
    Results.Loaded load(String name, String model, Path weights, LoadOptions options, Long seed) {
        checkName(name);
        ModelSource src = ModelSource.read(engine, model);
        StartTimes.step("model read");
        ModelDescription d = src.description().withName(name);
        if (seed != null) {
            d = d.withSeed(seed);
        }
        Path wfile = weights != null ? weights : src.weights();
        if (wfile != null && !Files.isRegularFile(wfile)) {
            throw new CommandException("no such weights file: " + wfile, "check the path given to --weights");
        }
        Model m;
        try {
            m = engine.build(d);
        } catch (ModelException e) {
            throw src.error(e);
        }
        StartTimes.step("built");
        LoadReport report = null;
        try {
            if (wfile != null) {
                report = KerasWeights.load(m, wfile, options == null ? LoadOptions.BY_ORDER : options);
                StartTimes.step("weights read");
                WeightsCommands.warnSkipped(progress, report);
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        models.put(name, m);
        return new Results.Loaded(name, src.origin(), m.inputShape(), m.layers().size(),
                WeightsCommands.parameters(m), report, m.outputNames(), m.warnings());
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new CommandException("invalid model name '" + name + "'",
                    "use letters, digits, '_', '.', '-' (e.g. cnn:load m1 model.json)");
        }
    }
}
