package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;

/**
 * cnn:weights save, load and show: a loaded model's weights to and from Keras .h5 files;
 * {@code progress} gets a warning per layer a load skipped.
 */
record WeightsCommands(ModelRegistry models, PrintStream progress) {

    Results.Saved save(String name, Path file) {
        Model m = models.get(name);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CommandException("folder " + parent + " does not exist", "create it first or pick another path");
        }
        KerasWeights.save(m, file);
        int weighted = 0;
        for (LayerInfo li : m.layers()) {
            if (!li.weightShapes().isEmpty()) {
                weighted++;
            }
        }
        return new Results.Saved(name, file, weighted, parameters(m));
    }

    Results.WeightsLoaded load(String name, Path file, LoadOptions options) {
        Model m = models.get(name);
        FileArgs.requireFile(file, "weights file");
        LoadReport r = KerasWeights.load(m, file, options);
        warnSkipped(progress, r);
        return new Results.WeightsLoaded(name, r);
    }

    Results.WeightFile show(Path file) {
        FileArgs.requireFile(file, "weights file");
        return new Results.WeightFile(KerasWeights.inspect(file));
    }

    /** As Keras with skip_mismatch: a warning per skipped layer, also when only the last result is printed. */
    static void warnSkipped(PrintStream progress, LoadReport r) {
        for (LoadReport.Entry e : r.entries()) {
            if (e.status() == LoadReport.Status.SKIPPED_MISMATCH) {
                progress.println("warning: layer " + e.layer() + " skipped: " + e.detail());
            }
        }
    }

    /** The model's parameter count, over all layers. */
    static long parameters(Model m) {
        long n = 0;
        for (LayerInfo li : m.layers()) {
            n += li.parameters();
        }
        return n;
    }
}
