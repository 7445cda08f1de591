package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/**
 * conv2d with at most {@link #MAX_FILTERS} filters per group (the walkthrough's 3x3 convs with 3
 * filters on a 575x607x3 photo): memory-bound, with output-channel loops too short to
 * vectorise. Each output pixel keeps its filters' accumulators in four locals; the kernel is
 * repacked once per call as (kh*kw*cin) rows of four weights (zeros for missing filters).
 *
 * <p>Exact: the same sum as {@link ConvKernels#conv2dNaive} (in-bounds taps in kernel row,
 * column, input channel order, then the bias), so it is bit-identical to it and for every
 * thread count; a work item is one output row of one image.
 */
final class FewFilterConv {
    static final int MAX_FILTERS = 4;

    private FewFilterConv() {
    }

    static boolean applies(Tensor kernel, ConvKernels.Geometry g) {
        return kernel.dim(3) / g.groups() <= MAX_FILTERS;
    }

    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx) {
        ConvKernels.checkConv2d(x, kernel, bias, y, g);
        if (!applies(kernel, g)) {
            throw new IllegalArgumentException("conv2d: the few-filter kernel takes at most " + MAX_FILTERS
                    + " filters per group, got kernel " + kernel.shapeString() + " with groups " + g.groups());
        }
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int kh = kernel.dim(0), kw = kernel.dim(1), cg = kernel.dim(2), f = kernel.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final int groups = g.groups(), fg = f / groups;
        final int sh = g.sh(), sw = g.sw(), dh = g.dh(), dw = g.dw(), pt = g.padTop(), pl = g.padLeft();
        final float[] wp = pack(kernel, groups);
        final float[] xd = x.data(), yd = y.data();
        final float[] bd = bias == null ? null : bias.data();
        final int xo = x.offset(), yo = y.offset(), bo = bias == null ? 0 : bias.offset();
        final int taps = kh * kw * cg;
        final int rowLen = ow * f;
        ctx.parallelFor(x.dim(0) * oh, 2L * ow * taps * f + rowLen, (from, to) -> {
            for (int row = from; row < to; row++) {
                int oy = row % oh, b = row / oh;
                int iy0 = oy * sh - pt;
                int kyLo = ConvKernels.firstInside(iy0, dh);
                int kyHi = ConvKernels.endInside(iy0, dh, h, kh);
                int yr = yo + row * rowLen;
                for (int grp = 0; grp < groups; grp++) {
                    int c0 = grp * cg, f0 = grp * fg, wg = grp * taps * MAX_FILTERS;
                    for (int ox = 0; ox < ow; ox++) {
                        int ix0 = ox * sw - pl;
                        int kxLo = ConvKernels.firstInside(ix0, dw);
                        int kxHi = ConvKernels.endInside(ix0, dw, w, kw);
                        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
                        for (int ky = kyLo; ky < kyHi; ky++) {
                            int xrow = xo + ((b * h + iy0 + ky * dh) * w) * c + c0;
                            for (int kx = kxLo; kx < kxHi; kx++) {
                                int xb = xrow + (ix0 + kx * dw) * c;
                                int wb = wg + ((ky * kw + kx) * cg) * MAX_FILTERS;
                                for (int ci = 0; ci < cg; ci++, wb += MAX_FILTERS) {
                                    float xv = xd[xb + ci];
                                    a0 += xv * wp[wb];
                                    a1 += xv * wp[wb + 1];
                                    a2 += xv * wp[wb + 2];
                                    a3 += xv * wp[wb + 3];
                                }
                            }
                        }
                        int yb = yr + ox * f + f0;
                        store(yd, yb, fg, a0, a1, a2, a3, bd, bo + f0);
                    }
                }
                if (act != null) {
                    // The task owns whole pixels, so softmax over channels can run here too.
                    act.apply(yd, yr, yd, yr, rowLen, f);
                }
            }
        });
    }

    private static void store(float[] yd, int yb, int n, float a0, float a1, float a2, float a3, float[] bd, int bo) {
        if (bd != null) {
            a0 += bd[bo];
            if (n > 1) {
                a1 += bd[bo + 1];
            }
            if (n > 2) {
                a2 += bd[bo + 2];
            }
            if (n > 3) {
                a3 += bd[bo + 3];
            }
        }
        yd[yb] = a0;
        if (n > 1) {
            yd[yb + 1] = a1;
        }
        if (n > 2) {
            yd[yb + 2] = a2;
        }
        if (n > 3) {
            yd[yb + 3] = a3;
        }
    }

    /** Per group, (kh*kw*cg) rows of MAX_FILTERS weights; missing filters are zero. */
    static float[] pack(Tensor kernel, int groups) {
        int kh = kernel.dim(0), kw = kernel.dim(1), cg = kernel.dim(2), f = kernel.dim(3);
        int fg = f / groups, taps = kh * kw * cg;
        float[] kd = kernel.data();
        int ko = kernel.offset();
        float[] wp = new float[groups * taps * MAX_FILTERS];
        for (int grp = 0; grp < groups; grp++) {
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < fg; j++) {
                    wp[(grp * taps + t) * MAX_FILTERS + j] = kd[ko + t * f + grp * fg + j];
                }
            }
        }
        return wp;
    }
}
