package io.cnnkit.activations.softmax;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.api.LayerSpec;

/**
 * Keras {@code softmax} over the last axis: e<sup>x<sub>i</sub> - max</sup> / Σ e<sup>x<sub>j</sub> - max</sup>
 * per row. Subtracting the row maximum keeps every exponent &le; 0, so no magnitude overflows.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "softmax")
public final class Softmax implements Activation {
    @Override
    public float apply(float x) {
        throw new UnsupportedOperationException("softmax normalises whole rows of the last axis and has no "
                + "value for a single element; use apply(src, srcOff, dst, dstOff, length, lastAxis)");
    }

    @Override
    public boolean elementWise() {
        return false;
    }

    @Override
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
        if (length == 0) {
            return; // an empty tensor, whatever its last axis
        }
        if (lastAxis <= 0 || length % lastAxis != 0) {
            throw new IllegalArgumentException("softmax needs whole rows: " + length
                    + " elements are not a multiple of the last axis " + lastAxis);
        }
        for (int row = 0; row < length; row += lastAxis) {
            int s = srcOff + row;
            int d = dstOff + row;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < lastAxis; i++) {
                max = Math.max(max, src[s + i]);
            }
            double sum = 0;
            for (int i = 0; i < lastAxis; i++) {
                double e = Math.exp((double) src[s + i] - max);
                dst[d + i] = (float) e; // in place, src[s + i] is not read again
                sum += e;
            }
            double inv = 1 / sum;
            for (int i = 0; i < lastAxis; i++) {
                dst[d + i] = (float) (dst[d + i] * inv);
            }
        }
    }

    @Override
    public Set<String> options() {
        return Set.of("axis");
    }

    @Override
    public Activation configure(LayerSpec spec) {
        int axis = spec.getInt("axis", -1);
        if (axis != -1) {
            throw spec.paramError("axis", "must be -1: softmax here normalises over the last axis only, got "
                    + axis + "; move that axis last (permute/reshape) before the softmax");
        }
        return this;
    }
}
