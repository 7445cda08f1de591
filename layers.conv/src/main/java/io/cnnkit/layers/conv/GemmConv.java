package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/**
 * conv2d as a GEMM: output pixels are the rows (M), kernel taps x input channels the reduction
 * (K = kh*kw*cin/groups), filters the columns (N). Keras's kernel layout (kh, kw, cin, cout)
 * already is K x N with contiguous rows, so it is read in place. For each micro-tile of
 * {@link #MR} output pixels the driver packs their K input values (im2col, zeros for padding
 * taps) into one small buffer, row after row, and a {@link MicroKernel} runs the whole
 * reduction in one loop with its accumulators in registers. The buffer (MR x K floats) is the
 * only allocation, once per chunk.
 *
 * <p>Determinism: work items are (image, output row, group, block of {@link #NB} filters);
 * their boundaries depend on the shapes only, each output element belongs to one item and its
 * sum runs over k = 0..K-1 in order (padding taps add zero products), then the bias. So results
 * are bit-identical for every thread count and chunking.
 */
final class GemmConv {
    /** Output pixels per micro-tile. */
    static final int MR = 4;
    /** Filters per work item: the item's kernel panel (K x NB) stays in L2 across its pixels. */
    static final int NB = 64;

    /** Computes one micro-tile: {@link #MR} pixel rows by up to {@link #NB} filters. */
    interface MicroKernel {
        /**
         * For r < MR and n in [n0, n0+nw): {@code y[yOff[r] + n] = sum over k < kLen (in order) of
         * a[r*kLen + k] * kd[kOff + k*f + n]} plus {@code bd[bo + n]} (never null). Only
         * rows r < rows are stored (the driver repeats the last pixel in unused rows).
         */
        void tile(float[] a, int kLen, float[] kd, int kOff, int f, int n0, int nw, float[] bd, int bo, float[] yd,
                int[] yOff, int rows);
    }

    private GemmConv() {
    }

    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, MicroKernel mk) {
        ConvKernels.checkConv2d(x, kernel, bias, y, g);
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int kh = kernel.dim(0), kw = kernel.dim(1), cg = kernel.dim(2), f = kernel.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final int groups = g.groups(), fg = f / groups;
        final int blocksPerGroup = (fg + NB - 1) / NB;
        final int blocks = groups * blocksPerGroup;
        final int taps = kh * kw;
        final int sh = g.sh(), sw = g.sw(), dh = g.dh(), dw = g.dw(), pt = g.padTop(), pl = g.padLeft();
        final float[] xd = x.data(), kd = kernel.data(), yd = y.data();
        // Without a bias the kernels add zeros: exact (a sum starting at +0 never becomes -0) and
        // it keeps a branch out of the micro-kernels.
        final float[] bd = bias == null ? new float[f] : bias.data();
        final int xo = x.offset(), ko = kernel.offset(), yo = y.offset(), bo = bias == null ? 0 : bias.offset();
        final boolean fuse = act != null && act.elementWise();
        final int kLen = taps * cg;
        long cost = 2L * ow * kLen * Math.min(fg, NB);
        ctx.parallelFor(x.dim(0) * oh * blocks, cost, (from, to) -> {
            float[] a = new float[MR * kLen];
            int[] yOff = new int[MR];
            for (int item = from; item < to; item++) {
                int blk = item % blocks, row = item / blocks;
                int oy = row % oh, b = row / oh;
                int grp = blk / blocksPerGroup;
                int n0 = grp * fg + (blk % blocksPerGroup) * NB;
                int nw = Math.min(NB, (grp + 1) * fg - n0);
                int c0 = grp * cg;
                for (int ox0 = 0; ox0 < ow; ox0 += MR) {
                    int rows = Math.min(MR, ow - ox0);
                    for (int r = 0; r < MR; r++) {
                        int ox = ox0 + Math.min(r, rows - 1);
                        yOff[r] = yo + ((b * oh + oy) * ow + ox) * f;
                        int ap = r * kLen;
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * sh - pt + ky * dh;
                            for (int kx = 0; kx < kw; kx++, ap += cg) {
                                int ix = ox * sw - pl + kx * dw;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    System.arraycopy(xd, xo + ((b * h + iy) * w + ix) * c + c0, a, ap, cg);
                                } else {
                                    java.util.Arrays.fill(a, ap, ap + cg, 0f);
                                }
                            }
                        }
                    }
                    mk.tile(a, kLen, kd, ko, f, n0, nw, bd, bo, yd, yOff, rows);
                    if (fuse) {
                        for (int r = 0; r < rows; r++) {
                            act.apply(yd, yOff[r] + n0, yd, yOff[r] + n0, nw, nw);
                        }
                    }
                }
            }
        });
        if (act != null && !fuse) {
            ConvKernels.activateRows(y, act, ctx);
        }
    }
}
