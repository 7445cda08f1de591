package io.cnnkit.layers.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/**
 * Few filters (at most {@link FewFilterConv#MAX_FILTERS}), one group, horizontal stride 1: the
 * walkthrough's 3x3 convs with 3 filters on a photo. Vectorised across output pixels instead
 * of filters: the input rows an output row needs are de-interleaved into one zero-padded plane
 * per input channel (kept for the next output rows), so a tap reads L consecutive pixels with
 * one load and multiplies them by each filter's weight (4 accumulators of L pixels). Results go
 * back to NHWC through a small buffer, plus bias.
 *
 * <p>Work items are {@link #ROWS} output rows; every output element is the fused multiply-add chain over the
 * in-bounds kernel rows, all kernel columns (padding columns read zeros) and channels in order,
 * then + bias: the same for every thread count and chunking.
 */
final class FewFilterVectorConv {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int NF = FewFilterConv.MAX_FILTERS;
    /** Output rows per work item. */
    static final int ROWS = 8;

    private FewFilterVectorConv() {
    }

    static boolean applies(Tensor kernel, ConvKernels.Geometry g) {
        return g.groups() == 1 && g.sw() == 1 && FewFilterConv.applies(kernel, g);
    }

    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx) {
        ConvKernels.checkConv2d(x, kernel, bias, y, g);
        if (!applies(kernel, g)) {
            throw new IllegalArgumentException("conv2d: the vector few-filter kernel takes one group, horizontal "
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
        final int xo = x.offset(), yo = y.offset();
        // Plane width: every L-pixel load of every tap stays inside (zeros beyond the input).
        final int tiles = (ow + L - 1) / L;
        final int pw = tiles * L + (kw - 1) * dw;
        final int rowLen = ow * f;
        // Input rows are de-interleaved into slot iy mod span: one output row's kh rows lie within
        // one span, so they never share a slot, and consecutive output rows reuse the planes.
        final int span = (kh - 1) * dh + 1;
        // Items of ROWS output rows: de-interleaved planes get reused, tasks are not too small.
        final int allRows = x.dim(0) * oh;
        ctx.parallelFor((allRows + ROWS - 1) / ROWS, ROWS * (2L * ow * kh * kw * c * f + rowLen), (first, last) -> {
            int from = first * ROWS, to = Math.min(allRows, last * ROWS);
            // zeroed once per chunk: only the input columns are rewritten, the padding stays 0
            float[] planes = PackBuffers.zeroed(span * c * pw);
            int[] slotRow = new int[span];
            java.util.Arrays.fill(slotRow, -1);
            float[] tmp = new float[NF * L];
            boolean[] rowInside = new boolean[kh];
            int[] rowSlot = new int[kh];
            int[] tapPlane = new int[kh * kw * c];
            int[] tapWeight = new int[kh * kw * c];
            for (int row = from; row < to; row++) {
                int oy = row % oh, b = row / oh;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * sh - pt + ky * dh;
                    rowInside[ky] = iy >= 0 && iy < h;
                    if (rowInside[ky]) {
                        int slot = iy % span;
                        rowSlot[ky] = slot;
                        int tag = b * h + iy;
                        if (slotRow[slot] != tag) {
                            slotRow[slot] = tag;
                            int src = xo + tag * w * c;
                            for (int ci = 0; ci < c; ci++) {
                                int dst = (slot * c + ci) * pw + pl;
                                // input column ix sits at plane index ix + pl
                                for (int ix = 0, end = Math.min(w, pw - pl); ix < end; ix++) {
                                    planes[dst + ix] = xd[src + ix * c + ci];
                                }
                            }
                        }
                    }
                }
                // The in-bounds taps as one flat list: nested loops around vector accumulators
                // would make JDK 17's C2 box them.
                int taps = 0;
                for (int ky = 0; ky < kh; ky++) {
                    if (!rowInside[ky]) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        for (int ci = 0; ci < c; ci++, taps++) {
                            tapPlane[taps] = (rowSlot[ky] * c + ci) * pw + kx * dw;
                            tapWeight[taps] = ((ky * kw + kx) * c + ci) * NF;
                        }
                    }
                }
                int yr = yo + row * rowLen;
                for (int t = 0; t < tiles; t++) {
                    int ox0 = t * L;
                    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                    for (int i = 0; i < taps; i++) {
                        FloatVector xv = FloatVector.fromArray(S, planes, tapPlane[i] + ox0);
                        int wb = tapWeight[i];
                        a0 = xv.fma(FloatVector.broadcast(S, wp[wb]), a0);
                        a1 = xv.fma(FloatVector.broadcast(S, wp[wb + 1]), a1);
                        a2 = xv.fma(FloatVector.broadcast(S, wp[wb + 2]), a2);
                        a3 = xv.fma(FloatVector.broadcast(S, wp[wb + 3]), a3);
                    }
                    a0.intoArray(tmp, 0);
                    a1.intoArray(tmp, L);
                    a2.intoArray(tmp, 2 * L);
                    a3.intoArray(tmp, 3 * L);
                    for (int p = 0, n = Math.min(L, ow - ox0); p < n; p++) {
                        int yb = yr + (ox0 + p) * f;
                        for (int fo = 0; fo < f; fo++) {
                            yd[yb + fo] = tmp[fo * L + p] + bd[fo];
                        }
                    }
                }
                if (act != null) {
                    // the task owns whole pixels, so softmax over channels can run here too
                    act.apply(yd, yr, yd, yr, rowLen, f);
                }
            }
        });
    }
}
