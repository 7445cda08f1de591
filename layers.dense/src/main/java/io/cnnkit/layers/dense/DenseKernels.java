package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * y = x . kernel + bias for a (rows, in) by (in, units) product. Both kernels add the
 * products of one output in the same order (input index 0, 1, ..., then the bias) in float,
 * so they agree bit for bit, whatever the tiling or thread count.
 */
final class DenseKernels {
    /** Units per work item: the item's kernel panel (in x 64) stays in L2 across its rows. */
    static final int UNIT_BLOCK = 64;
    /** Rows (batch samples) per work item: each kernel value loaded is used for this many rows. */
    static final int ROW_BLOCK = 4;

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
     * Register-blocked GEMM: items are (block of {@link #ROW_BLOCK} rows, block of
     * {@link #UNIT_BLOCK} units), run with {@link ExecutionContext#parallelFor}. Within an item,
     * 4 rows x 4 units of accumulators live in locals while the kernel's rows stream by (each
     * kernel value is used for 4 rows, each input value for 4 units), then 4 x 1 for the last
     * units. Each output still adds its products in input order, then the bias: exact.
     */
    static void tiled(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias, int bOff,
            int units, float[] y, int yOff, ExecutionContext context) {
        int unitBlocks = (units + UNIT_BLOCK - 1) / UNIT_BLOCK;
        int rowBlocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        if (rows == 0 || unitBlocks == 0) {
            return;
        }
        long cost = 2L * in * Math.min(units, UNIT_BLOCK) * Math.min(rows, ROW_BLOCK);
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        context.parallelFor(rowBlocks * unitBlocks, cost, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                int[] xr = new int[ROW_BLOCK];
                int[] yr = new int[ROW_BLOCK];
                for (int item = from; item < to; item++) {
                    int r0 = (item / unitBlocks) * ROW_BLOCK;
                    int u0 = (item % unitBlocks) * UNIT_BLOCK;
                    int n = Math.min(ROW_BLOCK, rows - r0);
                    int uEnd = Math.min(units, u0 + UNIT_BLOCK);
                    for (int r = 0; r < ROW_BLOCK; r++) {
                        // rows past the end repeat the last row (computed, never stored)
                        int row = r0 + Math.min(r, n - 1);
                        xr[r] = xOff + row * in;
                        yr[r] = yOff + row * units;
                    }
                    int u = u0;
                    for (; u + 4 <= uEnd; u += 4) {
                        tile4x4(x, xr, in, kernel, kOff, units, u, bias, bOff, y, yr, n);
                    }
                    for (; u < uEnd; u++) {
                        tile4x1(x, xr, in, kernel, kOff, units, u, bias, bOff, y, yr, n);
                    }
                }
            }
        });
    }

    private static void tile4x4(float[] x, int[] xr, int in, float[] kernel, int kOff, int units, int u,
            float[] bias, int bOff, float[] y, int[] yr, int n) {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        int x0 = xr[0], x1 = xr[1], x2 = xr[2], x3 = xr[3];
        int kb = kOff + u;
        for (int i = 0; i < in; i++, kb += units) {
            float b0 = kernel[kb], b1 = kernel[kb + 1], b2 = kernel[kb + 2], b3 = kernel[kb + 3];
            float v = x[x0 + i];
            c00 += v * b0;
            c01 += v * b1;
            c02 += v * b2;
            c03 += v * b3;
            v = x[x1 + i];
            c10 += v * b0;
            c11 += v * b1;
            c12 += v * b2;
            c13 += v * b3;
            v = x[x2 + i];
            c20 += v * b0;
            c21 += v * b1;
            c22 += v * b2;
            c23 += v * b3;
            v = x[x3 + i];
            c30 += v * b0;
            c31 += v * b1;
            c32 += v * b2;
            c33 += v * b3;
        }
        store4(y, yr[0] + u, c00, c01, c02, c03, bias, bOff + u);
        if (n > 1) {
            store4(y, yr[1] + u, c10, c11, c12, c13, bias, bOff + u);
        }
        if (n > 2) {
            store4(y, yr[2] + u, c20, c21, c22, c23, bias, bOff + u);
        }
        if (n > 3) {
            store4(y, yr[3] + u, c30, c31, c32, c33, bias, bOff + u);
        }
    }

    private static void store4(float[] y, int o, float v0, float v1, float v2, float v3, float[] bias, int b) {
        if (bias != null) {
            v0 += bias[b];
            v1 += bias[b + 1];
            v2 += bias[b + 2];
            v3 += bias[b + 3];
        }
        y[o] = v0;
        y[o + 1] = v1;
        y[o + 2] = v2;
        y[o + 3] = v3;
    }

    private static void tile4x1(float[] x, int[] xr, int in, float[] kernel, int kOff, int units, int u,
            float[] bias, int bOff, float[] y, int[] yr, int n) {
        float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
        int x0 = xr[0], x1 = xr[1], x2 = xr[2], x3 = xr[3];
        int kb = kOff + u;
        for (int i = 0; i < in; i++, kb += units) {
            float bv = kernel[kb];
            c0 += x[x0 + i] * bv;
            c1 += x[x1 + i] * bv;
            c2 += x[x2 + i] * bv;
            c3 += x[x3 + i] * bv;
        }
        if (bias != null) {
            float bv = bias[bOff + u];
            c0 += bv;
            c1 += bv;
            c2 += bv;
            c3 += bv;
        }
        y[yr[0] + u] = c0;
        if (n > 1) {
            y[yr[1] + u] = c1;
        }
        if (n > 2) {
            y[yr[2] + u] = c2;
        }
        if (n > 3) {
            y[yr[3] + u] = c3;
        }
    }
}
