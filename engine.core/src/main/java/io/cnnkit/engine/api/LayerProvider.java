package io.cnnkit.engine.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One service per layer type, registered with {@value #TYPE} (use {@link LayerType} on the
 * DS component). The engine finds layer types only through these services; with several
 * providers of one type it uses the one with the highest {@code service.ranking}.
 */
@ConsumerType
public interface LayerProvider {
    /** Service property naming the layer type, e.g. {@code conv2d}. */
    String TYPE = "cnnkit.layer.type";
    /** Service property listing the Keras class names this provider reads, e.g. {@code Conv2D}. */
    String KERAS_CLASS = "cnnkit.keras.class";

    /** The layer type; equals the {@value #TYPE} service property. */
    String type();

    /** Parameters that the one-line form takes by position, e.g. filters, kernel_size. */
    default List<String> positionalParameters() {
        return List.of();
    }

    /** Every parameter this type accepts (besides type and name); others are errors. */
    Set<String> parameters();

    /** Keras class names (Keras JSON {@code class_name}) this provider builds. */
    default List<String> kerasClasses() {
        return List.of();
    }

    /**
     * Translates one Keras layer config into this type's parameters. The default keeps
     * the config keys this type accepts; providers override it for renamed keys (Keras 1)
     * or for classes that map onto a parameter (ReLU -> activation relu).
     */
    default Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        Set<String> accepted = parameters();
        config.forEach((k, v) -> {
            if (accepted.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Builds a layer for one input shape (open dimensions allowed). Checks every parameter
     * and fails with {@link LayerSpec#error} / {@link LayerSpec#paramError}; a layer
     * whose output would be empty is an error naming input size, kernel, stride and padding.
     * Weights start from the layer's initializers using {@link BuildContext#random()}.
     */
    Layer create(LayerSpec spec, Shape inputShape, BuildContext context);
}
