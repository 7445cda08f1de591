package io.cnnkit.engine.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by an {@link io.cnnkit.engine.api.Activation} that may be a clamp, so that a GEMM
 * driver applies it in the micro-kernel's final store ({@link GemmMicroKernel#tileRows}'s lo and
 * hi) instead of in a pass over the outputs: relu (without negative_slope and threshold) and
 * relu6.
 *
 * @since 1.1
 */
@ConsumerType
public interface ClampActivation {
    /**
     * The bounds when this function is {@code Math.min(Math.max(x, lower), upper)} for every float
     * x (NaN stays NaN, -0 becomes +0 when lower is +0), else null (e.g. a relu with a
     * negative_slope).
     */
    Bounds clamp();

    /** A clamp's bounds; upper may be +infinity (plain relu). */
    record Bounds(float lower, float upper) {
    }

    /** The bounds of {@code activation} when it is a clamp, else null (also for null). */
    static Bounds of(Object activation) {
        return activation instanceof ClampActivation c ? c.clamp() : null;
    }
}
