package io.cnnkit.io.api;

import java.nio.file.Path;
import java.util.Optional;

import io.cnnkit.engine.api.Model;
import io.cnnkit.io.h5.WeightFile;
import io.cnnkit.io.h5.WeightLoader;
import io.cnnkit.io.h5.WeightWriter;

/**
 * Keras HDF5 weight files: save as {@code model.save_weights('x.h5')} does, load by name or order.
 * Reads every layout Keras has written: Keras 1 ({@code <layer>_W}, {@code <layer>_b}), Keras 2
 * weights-only and full-model files ({@code /model_weights}), Keras 3 legacy {@code .h5} (names
 * without {@code :0}) and Keras 3 {@code .weights.h5} ({@code layers/<path>/vars/<i>}). Datasets
 * are found through each layer group's {@code weight_names} attribute. Every failure is a
 * {@link CnnIoException} whose message names the file (and layer, weight, shapes where relevant).
 */
public final class KerasWeights {
    private KerasWeights() {
    }

    /**
     * Saves every layer's weights in the Keras 2 layout (Keras 2.13.1, backend tensorflow):
     * root attribute {@code layer_names} listing every layer, weightless ones included; per
     * layer a group with {@code weight_names} ({@code conv_1/kernel:0}, ...) and the datasets at
     * {@code conv_1/conv_1/kernel:0}. Atomic: a temporary file in the same folder is written,
     * synced and renamed over {@code file}; on failure it is deleted and {@code file} is unchanged.
     */
    public static void save(Model model, Path file) {
        WeightWriter.save(model, file);
    }

    /**
     * Loads weights into {@code model} with Keras's {@code load_weights} semantics.
     * <ul>
     * <li>By name: a model layer absent from the file is left alone ({@code ABSENT}); file layers
     * the model lacks are ignored; a weight count or shape mismatch is an error naming file,
     * layer, weight and both shapes, or with {@code skipMismatch} the whole layer is left alone
     * ({@code SKIPPED_MISMATCH}, shapes in the detail).</li>
     * <li>By order: the file's layers with weights, in {@code layer_names} order, go to the
     * model's layers with weights in order; the counts must be equal. Not for Keras 3
     * {@code .weights.h5} (stored by attribute path), and without {@code skipMismatch} (as Keras).</li>
     * </ul>
     * Within a layer, stored weights map to the model's by the last path segment without
     * {@code :0} (Keras 1: {@code W}, {@code b}, {@code running_mean}, {@code running_std} become
     * kernel, bias, moving_mean, moving_variance); when those names do not match the model's,
     * weights are matched in order (Keras's own rule) and the report says so. Every dtype
     * (float32, or float64 converted) and declared shape is checked before any data is read; the
     * weights are then set with one {@link Model#setWeights(java.util.Map)} call, so a failure
     * changes nothing.
     */
    public static LoadReport load(Model model, Path file, LoadOptions options) {
        return WeightLoader.load(model, file, options);
    }

    /** Lists a file's layers (file order, weightless ones included), stored weight names and shapes. */
    public static WeightFileInfo inspect(Path file) {
        try (WeightFile wf = WeightFile.open(file)) {
            return wf.info();
        }
    }

    /** The architecture JSON of a full-model .h5 (root attribute model_config), if present. */
    public static Optional<String> modelConfig(Path file) {
        return Optional.ofNullable(WeightFile.readModelConfig(file));
    }
}
