package io.cnnkit.engine.api;

import java.util.Random;

import org.osgi.annotation.versioning.ProviderType;

/** What the engine offers a {@link LayerProvider} while it builds one layer. */
@ProviderType
public interface BuildContext {
    /**
     * The activation function a parameter names: a Keras name ({@code "relu"}), or a Keras
     * serialized object ({@code {"class_name": "ReLU", "config": {...}}}); null (no
     * activation) gives the identity without depending on any service. Unknown names are errors listing those present.
     * The model then depends on that activation service (hot swap).
     *
     * @param spec  the layer being built, for messages and options
     * @param value the parameter value
     */
    Activation activation(LayerSpec spec, Object value);

    /** A random source for this layer's initializers, seeded from the model seed and the layer name. */
    Random random();

    /** The model's name, for messages. */
    String modelName();
}
