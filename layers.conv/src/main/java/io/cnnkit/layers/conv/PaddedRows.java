package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.ClampActivation;
import io.cnnkit.engine.kernel.DepthwiseMicroKernel;

/**
 * A 3x3 depthwise convolution (depth multiplier 1, no dilation) on a backend's row kernel, with
 * no edge pixels: the input rows an output row needs are copied into zero-padded rows (kept for
 * the next output rows, so each input row is copied about once per work chunk), and every output
 * row is one {@link DepthwiseMicroKernel#row} call over all its pixels with all three kernel
 * rows. Edge pixels otherwise take a call per pixel (a MobileNet's 6x6 maps are more edge than
 * interior; with 8 channels a pixel call is scalar), about half the layer's time.
 *
 * <p>Exact: a padding tap adds the product 0 x w = +-0 to a chain that starts at +0 and so never
 * holds -0, which leaves the sum unchanged for finite weights; so the outputs are the bits of the
 * kernel that skips those taps ({@link DepthwiseKernels#depthwiseNaive}), for every thread count
 * (a work item is one output row). TensorFlow also multiplies its zero padding.
 */
final class PaddedRows {
    /** Floats in the widest vector a kernel backend uses (AVX-512). */
    private static final int WIDEST = GemmConv.WIDEST_VECTOR;
    private static final int KH = 3;
    private static final int KW = 3;

    private PaddedRows() {
    }

    /**
     * 3x3, no dilation, and channels the vector row kernel takes whole: whole vectors, or half of
     * one at stride 1 (two pixels per vector).
     */
    static boolean applies(int kh, int kw, ConvKernels.Geometry g, int c) {
        return kh == KH && kw == KW && g.dh() == 1 && g.dw() == 1 && g.groups() == 1
                && (c % WIDEST == 0 || c * 2 == WIDEST && g.sw() == 1);
    }

    static void depthwise(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, DepthwiseMicroKernel dk) {
        DepthwiseKernels.check(x, kernel, bias, y, g);
        if (!applies(kernel.dim(0), kernel.dim(1), g, x.dim(3)) || kernel.dim(3) != 1) {
            throw new IllegalArgumentException("depthwise_conv2d: padded rows take a 3x3 kernel with depth multiplier "
                    + "1 and no dilation, got kernel " + kernel.shapeString() + " with " + g);
        }
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final int sh = g.sh(), sw = g.sw(), pt = g.padTop(), pl = g.padLeft();
        // a padded row: pl zero pixels, the input row, zeros up to the last output pixel's last tap
        final int pw = Math.max(pl + w, (ow - 1) * sw + KW);
        final int rowFloats = pw * c;
        final float[] xd = x.data(), kd = kernel.data(), yd = y.data();
        final float[] bd = bias == null ? null : bias.data();
        final int xo = x.offset(), ko = kernel.offset(), yo = y.offset(), bo = bias == null ? 0 : bias.offset();
        final ClampActivation.Bounds clamp = ClampActivation.of(act);
        final float lo = clamp != null ? clamp.lower() : Float.NEGATIVE_INFINITY;
        final float hi = clamp != null ? clamp.upper() : Float.POSITIVE_INFINITY;
        final boolean rowPass = act != null && act.elementWise() && clamp == null;
        final int rows = x.dim(0) * oh;
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        ctx.parallelFor(rows, 2L * ow * KH * KW * c, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                // KH slots for input rows (slot iy mod KH: one output row's rows never share one) and a
                // zero row for the rows above and below the input; the padding columns stay zero
                float[] win = PackBuffers.zeroed((KH + 1) * rowFloats);
                int[] slotRow = new int[KH];
                Arrays.fill(slotRow, -1);
                int[] xRow = new int[KH];
                int[] wRow = {ko, ko + KW * c, ko + 2 * KW * c};
                for (int row = from; row < to; row++) {
                    int oy = row % oh, b = row / oh;
                    for (int ky = 0; ky < KH; ky++) {
                        int iy = oy * sh - pt + ky;
                        if (iy < 0 || iy >= h) {
                            xRow[ky] = KH * rowFloats;
                            continue;
                        }
                        int slot = iy % KH, tag = b * h + iy;
                        if (slotRow[slot] != tag) {
                            slotRow[slot] = tag;
                            System.arraycopy(xd, xo + tag * w * c, win, slot * rowFloats + pl * c, w * c);
                        }
                        xRow[ky] = slot * rowFloats;
                    }
                    int yr = yo + row * ow * c;
                    dk.row(win, xRow, KH, KW, sw, kd, wRow, bd, bo, yd, yr, ow, c, lo, hi);
                    if (rowPass) {
                        act.apply(yd, yr, yd, yr, ow * c, c);
                    }
                }
            }
        });
        if (act != null && !act.elementWise()) {
            ConvKernels.activateRows(y, act, ctx);
        }
    }
}
