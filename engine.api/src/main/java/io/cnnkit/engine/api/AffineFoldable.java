package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A weighted layer (conv2d, depthwise, separable, dense) that can give a new layer computing its
 * own output followed by a per-channel affine map on the output's last axis, with the map folded
 * into copies of its weights (kernel times scale per output channel; bias times scale plus shift).
 *
 * @since 1.5
 */
@ConsumerType
public interface AffineFoldable extends Layer {
    /**
     * A new layer equal to this one followed by {@code affine}, or null when this layer cannot
     * fold it (its own activation is not linear, or the channel counts differ). This layer and its
     * weights are left unchanged.
     */
    Layer foldAffine(ChannelAffine affine);
}
