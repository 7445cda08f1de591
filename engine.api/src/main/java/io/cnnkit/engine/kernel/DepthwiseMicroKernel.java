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
}
