package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A merge layer that may be the sum of a residual connection: Keras Add of two tensors of one
 * shape, then an element-wise activation or none. The engine may move the sum into the kernel of
 * the {@link ResidualFusable} layer that computes one of its inputs, when nothing else reads
 * that layer's output (the Add then costs no pass of its own).
 *
 * @since 1.8
 */
@ConsumerType
public interface ResidualSum extends MultiInputLayer {
    /**
     * Whether this layer, as built, computes {@code input0 + input1} element by element (one
     * rounding each), both inputs of its output's shape, all of whose dimensions are known, then
     * {@link #sumActivation()}: not when it broadcasts, has another input count or open shapes.
     */
    boolean isResidualSum();

    /** The element-wise activation after the sum, or null (linear). */
    Activation sumActivation();
}
