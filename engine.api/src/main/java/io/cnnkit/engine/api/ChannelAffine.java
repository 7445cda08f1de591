package io.cnnkit.engine.api;

import java.util.Arrays;

/**
 * A per-channel affine map on the last axis, {@code y[..., c] = x[..., c] * scale[c] + shift[c]}:
 * what an inference-time BatchNormalization is, and what a weighted layer can fold into its own
 * weights (see {@link ChannelAffineLayer}, {@link AffineFoldable}). The arrays are the caller's:
 * the record copies them in, and readers must not change what {@link #scale()} and
 * {@link #shift()} return.
 *
 * @param scale the factor per channel
 * @param shift the offset per channel (same length)
 * @since 1.5
 */
public record ChannelAffine(float[] scale, float[] shift) {
    public ChannelAffine {
        if (scale.length != shift.length) {
            throw new IllegalArgumentException("scale has " + scale.length + " channels but shift has " + shift.length);
        }
        scale = scale.clone();
        shift = shift.clone();
    }

    /** Number of channels. */
    public int channels() {
        return scale.length;
    }

    /**
     * A new kernel: a copy of {@code kernel} whose element {@code i} (flat, row-major) is multiplied
     * by {@code scale[i % channels]}, i.e. the output channel is the flattened trailing axes: the
     * last axis of a conv2d (kh, kw, in, filters) or dense (in, units) kernel, the last two of a
     * depthwise kernel (kh, kw, C, M) whose output channel is {@code c * M + m}.
     *
     * @throws IllegalArgumentException when the kernel's size is not a multiple of the channels
     */
    public Tensor scaleKernel(Tensor kernel) {
        int n = kernel.size();
        int c = scale.length;
        if (c == 0 || n % c != 0) {
            throw new IllegalArgumentException("a kernel " + kernel.shapeString() + " does not end in " + c
                    + " output channels");
        }
        Tensor out = kernel.copy();
        float[] d = out.data();
        int off = out.offset();
        for (int i = 0; i < n; i++) {
            d[off + i] *= scale[i % c];
        }
        return out;
    }

    /**
     * A new bias {@code bias * scale + shift} per channel (rounded once), or {@code shift} when
     * {@code bias} is null (a layer without bias gains one).
     */
    public Tensor foldBias(Tensor bias) {
        int c = scale.length;
        if (bias != null && bias.size() != c) {
            throw new IllegalArgumentException("a bias " + bias.shapeString() + " for " + c + " channels");
        }
        Tensor out = Tensor.zeros(c);
        for (int i = 0; i < c; i++) {
            double b = bias == null ? 0 : bias.data()[bias.offset() + i];
            out.data()[i] = (float) (b * scale[i] + shift[i]);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelAffine a && Arrays.equals(scale, a.scale) && Arrays.equals(shift, a.shift);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scale) + Arrays.hashCode(shift);
    }

    @Override
    public String toString() {
        return "ChannelAffine[" + scale.length + " channels]";
    }
}
