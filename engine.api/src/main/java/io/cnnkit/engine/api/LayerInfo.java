package io.cnnkit.engine.api;

import java.util.List;
import java.util.Map;

/**
 * What a model knows of one of its layers without touching the layer's classes: the data
 * weight loaders check files against before reading them.
 *
 * @param name          layer name
 * @param type          layer type
 * @param outputShape   output shape for the model's input shape
 * @param weightShapes  weight name -> shape, in Keras order
 * @param nonTrainable  weights that training would not change
 * @param parameters    parameter count
 * @param inputs        the nodes the layer reads, resolved (the previous layer or the model input by name)
 */
public record LayerInfo(String name, String type, Shape outputShape, Map<String, int[]> weightShapes,
        List<String> nonTrainable, long parameters, List<String> inputs) {
    public LayerInfo {
        inputs = List.copyOf(inputs);
    }

    /** A layer whose inputs are not recorded. */
    public LayerInfo(String name, String type, Shape outputShape, Map<String, int[]> weightShapes,
            List<String> nonTrainable, long parameters) {
        this(name, type, outputShape, weightShapes, nonTrainable, parameters, List.of());
    }
}
