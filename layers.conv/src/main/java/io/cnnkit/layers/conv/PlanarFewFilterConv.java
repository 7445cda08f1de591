package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.GemmMicroKernel;

/**
 * Few filters (at most {@link FewFilterConv#MAX_FILTERS}), one group, horizontal stride 1: the
 * walkthrough's 3x3 convs with 3 filters on a 575x607 photo, memory-bound. Vectorised across
 * output pixels by the JIT, without the Vector API: the input rows an output row needs are
 * de-interleaved into one zero-padded plane per input channel (kept for the next output rows),
 * then the taps add {@code plane[i + kx*dw] * w} into one accumulator row per filter through
 * the kernel's {@link GemmMicroKernel#planarTerms} (the scalar kernel's plain loops, which C2
 * turns into SIMD code and which run at a sensible speed before C2 compiles them; the Vector API
 * one's sums in registers over every term). Results go back to NHWC plus bias.
 *
 * <p>Exact: each output is {@code 0 + x*w + ...} over the in-bounds kernel rows, all kernel
 * columns and the channels in the naive kernel's order (products and sums rounded separately),
 * then + bias. Padding columns add +-0 products, which leave a sum that starts at +0 unchanged,
 * so the result equals {@link ConvKernels#conv2dNaive} bit for bit. Work items are
 * {@link #ROWS} output rows; results do not depend on the chunking or thread count.
 */
final class PlanarFewFilterConv {
    static final int NF = FewFilterConv.MAX_FILTERS;
    /** Output rows per work item: consecutive rows reuse the de-interleaved input rows. */
    static final int ROWS = 8;

    private PlanarFewFilterConv() {
    }

    static boolean applies(Tensor kernel, ConvKernels.Geometry g) {
        return g.groups() == 1 && g.sw() == 1 && FewFilterConv.applies(kernel, g);
    }

    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, GemmMicroKernel mk) {
        ConvKernels.checkConv2d(x, kernel, bias, y, g);
        if (!applies(kernel, g)) {
            throw new IllegalArgumentException("conv2d: the planar few-filter kernel takes one group, horizontal "
                    + "stride 1 and at most " + NF + " filters, got kernel " + kernel.shapeString() + " with " + g);
        }
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int kh = kernel.dim(0), kw = kernel.dim(1), f = kernel.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final int sh = g.sh(), dh = g.dh(), dw = g.dw(), pt = g.padTop(), pl = g.padLeft();
        final float[] wp = FewFilterConv.pack(kernel, 1);
        final float[] xd = x.data(), yd = y.data();
        final float[] bd = new float[NF];
        if (bias != null) {
            System.arraycopy(bias.data(), bias.offset(), bd, 0, f);
        }
        final boolean hasBias = bias != null;
        final int xo = x.offset(), yo = y.offset();
        // Plane width: output column ox reads plane columns ox + kx*dw; input column ix sits at ix + pl.
        final int pw = ow + (kw - 1) * dw;
        final int copy = Math.max(0, Math.min(w, pw - pl));
        final int rowLen = ow * f;
        // Input rows go to slot iy mod span: one output row's kh rows never share a slot.
        final int span = (kh - 1) * dh + 1;
        final int allRows = x.dim(0) * oh;
        final int maxTerms = kh * kw * c;
        ctx.parallelFor((allRows + ROWS - 1) / ROWS, ROWS * (2L * ow * kh * kw * c * f + rowLen), (first, last) -> {
            int from = first * ROWS, to = Math.min(allRows, last * ROWS);
            // zeroed once per chunk: only the input columns are rewritten, the padding stays 0
            float[] planes = PackBuffers.zeroed(span * c * pw);
            float[] acc = new float[f * ow];
            int[] slotRow = new int[span];
            Arrays.fill(slotRow, -1);
            int[] termPlane = new int[maxTerms];
            int[] termWeight = new int[maxTerms];
            for (int row = from; row < to; row++) {
                int oy = row % oh, b = row / oh;
                // The row's products in the naive order: in-bounds kernel rows, kernel columns, channels.
                int terms = 0;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * sh - pt + ky * dh;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    int slot = iy % span;
                    int tag = b * h + iy;
                    if (slotRow[slot] != tag) {
                        slotRow[slot] = tag;
                        deinterleave(xd, xo + tag * w * c, c, copy, planes, slot * c * pw + pl, pw);
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        for (int ci = 0; ci < c; ci++, terms++) {
                            termPlane[terms] = (slot * c + ci) * pw + kx * dw;
                            termWeight[terms] = ((ky * kw + kx) * c + ci) * NF;
                        }
                    }
                }
                Arrays.fill(acc, 0f);
                mk.planarTerms(planes, termPlane, wp, termWeight, terms, acc, 0, ow, f, ow);
                int yr = yo + row * rowLen;
                interleave(acc, f, ow, hasBias, bd, yd, yr);
                if (act != null) {
                    // the task owns whole pixels, so softmax over channels can run here too
                    act.apply(yd, yr, yd, yr, rowLen, f);
                }
            }
        });
    }

    /** Channel ci of {@code n} NHWC pixels from {@code src} to plane ci (planes {@code pw} apart) from {@code dst}. */
    private static void deinterleave(float[] xd, int src, int c, int n, float[] planes, int dst, int pw) {
        switch (c) {
            case 1 -> System.arraycopy(xd, src, planes, dst, n);
            case 3 -> {
                // RGB in one pass (three strided passes cost three times the loop overhead)
                for (int ix = 0, s = src, d = dst; ix < n; ix++, s += 3, d++) {
                    planes[d] = xd[s];
                    planes[d + pw] = xd[s + 1];
                    planes[d + 2 * pw] = xd[s + 2];
                }
            }
            default -> {
                for (int ci = 0; ci < c; ci++) {
                    int d = dst + ci * pw;
                    for (int ix = 0, s = src + ci; ix < n; ix++, s += c) {
                        planes[d + ix] = xd[s];
                    }
                }
            }
        }
    }

    /** y[ox*f + fo] = acc[fo*ow + ox] (+ bias[fo]), the sum's last step. */
    private static void interleave(float[] acc, int f, int ow, boolean hasBias, float[] bd, float[] yd, int yr) {
        if (f == 3) {
            // three filters (the walkthrough's) in one pass
            if (hasBias) {
                float b0 = bd[0], b1 = bd[1], b2 = bd[2];
                for (int ox = 0, o = yr; ox < ow; ox++, o += 3) {
                    yd[o] = acc[ox] + b0;
                    yd[o + 1] = acc[ow + ox] + b1;
                    yd[o + 2] = acc[2 * ow + ox] + b2;
                }
            } else {
                for (int ox = 0, o = yr; ox < ow; ox++, o += 3) {
                    yd[o] = acc[ox];
                    yd[o + 1] = acc[ow + ox];
                    yd[o + 2] = acc[2 * ow + ox];
                }
            }
            return;
        }
        for (int fo = 0; fo < f; fo++) {
            int a = fo * ow;
            if (hasBias) {
                float bv = bd[fo];
                for (int ox = 0, o = yr + fo; ox < ow; ox++, o += f) {
                    yd[o] = acc[a + ox] + bv;
                }
            } else {
                for (int ox = 0, o = yr + fo; ox < ow; ox++, o += f) {
                    yd[o] = acc[a + ox];
                }
            }
        }
    }
}
