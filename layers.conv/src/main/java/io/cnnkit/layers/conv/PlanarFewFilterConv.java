package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/**
 * Few filters (at most {@link FewFilterConv#MAX_FILTERS}), one group, horizontal stride 1: the
 * walkthrough's 3x3 convs with 3 filters on a 575x607 photo, memory-bound. Vectorised across
 * output pixels by the JIT, without the Vector API: the input rows an output row needs are
 * de-interleaved into one zero-padded plane per input channel (kept for the next output rows),
 * then every tap adds {@code plane[i + kx*dw] * w} into one accumulator row per filter, a plain
 * loop that C2 turns into SIMD code (and that runs at a sensible speed before C2 compiles it,
 * which keeps the first run of a model fast). Results go back to NHWC plus bias.
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
            ExecutionContext ctx) {
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
        ctx.parallelFor((allRows + ROWS - 1) / ROWS, ROWS * (2L * ow * kh * kw * c * f + rowLen), (first, last) -> {
            int from = first * ROWS, to = Math.min(allRows, last * ROWS);
            // zeroed once per chunk: only the input columns are rewritten, the padding stays 0
            float[] planes = PackBuffers.zeroed(span * c * pw);
            float[] a0 = new float[ow], a1 = new float[ow], a2 = new float[ow], a3 = new float[ow];
            float[] tap = new float[ow];
            int[] slotRow = new int[span];
            Arrays.fill(slotRow, -1);
            for (int row = from; row < to; row++) {
                int oy = row % oh, b = row / oh;
                Arrays.fill(a0, 0f);
                if (f > 1) {
                    Arrays.fill(a1, 0f);
                }
                if (f > 2) {
                    Arrays.fill(a2, 0f);
                }
                if (f > 3) {
                    Arrays.fill(a3, 0f);
                }
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
                        for (int ci = 0; ci < c; ci++) {
                            int po = (slot * c + ci) * pw + kx * dw;
                            int wb = ((ky * kw + kx) * c + ci) * NF;
                            // The tap's inputs are copied to index 0 first: C2 (JDK 17) vectorises
                            // a[i] += p[i] * w but not a[i] += p[po + i] * w with po unknown.
                            System.arraycopy(planes, po, tap, 0, ow);
                            switch (f) {
                                case 1 -> tap1(tap, wp[wb], a0, ow);
                                case 2 -> tap2(tap, wp[wb], wp[wb + 1], a0, a1, ow);
                                case 3 -> tap3(tap, wp[wb], wp[wb + 1], wp[wb + 2], a0, a1, a2, ow);
                                default -> tap4(tap, wp[wb], wp[wb + 1], wp[wb + 2], wp[wb + 3], a0, a1, a2, a3, ow);
                            }
                        }
                    }
                }
                int yr = yo + row * rowLen;
                interleave(a0, a1, a2, a3, f, ow, hasBias, bd, yd, yr);
                if (act != null) {
                    // the task owns whole pixels, so softmax over channels can run here too
                    act.apply(yd, yr, yd, yr, rowLen, f);
                }
            }
        });
    }

    /** Channel ci of {@code n} NHWC pixels from {@code src} to plane ci (planes {@code pw} apart) from {@code dst}. */
    private static void deinterleave(float[] xd, int src, int c, int n, float[] planes, int dst, int pw) {
        if (c == 1) {
            System.arraycopy(xd, src, planes, dst, n);
            return;
        }
        for (int ci = 0; ci < c; ci++) {
            int d = dst + ci * pw;
            for (int ix = 0, s = src + ci; ix < n; ix++, s += c) {
                planes[d + ix] = xd[s];
            }
        }
    }

    private static void interleave(float[] a0, float[] a1, float[] a2, float[] a3, int f, int ow, boolean hasBias,
            float[] bd, float[] yd, int yr) {
        switch (f) {
            case 1 -> {
                if (hasBias) {
                    float b0 = bd[0];
                    for (int ox = 0; ox < ow; ox++) {
                        yd[yr + ox] = a0[ox] + b0;
                    }
                } else {
                    System.arraycopy(a0, 0, yd, yr, ow);
                }
            }
            case 2 -> {
                for (int ox = 0, o = yr; ox < ow; ox++, o += 2) {
                    yd[o] = hasBias ? a0[ox] + bd[0] : a0[ox];
                    yd[o + 1] = hasBias ? a1[ox] + bd[1] : a1[ox];
                }
            }
            case 3 -> {
                for (int ox = 0, o = yr; ox < ow; ox++, o += 3) {
                    yd[o] = hasBias ? a0[ox] + bd[0] : a0[ox];
                    yd[o + 1] = hasBias ? a1[ox] + bd[1] : a1[ox];
                    yd[o + 2] = hasBias ? a2[ox] + bd[2] : a2[ox];
                }
            }
            default -> {
                for (int ox = 0, o = yr; ox < ow; ox++, o += 4) {
                    yd[o] = hasBias ? a0[ox] + bd[0] : a0[ox];
                    yd[o + 1] = hasBias ? a1[ox] + bd[1] : a1[ox];
                    yd[o + 2] = hasBias ? a2[ox] + bd[2] : a2[ox];
                    yd[o + 3] = hasBias ? a3[ox] + bd[3] : a3[ox];
                }
            }
        }
    }

    // One loop per filter count, each a simple a[i] += p[i] * w that C2 vectorises.

    private static void tap1(float[] p, float w0, float[] a0, int n) {
        for (int i = 0; i < n; i++) {
            a0[i] += p[i] * w0;
        }
    }

    private static void tap2(float[] p, float w0, float w1, float[] a0, float[] a1, int n) {
        for (int i = 0; i < n; i++) {
            float v = p[i];
            a0[i] += v * w0;
            a1[i] += v * w1;
        }
    }

    private static void tap3(float[] p, float w0, float w1, float w2, float[] a0, float[] a1, float[] a2,
            int n) {
        for (int i = 0; i < n; i++) {
            float v = p[i];
            a0[i] += v * w0;
            a1[i] += v * w1;
            a2[i] += v * w2;
        }
    }

    private static void tap4(float[] p, float w0, float w1, float w2, float w3, float[] a0, float[] a1,
            float[] a2, float[] a3, int n) {
        for (int i = 0; i < n; i++) {
            float v = p[i];
            a0[i] += v * w0;
            a1[i] += v * w1;
            a2[i] += v * w2;
            a3[i] += v * w3;
        }
    }
}
