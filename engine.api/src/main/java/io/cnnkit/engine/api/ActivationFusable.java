package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A layer that can give a new layer computing its own output followed by an element-wise
 * activation, applied in its kernel (conv2d family and dense with a linear activation; add and
 * the other element-wise merges).
 *
 * @since 1.5
 */
@ConsumerType
public interface ActivationFusable extends Layer {
    /**
     * A new layer equal to this one followed by {@code activation} (element-wise), or null when
     * this layer cannot take it (it already has a non-linear activation). This layer is left
     * unchanged.
     */
    Layer fuseActivation(Activation activation);
}
