package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * Dense (y = x . kernel + bias, kernel (in, units)) on the conv GEMM's vector micro-kernel:
 * the batch rows are the GEMM rows, read in place (no packing: each row's inputs are already
 * contiguous). A work item is a block of {@link GemmConv#NB} units for up to {@link #ROWS}
 * rows; per K slice of {@link GemmConv#KC} inputs its kernel slice (KC x NB) stays in L1 while
 * all the item's rows pass, so the kernel is read from memory about once per call. Each output
 * is a fused multiply-add chain over the inputs in order, then + bias: deterministic.
 * Public only for the dense package of this bundle (the package is not exported).
 */
public final class VectorDenseGemm {
    /** Batch rows per work item. */
    static final int ROWS = 64;

    private VectorDenseGemm() {
    }

    public static void multiply(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias,
            int bOff, int units, float[] y, int yOff, ExecutionContext context) {
        final int mr = GemmConv.MR, nb = GemmConv.NB, kcMax = GemmConv.KC;
        final int unitBlocks = (units + nb - 1) / nb;
        final int rowBlocks = (rows + ROWS - 1) / ROWS;
        if (rows == 0 || unitBlocks == 0) {
            return;
        }
        long cost = 2L * Math.min(rows, ROWS) * in * Math.min(units, nb);
        context.parallelFor(rowBlocks * unitBlocks, cost, (from, to) -> {
            int[] aOff = new int[mr];
            int[] yRow = new int[mr];
            for (int item = from; item < to; item++) {
                int u0 = (item % unitBlocks) * nb, uw = Math.min(nb, units - u0);
                int r0 = (item / unitBlocks) * ROWS, r1 = Math.min(rows, r0 + ROWS);
                for (int r = r0; r < r1; r++) {
                    Arrays.fill(y, yOff + r * units + u0, yOff + r * units + u0 + uw, 0f);
                }
                for (int k0 = 0; k0 < in; k0 += kcMax) {
                    int kc = Math.min(kcMax, in - k0);
                    for (int p0 = r0; p0 < r1; p0 += mr) {
                        int n = Math.min(mr, r1 - p0);
                        for (int r = 0; r < mr; r++) {
                            int row = p0 + Math.min(r, n - 1);
                            aOff[r] = xOff + row * in + k0;
                            yRow[r] = yOff + row * units;
                        }
                        VectorMicroKernel.INSTANCE.tile(x, aOff, kc, kernel, kOff + k0 * units, units, u0, uw, y,
                                yRow, n);
                    }
                }
                if (bias != null) {
                    for (int r = r0; r < r1; r++) {
                        int yb = yOff + r * units;
                        for (int j = u0; j < u0 + uw; j++) {
                            y[yb + j] += bias[bOff + j];
                        }
                    }
                }
            }
        });
    }
}
