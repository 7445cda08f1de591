package io.cnnkit.io.api;

import java.nio.file.Path;
import java.util.Optional;

import io.cnnkit.engine.api.Model;
import io.cnnkit.io.h5.WeightFile;
import io.cnnkit.io.h5.WeightLoader;
import io.cnnkit.io.h5.WeightWriter;

/** Keras HDF5 weight files: save as {@code model.save_weights('x.h5')} does, load by name or order. */
public final class KerasWeights {
    private KerasWeights() {
    }

    /** Saves every layer's weights in the Keras 2 layout, atomically (temp file, then rename). */
    public static void save(Model model, Path file) {
        WeightWriter.save(model, file);
    }

    /**
     * Loads weights into {@code model} (Keras 2 weights, full-model .h5, Keras 1, Keras 3
     * .weights.h5). Shapes are checked before any data is read.
     */
    public static LoadReport load(Model model, Path file, LoadOptions options) {
        return WeightLoader.load(model, file, options);
    }

    /** Lists a file's layers, weight names and shapes. */
    public static WeightFileInfo inspect(Path file) {
        try (WeightFile wf = WeightFile.open(file)) {
            return wf.info();
        }
    }

    /** The architecture JSON of a full-model .h5 (root attribute model_config), if present. */
    public static Optional<String> modelConfig(Path file) {
        try (WeightFile wf = WeightFile.open(file)) {
            return Optional.ofNullable(wf.modelConfig());
        }
    }
}
