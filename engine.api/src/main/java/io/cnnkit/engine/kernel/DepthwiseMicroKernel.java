package io.cnnkit.engine.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One output pixel of a depthwise convolution in channels-last layout: every tap reads a
 * contiguous run of channels from the input and the same run from the kernel.
 */
@ConsumerType
public interface DepthwiseMicroKernel {
    /**
     * For i in [0, n): {@code y[yOff + i] = sum over t = 0..taps-1 of x[xOff[t] + i] * w[wOff[t] + i]},
     * summed in tap order from +0, then {@code + bias[biasOff + i]} when {@code bias} is not null.
     * Writes every one of the n outputs.
     */
    void pixel(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] bias, int biasOff, float[] y,
            int yOff, int n);

    /**
     * Since 1.2: a run of output pixels j in [0, pixels) of one output row, all c channels
     * (depth multiplier 1), whose kernel columns all lie inside the input: for each channel ch,
     * {@code y[yOff + j*c + ch]} is the sum over r in [0, rows), then kx in [0, kw), of
     * {@code x[xRow[r] + (j*sw + kx)*c + ch] * w[wRow[r] + kx*c + ch]}, in that order from +0
     * (the pixel's chain, as {@link #pixel}), then {@code + bias[biasOff + ch]} when {@code bias}
     * is not null, then {@code Math.min(Math.max(v, lo), hi)} (a fused relu or relu6; -infinity
     * and +infinity leave v as it is). xRow holds, per kernel row inside the input, the index of
     * the run's first input pixel in that row, and wRow the index of that kernel row's weights
     * (kw x c). The default computes each pixel with {@link #pixel}.
     */
    default void row(float[] x, int[] xRow, int rows, int kw, int sw, float[] w, int[] wRow, float[] bias,
            int biasOff, float[] y, int yOff, int pixels, int c, float lo, float hi) {
        int taps = rows * kw;
        // per-thread offsets: the first and last rows of a layer come here at every run
        int[] xOff = TapScratch.x(taps);
        int[] wOff = TapScratch.w(taps);
        boolean clamp = lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
        for (int j = 0; j < pixels; j++) {
            for (int r = 0, t = 0; r < rows; r++) {
                for (int kx = 0; kx < kw; kx++, t++) {
                    xOff[t] = xRow[r] + (j * sw + kx) * c;
                    wOff[t] = wRow[r] + kx * c;
                }
            }
            int yb = yOff + j * c;
            pixel(x, xOff, w, wOff, taps, bias, biasOff, y, yb, c);
            for (int i = yb; clamp && i < yb + c; i++) {
                y[i] = Math.min(Math.max(y[i], lo), hi);
            }
        }
    }
}
