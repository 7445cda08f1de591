package io.cnnkit.activations.relu;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.kernel.ClampActivation;

/**
 * Keras {@code relu} with the ReLU layer's options max_value (default none), negative_slope
 * (0) and threshold (0), computed as keras.backend.relu does: x when x &gt; threshold (clipped
 * to max_value), else negative_slope * (x - threshold). Like Keras, x exactly at a non-zero
 * threshold gives 0, and a threshold above max_value gives max_value only for x &gt; threshold.
 * Without negative_slope and threshold it is a clamp to [0, max_value], which conv2d applies in
 * its GEMM micro-kernel ({@link ClampActivation}).
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "relu")
public final class Relu implements Activation, ClampActivation {
    private final Double maxValue;
    private final double negativeSlope;
    private final double threshold;

    public Relu() {
        this(null, 0, 0);
    }

    private Relu(Double maxValue, double negativeSlope, double threshold) {
        this.maxValue = maxValue;
        this.negativeSlope = negativeSlope;
        this.threshold = threshold;
    }

    @Override
    public float apply(float x) {
        double y = x <= threshold ? 0 : x; // NaN passes through
        if (maxValue != null) {
            y = Math.min(y, maxValue); // y >= 0 already: the lower clip bound 0 never acts
        }
        if (negativeSlope != 0) {
            y -= negativeSlope * Math.max(threshold - x, 0);
        }
        return (float) y;
    }

    /**
     * Bulk form: the plain relu (no options) as one tight loop the JIT vectorises, instead of a
     * call per element; the same values as {@link #apply(float)}.
     */
    @Override
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
        if (maxValue != null || negativeSlope != 0 || threshold != 0) {
            Activation.super.apply(src, srcOff, dst, dstOff, length, lastAxis);
            return;
        }
        if (src == dst && srcOff == dstOff) {
            // in place (a fused activation): one index for the array, which C2 (JDK 17) vectorises;
            // with two offsets it must assume they overlap and goes one element at a time
            for (int i = srcOff, end = srcOff + length; i < end; i++) {
                dst[i] = Math.max(dst[i], 0f);
            }
            return;
        }
        for (int i = 0; i < length; i++) {
            float v = src[srcOff + i];
            // = (v <= 0 ? 0 : v): NaN passes, -0 becomes +0; branch-free (signs are random)
            dst[dstOff + i] = Math.max(v, 0f);
        }
    }

    /**
     * [0, max_value] (max_value as a float: the same values as {@link #apply(float)}, which
     * clips in double and rounds once) when there is no negative_slope or threshold.
     */
    @Override
    public Bounds clamp() {
        if (negativeSlope != 0 || threshold != 0) {
            return null;
        }
        return new Bounds(0f, maxValue == null ? Float.POSITIVE_INFINITY : (float) (double) maxValue);
    }

    @Override
    public Set<String> options() {
        return Set.of("max_value", "negative_slope", "threshold");
    }

    @Override
    public Activation configure(LayerSpec spec) {
        Double max = spec.getNullableDouble("max_value");
        double slope = spec.getDouble("negative_slope", 0);
        double thr = spec.getDouble("threshold", 0);
        // the Keras ReLU layer refuses negative values the same way
        if (max != null && !(max >= 0)) {
            throw spec.paramError("max_value", "must be >= 0 or null (no bound), got " + max);
        }
        if (!(slope >= 0)) {
            throw spec.paramError("negative_slope", "must be >= 0, got " + slope);
        }
        if (!(thr >= 0)) {
            throw spec.paramError("threshold", "must be >= 0, got " + thr);
        }
        return max == null && slope == 0 && thr == 0 ? this : new Relu(max, slope, thr);
    }
}
