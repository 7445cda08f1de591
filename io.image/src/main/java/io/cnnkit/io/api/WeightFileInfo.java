package io.cnnkit.io.api;

import java.util.List;

/**
 * The weights a Keras HDF5 file holds, as {@code ./cnnkit weights show} prints them.
 *
 * @param file        the file
 * @param format      "keras1 weights", "keras1 full model", "keras2 weights", "keras2 full model",
 *                    "keras3 full model" (legacy .h5 written by Keras 3) or "keras3 .weights.h5"
 * @param kerasVersion the keras_version attribute, or null
 * @param layers      layers in file order
 */
public record WeightFileInfo(String file, String format, String kerasVersion, List<LayerWeights> layers) {
    /** One layer's weights: names as stored (as in weight_names, or vars/0 ... for Keras 3) and shapes. */
    public record LayerWeights(String layer, List<String> weightNames, List<int[]> shapes) {
    }
}
