package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A layer that can give a new layer computing its own output plus a second input of that
 * output's shape (a residual connection), then an element-wise activation, the sum taken in its
 * kernel while the output is in cache (conv2d with a linear activation). See {@link ResidualSum}.
 *
 * @since 1.8
 */
@ConsumerType
public interface ResidualFusable extends Layer {
    /**
     * A new two-input layer, its inputs this layer's input and a tensor of this layer's output
     * shape, computing {@code this(input) + residual} element by element (one rounding each; the
     * same bits as the sum in either order), then {@code activation} (element-wise; null for
     * none), or null when this layer cannot take it (it has an activation of its own). This
     * layer is left unchanged.
     */
    MultiInputLayer fuseResidual(Activation activation);
}
