package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.io.api.LoadOptions;

/**
 * The logic behind the {@code cnn:*} Gogo commands and the {@code ./cnnkit} CLI, usable
 * without OSGi: one entry point over the named models ({@link ModelRegistry}, filled by
 * {@link LoadCommand}) and the commands, each in its own class ({@link RunCommand},
 * {@link BenchCommand}, {@link WeightsCommands}, {@link FilterCommand}, {@link Demo}).
 */
public final class CnnCommands implements AutoCloseable {
    private final Engine engine;
    private final PrintStream progress;
    private final ModelRegistry models = new ModelRegistry();
    private final LoadCommand loader;
    private final RunCommand runner;
    private final ClassifyCommand classifier;
    private final BenchCommand bencher;
    private final WeightsCommands weights;
    private final FilterCommand filters;

    /**
     * @param engine   the engine whose layer services build the models
     * @param progress where long commands (demo) report progress; results are returned, not printed
     */
    public CnnCommands(Engine engine, PrintStream progress) {
        this.engine = engine;
        this.progress = progress;
        this.loader = new LoadCommand(engine, models, progress);
        this.runner = new RunCommand(models);
        this.classifier = new ClassifyCommand(models);
        this.bencher = new BenchCommand(engine, models, progress);
        this.weights = new WeightsCommands(models, progress);
        this.filters = new FilterCommand(engine);
    }

    /** Layer types and activations present, with the bundle (or class) providing each. */
    public Results.Types types() {
        List<Results.Provider> rows = new ArrayList<>();
        Map<String, String> providers = engine.providers();
        for (String t : engine.layerTypes()) {
            rows.add(new Results.Provider("layer", t, providers.getOrDefault("layer " + t, "?")));
        }
        for (String a : engine.activations()) {
            rows.add(new Results.Provider("activation", a, providers.getOrDefault("activation " + a, "?")));
        }
        return new Results.Types(rows);
    }

    /** See {@link LoadCommand#load}. */
    public Results.Loaded load(String name, String model, Path weightsFile, LoadOptions options, Long seed) {
        return loader.load(name, model, weightsFile, options, seed);
    }

    /** The model loaded under {@code name}; an error lists the loaded names. */
    public Model model(String name) {
        return models.get(name);
    }

    public Results.Models models() {
        return models.list();
    }

    /** Removes a loaded model. */
    public boolean unload(String name) {
        return models.unload(name);
    }

    public Results.SummaryText summary(String name) {
        return new Results.SummaryText(models.get(name).summary());
    }

    /** See {@link RunCommand#run}. */
    public Results.Run run(String name, Path image, RunCommand.RunParams params) {
        return runner.run(name, image, params);
    }

    /**
     * See {@link ClassifyCommand#classify}: progress goes to {@code progress}, redrawn in place
     * when {@code terminal}.
     */
    Results.Classified classify(String name, ClassifyParams params, PrintStream progress, boolean terminal,
            ClassifyRunner runner, ClassifyRunner.ModelRequest source) {
        return classifier.classify(name, params, progress, terminal, runner, source);
    }

    /** See {@link BenchCommand#bench}. */
    public Results.BenchRun bench(String model, BenchCommand.BenchParams params) {
        return bencher.bench(model, params);
    }

    public Results.Saved weightsSave(String name, Path file) {
        return weights.save(name, file);
    }

    public Results.WeightsLoaded weightsLoad(String name, Path file, LoadOptions options) {
        return weights.load(name, file, options);
    }

    public Results.WeightFile weightsShow(Path file) {
        return weights.show(file);
    }

    /** See {@link FilterCommand#filter(Path, String, FilterCommand.FilterParams)}. */
    public Results.Filtered filter(Path image, String kernel, FilterCommand.FilterParams params) {
        return filters.filter(image, kernel, params);
    }

    public Results.DemoRun demo(Path image, Path out) {
        return new Demo(engine, filters, progress).run(image, out != null ? out : Path.of("out", "demo"));
    }

    /** Closes every loaded model. */
    @Override
    public void close() {
        models.close();
    }
}
