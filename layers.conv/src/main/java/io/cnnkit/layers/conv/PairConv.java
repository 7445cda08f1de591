package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.ClampActivation;
import io.cnnkit.engine.kernel.GemmMicroKernel;

/**
 * conv2d with few filters on a kernel with {@link GemmMicroKernel#convPairTile} (the Vector API
 * one: 8 filters, two output pixels per AVX-512 vector), MobileNet's 96x96x3 -> 48x48x8 stride-2
 * first layer among them: the GEMM tiles would hold one pixel's 8 sums in a 16-lane vector.
 *
 * <p>An item is a band of {@link #BAND} output rows of one image. It copies the input rows the
 * band needs into zero-padded rows of its own ({@code pl} zero pixels, the row, zeros up to what
 * the last tile reads), then per tile of P output pixels calls the kernel once with the kernel
 * rows inside the input as its segments (a kernel row's kw taps of c channels are one stretch of
 * the padded row, the next pixel's stretch sw*c floats on). Kernel rows outside the input are
 * skipped, as the definition skips them; padding columns add zero products. Each output's chain
 * is fixed by the shapes (kernel row, tap, channel), so the same bits at every thread count.
 */
final class PairConv {
    /**
     * Output rows per work item (a 48-row image gives 12 items): MobileNet's first layer at 2
     * threads 13.3-13.7 us with 4 rows, 17.4-21.9 with 8; the same at 1 thread.
     */
    static final int BAND = 4;

    private PairConv() {
    }

    static boolean applies(int kw, int sw, int dw, int groups, int c, int f, GemmMicroKernel mk) {
        return groups == 1 && dw == 1 && c > 0 && mk.convPairPixels(f, kw * c, sw * c) > 0;
    }

    /** The kernel (kh, kw, c, f) as the tile reads it: each of its kh*kw*c rows of f weights twice in a row. */
    static float[] panels(Tensor kernel) {
        int k = kernel.dim(0) * kernel.dim(1) * kernel.dim(2), f = kernel.dim(3);
        float[] wd = new float[k * 2 * f];
        float[] kd = kernel.data();
        for (int i = 0, src = kernel.offset(); i < k; i++, src += f) {
            System.arraycopy(kd, src, wd, 2 * i * f, f);
            System.arraycopy(kd, src, wd, (2 * i + 1) * f, f);
        }
        return wd;
    }

    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, GemmMicroKernel mk, float[] panels) {
        final int batch = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int kh = kernel.dim(0), kw = kernel.dim(1), f = kernel.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final int sh = g.sh(), sw = g.sw(), dh = g.dh(), pt = g.padTop(), pl = g.padLeft();
        if (!applies(kw, sw, g.dw(), g.groups(), c, f, mk)) {
            throw new IllegalArgumentException("conv2d: " + mk.getClass().getName() + " has no pair tile for kernel "
                    + kernel.shapeString() + " with " + g + " (see GemmMicroKernel.convPairPixels)");
        }
        final int segLen = kw * c, lda = sw * c;
        if (panels != null && panels.length != kh * segLen * 2 * f) {
            throw new IllegalArgumentException("conv2d: panels of " + panels.length + " floats do not fit kernel "
                    + kernel.shapeString() + " in pairs; pack them with PairConv.panels");
        }
        final float[] wd = panels != null ? panels : panels(kernel);
        final int p = mk.convPairPixels(f, segLen, lda), tiles = (ow + p - 1) / p;
        // a padded row: pl zero pixels, the row, zeros up to the last tile's reach
        final int rowFloats = Math.max((pl + w) * c, (tiles * p - 1) * lda + segLen + 2 * f);
        final int reach = (kh - 1) * dh + 1;
        final int band = Math.min(oh, BAND);
        final int perImage = (oh + band - 1) / band;
        final float[] bd = bias == null ? null : new float[2 * f];
        if (bd != null) {
            System.arraycopy(bias.data(), bias.offset(), bd, 0, f);
            System.arraycopy(bias.data(), bias.offset(), bd, f, f);
        }
        final ClampActivation.Bounds clamp = ClampActivation.of(act);
        final float lo = clamp != null ? clamp.lower() : Float.NEGATIVE_INFINITY;
        final float hi = clamp != null ? clamp.upper() : Float.POSITIVE_INFINITY;
        final Activation fused = act != null && clamp == null && act.elementWise() ? act : null;
        final float[] xd = x.data(), yd = y.data();
        final int xo = x.offset(), yo = y.offset();
        long cost = 2L * band * ow * kh * segLen * f;
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        ctx.parallelFor(batch * perImage, cost, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                for (int item = from; item < to; item++) {
                    int b = item / perImage, oy0 = item % perImage * band, oy1 = Math.min(oh, oy0 + band);
                    int iyLo = Math.max(0, oy0 * sh - pt), iyHi = Math.min(h, (oy1 - 1) * sh - pt + reach);
                    float[] a = PackBuffers.get(Math.max(1, iyHi - iyLo) * rowFloats);
                    for (int iy = iyLo, d = 0; iy < iyHi; iy++, d += rowFloats) {
                        GemmConv.copyPadded(xd, xo + (b * h + iy) * w * c, w * c, a, d, pl * c, rowFloats);
                    }
                    for (int oy = oy0; oy < oy1; oy++) {
                        int iy0 = oy * sh - pt;
                        int kyLo = ConvKernels.firstInside(iy0, dh), kyHi = ConvKernels.endInside(iy0, dh, h, kh);
                        int yRow = yo + (b * oh + oy) * ow * f;
                        if (kyLo >= kyHi) { // no kernel row inside the input: the bias alone
                            for (int q = 0; q < ow * f; q++) {
                                float v = 0f;
                                if (bd != null) {
                                    v += bd[q % f];
                                }
                                yd[yRow + q] = Math.min(Math.max(v, lo), hi);
                            }
                            continue;
                        }
                        int aRow = (iy0 + kyLo * dh - iyLo) * rowFloats;
                        for (int ox = 0; ox < ow; ox += p) {
                            mk.convPairTile(a, aRow + ox * lda, lda, segLen, dh * rowFloats, kyHi - kyLo, wd,
                                    kyLo * segLen * 2 * f, yd, yRow + ox * f, f, Math.min(p, ow - ox), bd, 0, lo, hi);
                        }
                    }
                    if (fused != null) {
                        int yb = yo + (b * oh + oy0) * ow * f;
                        fused.apply(yd, yb, yd, yb, (oy1 - oy0) * ow * f, f);
                    }
                }
            }
        });
        if (act != null && clamp == null && fused == null) {
            ConvKernels.activateRows(y, act, ctx);
        }
    }
}
