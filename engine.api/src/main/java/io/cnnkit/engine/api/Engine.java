package io.cnnkit.engine.api;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Builds and runs models from the layer and activation services present. In OSGi it is
 * a DS service; outside OSGi create one with {@code io.cnnkit.engine.Engines}.
 */
@ProviderType
public interface Engine {
    /**
     * Parses a model description: cnnkit JSON ({@code {"layers": [...]}}), a Keras
     * {@code model.to_json()} ({@code {"class_name": ...}}) or the one-line form
     * ({@code conv2d(3, 3, name=conv_1) | max_pooling2d(3) | relu}).
     */
    ModelDescription parse(String text);

    /** Builds a model against the services present now (errors name layer, parameter, reason). */
    Model build(ModelDescription description);

    /** Layer types present, sorted. */
    List<String> layerTypes();

    /** Activation functions present, sorted. */
    List<String> activations();

    /** Who provides each layer type and activation now (e.g. bundle symbolic name and version). */
    Map<String, String> providers();

    /** The models this engine keeps up to date. */
    List<Model> models();

    /** The default number of threads a run uses. */
    int parallelism();
}
