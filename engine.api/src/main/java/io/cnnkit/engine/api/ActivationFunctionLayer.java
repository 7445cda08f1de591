package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A layer that applies one element-wise activation function to each value (Keras's Activation
 * layer, ReLU, LeakyReLU, ...). The engine moves it into the kernel of the layer before it when
 * that layer is {@link ActivationFusable}; {@code trace} still runs it.
 *
 * @since 1.5
 */
@ConsumerType
public interface ActivationFunctionLayer extends Layer {
    /**
     * The function, or null when this layer is not one element-wise function of each value
     * (softmax, or a function over other axes).
     */
    Activation function();
}
