package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A layer that is, at inference, a per-channel affine map on its last axis (BatchNormalization
 * with its moving statistics: scale = gamma / sqrt(moving_variance + epsilon), shift = beta -
 * moving_mean * scale). The engine folds it into the weights of the layer before it when that
 * layer is {@link AffineFoldable} (see README "Optimised plans"); {@code trace} still runs it.
 *
 * @since 1.5
 */
@ConsumerType
public interface ChannelAffineLayer extends Layer {
    /**
     * The map as of this layer's current weights, or null when this layer is not one on the last
     * axis (e.g. BatchNormalization over another axis).
     */
    ChannelAffine channelAffine();
}
