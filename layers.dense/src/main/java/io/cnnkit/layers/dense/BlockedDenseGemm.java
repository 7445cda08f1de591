package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.kernel.GemmMicroKernel;


/**
 * Dense (y = x . kernel + bias, kernel (in, units)) on a kernel backend's GEMM micro-kernel:
 * the batch rows are the GEMM rows, read in place (no packing: each row's inputs are already
 * contiguous). A work item is a block of {@link #NB} units for up to {@link #ROWS}
 * rows; per K slice of {@link #KC} inputs its kernel slice (KC x NB) stays in L1 while
 * all the item's rows pass, so the kernel is read from memory about once per call. Rows go
 * through the kernel's row-block variant ({@link GemmMicroKernel#tileRows}, 6 rows on the Vector
 * API) in whole blocks, the rest (a batch of 1) through its 4-row tile. Each output is a fused
 * multiply-add chain over the inputs in order, then + bias: deterministic.
 */
final class BlockedDenseGemm {
    /** Batch rows per work item. */
    static final int ROWS = 64;
    /** Units per work item (one micro-kernel pass). */
    static final int NB = 64;
    /** Inputs per K-slice: a KC x NB kernel slice (32 KB) stays in L1 while the item's rows pass. */
    static final int KC = 128;
    private static final ThreadLocal<float[]> PANEL = new ThreadLocal<>();

    private BlockedDenseGemm() {
    }

    static void multiply(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias,
            int bOff, int units, float[] y, int yOff, ExecutionContext context, GemmMicroKernel mk) {
        final int mr = GemmMicroKernel.ROWS, nb = NB, br = mk.blockRows();
        // K-slices keep a kernel slice in L1 for the next rows; one micro-tile of rows (a single
        // image: a matrix-vector product) has no next rows, so it takes K whole: fewer stores of
        // partial sums, and long loops that the JIT compiles early (the walkthrough's 25650-input
        // dense). Partial sums are stored exactly, so the slicing never changes a result.
        final int kcMax = rows <= mr && units <= nb ? in : KC;
        final int unitBlocks = (units + nb - 1) / nb;
        final int rowBlocks = (rows + ROWS - 1) / ROWS;
        if (rows == 0 || unitBlocks == 0) {
            return;
        }
        if (in == 0) {
            // no products: every output is its bias (the K-slice loop below would store nothing)
            for (int r = 0; r < rows; r++) {
                for (int u = 0; u < units; u++) {
                    y[yOff + r * units + u] = bias == null ? 0f : bias[bOff + u];
                }
            }
            return;
        }
        long cost = 2L * Math.min(rows, ROWS) * in * Math.min(units, nb);
        // A unit block's K-slice is copied into a dense panel when the kernel is wider than one
        // block: rows of a wide kernel lie 2 KB apart (512 units) and would share a few L1 sets.
        final boolean direct = units <= nb;
        context.parallelFor(rowBlocks * unitBlocks, cost, (from, to) -> {
            int[] aOff = new int[mr];
            int[] yRow = new int[mr];
            float[] panel = direct ? null : panel(kcMax * nb);
            for (int item = from; item < to; item++) {
                int u0 = (item % unitBlocks) * nb, uw = Math.min(nb, units - u0);
                int r0 = (item / unitBlocks) * ROWS, r1 = Math.min(rows, r0 + ROWS);
                for (int k0 = 0; k0 < in; k0 += kcMax) {
                    int kc = Math.min(kcMax, in - k0);
                    float[] b;
                    int bo, ldk;
                    if (direct) {
                        b = kernel;
                        bo = kOff + k0 * units + u0;
                        ldk = units;
                    } else {
                        b = panel;
                        bo = 0;
                        ldk = uw;
                        for (int k = 0, src = kOff + k0 * units + u0; k < kc; k++, src += units) {
                            System.arraycopy(kernel, src, panel, k * uw, uw);
                        }
                    }
                    boolean first = k0 == 0;
                    float[] bsl = k0 + kc == in ? bias : null;
                    int p0 = r0;
                    // whole blocks of the kernel's row-block variant (rows in place, in apart),
                    // then the 4-row tile for the rest: every output the same chain either way
                    for (; br > 0 && p0 + br <= r1; p0 += br) {
                        mk.tileRows(x, xOff + p0 * in + k0, in, kc, b, bo, ldk, y, yOff + p0 * units + u0, units, uw,
                                br, first, bsl, bOff + u0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
                    }
                    for (; p0 < r1; p0 += mr) {
                        int n = Math.min(mr, r1 - p0);
                        for (int r = 0; r < mr; r++) {
                            int row = p0 + Math.min(r, n - 1);
                            aOff[r] = xOff + row * in + k0;
                            yRow[r] = yOff + row * units;
                        }
                        mk.tile(x, aOff, kc, b, bo, ldk, y, yRow, u0, uw, n, first, bsl,
                                bOff + u0);
                    }
                }
            }
        });
    }

    /** This thread's panel buffer (plain float[]: no class of this bundle stays reachable from pool threads). */
    private static float[] panel(int n) {
        float[] b = PANEL.get();
        if (b == null || b.length < n) {
            b = new float[n];
            PANEL.set(b);
        }
        return b;
    }
}
