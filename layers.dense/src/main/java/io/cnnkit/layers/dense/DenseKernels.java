package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * y = x . kernel + bias for a (rows, in) by (in, units) product. Both kernels add the
 * products of one output in the same order (input index 0, 1, ..., then the bias) in float,
 * so they agree bit for bit, whatever the tiling or thread count.
 */
final class DenseKernels {
    /** Units per tile: a block of accumulators that stays in L1 while one input row streams by. */
    static final int UNIT_BLOCK = 64;

    private DenseKernels() {
    }

    /** Reference: one output at a time, the definition. bias may be null. */
    static void naive(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias, int bOff,
            int units, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < units; u++) {
                float acc = 0f;
                for (int i = 0; i < in; i++) {
                    acc += x[xOff + r * in + i] * kernel[kOff + i * units + u];
                }
                if (bias != null) {
                    acc += bias[bOff + u];
                }
                y[yOff + r * units + u] = acc;
            }
        }
    }

    /**
     * Tiled: items are (row, block of {@link #UNIT_BLOCK} units), run with
     * {@link ExecutionContext#parallelFor}. Within a tile the kernel rows are read
     * contiguously (Keras's (in, units) layout) while each output keeps its own accumulator.
     */
    static void tiled(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias, int bOff,
            int units, float[] y, int yOff, ExecutionContext context) {
        int blocks = (units + UNIT_BLOCK - 1) / UNIT_BLOCK;
        if (rows == 0 || blocks == 0) {
            return;
        }
        context.parallelFor(rows * blocks, 2L * in * Math.min(units, UNIT_BLOCK), (from, to) -> {
            float[] acc = new float[UNIT_BLOCK];
            for (int item = from; item < to; item++) {
                int r = item / blocks;
                int u0 = (item % blocks) * UNIT_BLOCK;
                int width = Math.min(UNIT_BLOCK, units - u0);
                java.util.Arrays.fill(acc, 0, width, 0f);
                int xr = xOff + r * in;
                for (int i = 0; i < in; i++) {
                    float xi = x[xr + i];
                    int kr = kOff + i * units + u0;
                    for (int j = 0; j < width; j++) {
                        acc[j] += xi * kernel[kr + j];
                    }
                }
                int yr = yOff + r * units + u0;
                for (int j = 0; j < width; j++) {
                    y[yr + j] = bias == null ? acc[j] : acc[j] + bias[bOff + u0 + j];
                }
            }
        });
    }
}
