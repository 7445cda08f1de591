package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;

/**
 * The walkthrough's models that ./cnnkit demo builds the same way: a classic kernel as a conv2d
 * (as ./cnnkit filter does: one filter per channel, padding same, no bias, the kernel's numbers
 * from {@link Initializers#kernel}), and the seed model truncated after N layers with the full
 * model's saved weights loaded into it by name.
 */
final class Walkthrough {
    /** The demo's three kernels, in its order. */
    static final List<String> KERNELS = io.cnnkit.engine.api.Walkthrough.DEMO_KERNELS;

    private Walkthrough() {
    }

    /** A model that filters an RGB image of any size with the named kernel. */
    static Model kernel(Engine engine, String kernel, String name) {
        if (Initializers.kernel(kernel) == null) {
            String near = DidYouMean.closest(kernel, Initializers.kernelNames());
            throw HttpError.notFound("no kernel '" + Uploads.printable(kernel) + "'"
                    + (near == null ? "" : "; did you mean '" + near + "'?"),
                    "kernels: " + String.join(", ", Initializers.kernelNames()));
        }
        ModelDescription d = io.cnnkit.engine.api.Walkthrough.kernelModel(name, kernel,
                Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3));
        return ModelLoader.build(engine, d, name, "the kernel " + kernel);
    }

    /**
     * The seed model cut after its first {@code layers} layers, named {@code name}: the full
     * model's initial weights are saved to an .h5 in {@code dir} and loaded by name, as the demo
     * does. Returns the model and how many weights were loaded.
     */
    static Truncated truncated(Engine engine, String activation, int layers, String name, Path dir) {
        ModelDescription seed = ModelLoader.seed(activation);
        int all = seed.layers().size();
        if (layers < 1 || layers > all) {
            throw HttpError.badRequest("the seed model has layers 1.." + all + ", not " + layers,
                    "give layers=N with N from 1 to " + all);
        }
        Path file = dir.resolve("seed-weights-" + System.nanoTime() + ".h5");
        try {
            try (Model full = ModelLoader.build(engine, seed, "walkthrough_full", "the seed model")) {
                KerasWeights.save(full, file);
            }
            Model m = ModelLoader.build(engine, seed.prefix(layers), name, "the truncated seed model");
            try {
                LoadReport r = KerasWeights.load(m, file, LoadOptions.BY_NAME);
                return new Truncated(m, seed.layers().get(layers - 1).name(), r.count(LoadReport.Status.LOADED));
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the session's folder goes when the session ends
            }
        }
    }

    record Truncated(Model model, String lastLayer, long loaded) {
    }
}
