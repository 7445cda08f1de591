package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.ClampActivation;
import io.cnnkit.engine.kernel.DepthwiseMicroKernel;

/**
 * Depthwise convolution kernels (TensorFlow's depthwise_conv2d): kernel (kh, kw, C, M);
 * output channel {@code c*M + m} filters input channel {@code c} with kernel[:, :, c, m].
 * Naive reference and tiled kernel sum in the same order (kernel row, kernel column, then
 * the bias), so they agree bit for bit and for every thread count.
 */
final class DepthwiseKernels {
    private DepthwiseKernels() {
    }

    /** Reference: plain nested loops, then the activation over the whole output. */
    static void depthwiseNaive(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g,
            Activation act) {
        check(x, kernel, bias, y, g);
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = kernel.dim(0), kw = kernel.dim(1), m = kernel.dim(3);
        int oh = y.dim(1), ow = y.dim(2), cm = c * m;
        float[] xd = x.data(), kd = kernel.data(), yd = y.data();
        int xo = x.offset(), ko = kernel.offset(), yo = y.offset();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ci = 0; ci < c; ci++) {
                        for (int mi = 0; mi < m; mi++) {
                            float acc = 0f;
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * g.sh() - g.padTop() + ky * g.dh();
                                    int ix = ox * g.sw() - g.padLeft() + kx * g.dw();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    acc += xd[xo + ((b * h + iy) * w + ix) * c + ci]
                                            * kd[ko + ((ky * kw + kx) * c + ci) * m + mi];
                                }
                            }
                            if (bias != null) {
                                acc += bias.data()[bias.offset() + ci * m + mi];
                            }
                            yd[yo + ((b * oh + oy) * ow + ox) * cm + ci * m + mi] = acc;
                        }
                    }
                }
            }
        }
        if (act != null) {
            act.apply(yd, yo, yd, yo, y.size(), cm);
        }
    }

    /**
     * Tiled depthwise conv. Work items are (batch, output row, block of input channels with
     * all their M outputs). Per tap the kernel slice (C, M) is contiguous in output-channel
     * order, so the inner loop walks output channels with unit stride. With a backend's
     * {@link DepthwiseMicroKernel} (depth_multiplier 1) each output pixel's channel block is one
     * call that keeps the sums in registers across the taps; the items are the same.
     */
    static void depthwise(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, DepthwiseMicroKernel dk) {
        check(x, kernel, bias, y, g);
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int kh = kernel.dim(0), kw = kernel.dim(1), m = kernel.dim(3);
        final int oh = y.dim(1), ow = y.dim(2), cm = c * m;
        // The scalar loops keep a block of outputs in L1 across the taps; the micro-kernel keeps its
        // sums in registers, so it takes every channel of a pixel at once (fewer, longer calls,
        // and rows of any width run as row runs below). Blocks change no output's chain.
        final int blockC = dk != null && m == 1 ? c : Math.max(1, Math.min(c, ConvKernels.CHANNEL_BLOCK / m));
        final int blocks = (c + blockC - 1) / blockC;
        final int sh = g.sh(), sw = g.sw(), dh = g.dh(), dw = g.dw(), pt = g.padTop(), pl = g.padLeft();
        final float[] xd = x.data(), kd = kernel.data(), yd = y.data();
        final float[] bd = bias == null ? null : bias.data();
        final int xo = x.offset(), ko = kernel.offset(), yo = y.offset(), bo = bias == null ? 0 : bias.offset();
        final boolean fuse = act != null && act.elementWise();
        // one block holds every channel: an item's outputs are one contiguous output row, and the
        // activation runs once over it (one call per row, not per pixel: MobileNet's rows have
        // 8 to 256 channels per pixel, too few for the activation's loop to pay its entry)
        final boolean wholeRows = blocks == 1;
        int items = x.dim(0) * oh * blocks;
        long cost = 2L * ow * kh * kw * blockC * m;
        // 3x3 over whole vectors of channels: every output row one row-kernel call over zero-padded input rows
        if (dk != null && m == 1 && PaddedRows.applies(kh, kw, g, c)) {
            PaddedRows.depthwise(x, kernel, bias, y, g, act, ctx, dk);
            return;
        }
        if (dk != null && m == 1) {
            // Row runs: with stride 1 and one block, the output pixels whose taps all lie inside
            // the row (oxLo..oxHi) read, per tap, one contiguous stretch of the input, and write
            // one contiguous stretch of the output. Against a kernel tiled once per pixel of the
            // run they are a single micro-kernel call of run x c channels: every output is the
            // same chain (taps in order, then the bias) as in a call per pixel, so the same bits,
            // but the calls' fixed cost is paid once per row and the channel vectors of
            // neighbouring pixels are independent sums the core overlaps (with 8 or 16 channels
            // one pixel's taps are a single chain of dependent multiply-adds).
            int lo = 0, hi = ow;
            while (lo < ow && (ConvKernels.firstInside(lo * sw - pl, dw) != 0
                    || ConvKernels.endInside(lo * sw - pl, dw, w, kw) != kw)) {
                lo++;
            }
            while (hi > lo && ConvKernels.endInside((hi - 1) * sw - pl, dw, w, kw) != kw) {
                hi--;
            }
            final int oxLo = lo, run = hi - lo;
            // kw = 3 kernels that PaddedRows does not take (dilated rows, kh != 3) over whole
            // vectors of channels, or 8 channels at stride 1 (two pixels per vector): the
            // interior of a row is one call of the backend's row
            // kernel, which keeps the weights in registers and clamps a relu or relu6 in its store
            // (other channel counts, e.g. 24, vectorise better as row runs)
            final boolean rowCalls = kw == 3 && dw == 1 && run >= 1
                    && (c % GemmConv.WIDEST_VECTOR == 0 || c * 2 == GemmConv.WIDEST_VECTOR && sw == 1);
            final boolean runs = !rowCalls && sw == 1 && blocks == 1 && run >= 2;
            final float[] wt = runs ? tile(kd, ko, kh * kw, c, run) : null;
            final float[] bt = runs && bd != null ? tile(bd, bo, 1, c, run) : null;
            final ClampActivation.Bounds clamp = rowCalls ? ClampActivation.of(act) : null;
            final float clampLo = clamp != null ? clamp.lower() : Float.NEGATIVE_INFINITY;
            final float clampHi = clamp != null ? clamp.upper() : Float.POSITIVE_INFINITY;
            // a clamp is applied per call (the row kernel's store, each edge pixel), not per row
            final boolean rowPass = fuse && wholeRows && clamp == null;
            // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
            ctx.parallelFor(items, cost, new ExecutionContext.RangeBody() {
                @Override
                public void run(int from, int to) {
                    int[] xOff = new int[kh * kw];
                    int[] wOff = new int[kh * kw];
                    int[] xRow = new int[kh];
                    int[] wRow = new int[kh];
                    for (int item = from; item < to; item++) {
                        int blk = item % blocks, row = item / blocks, oy = row % oh, b = row / oh;
                        int o0 = blk * blockC, o1 = Math.min(o0 + blockC, c);
                        int iy0 = oy * sh - pt;
                        int kyLo = ConvKernels.firstInside(iy0, dh);
                        int kyHi = ConvKernels.endInside(iy0, dh, h, kh);
                        for (int ox = 0; ox < ow; ox++) {
                            int yb = yo + ((b * oh + oy) * ow + ox) * cm + o0;
                            if (rowCalls && ox == oxLo && kyLo < kyHi) {
                                int rows = 0;
                                for (int ky = kyLo; ky < kyHi; ky++, rows++) {
                                    xRow[rows] = xo + ((b * h + iy0 + ky * dh) * w + ox * sw - pl) * c;
                                    wRow[rows] = ko + ky * kw * c;
                                }
                                dk.row(xd, xRow, rows, kw, sw, kd, wRow, bd, bo, yd, yb, run, c, clampLo, clampHi);
                                ox += run - 1;
                                continue;
                            }
                            if (runs && ox == oxLo) {
                                int ix0 = ox - pl, taps = 0;
                                for (int ky = kyLo; ky < kyHi; ky++) {
                                    int xrow = xo + ((b * h + iy0 + ky * dh) * w) * c;
                                    for (int kx = 0; kx < kw; kx++, taps++) {
                                        xOff[taps] = xrow + (ix0 + kx * dw) * c;
                                        wOff[taps] = (ky * kw + kx) * run * c;
                                    }
                                }
                                dk.pixel(xd, xOff, wt, wOff, taps, bt, 0, yd, yb, run * c);
                                ox += run - 1;
                                continue;
                            }
                            int ix0 = ox * sw - pl;
                            int kxLo = ConvKernels.firstInside(ix0, dw);
                            int kxHi = ConvKernels.endInside(ix0, dw, w, kw);
                            int taps = 0;
                            for (int ky = kyLo; ky < kyHi; ky++) {
                                int xrow = xo + ((b * h + iy0 + ky * dh) * w) * c + o0;
                                for (int kx = kxLo; kx < kxHi; kx++, taps++) {
                                    xOff[taps] = xrow + (ix0 + kx * dw) * c;
                                    wOff[taps] = ko + (ky * kw + kx) * cm + o0;
                                }
                            }
                            dk.pixel(xd, xOff, kd, wOff, taps, bd, bo + o0, yd, yb, o1 - o0);
                            if (fuse && !rowPass) {
                                act.apply(yd, yb, yd, yb, o1 - o0, o1 - o0);
                            }
                        }
                        if (rowPass) {
                            int y0 = yo + (b * oh + oy) * ow * cm;
                            act.apply(yd, y0, yd, y0, ow * cm, cm);
                        }
                    }
                }
            });
            if (act != null && !fuse) {
                ConvKernels.activateRows(y, act, ctx);
            }
            return;
        }
        ctx.parallelFor(items, cost, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                for (int item = from; item < to; item++) {
                    int blk = item % blocks;
                    int row = item / blocks;
                    int oy = row % oh;
                    int b = row / oh;
                    int c0 = blk * blockC;
                    int c1 = Math.min(c0 + blockC, c);
                    int o0 = c0 * m, o1 = c1 * m;
                    int iy0 = oy * sh - pt;
                    int kyLo = ConvKernels.firstInside(iy0, dh);
                    int kyHi = ConvKernels.endInside(iy0, dh, h, kh);
                    for (int ox = 0; ox < ow; ox++) {
                        int yb = yo + ((b * oh + oy) * ow + ox) * cm;
                        for (int o = o0; o < o1; o++) {
                            yd[yb + o] = 0f;
                        }
                        int ix0 = ox * sw - pl;
                        int kxLo = ConvKernels.firstInside(ix0, dw);
                        int kxHi = ConvKernels.endInside(ix0, dw, w, kw);
                        for (int ky = kyLo; ky < kyHi; ky++) {
                            int xrow = xo + ((b * h + iy0 + ky * dh) * w) * c;
                            for (int kx = kxLo; kx < kxHi; kx++) {
                                int xb = xrow + (ix0 + kx * dw) * c;
                                int wb = ko + (ky * kw + kx) * cm;
                                if (m == 1) {
                                    for (int o = o0; o < o1; o++) {
                                        yd[yb + o] += xd[xb + o] * kd[wb + o];
                                    }
                                } else {
                                    for (int ci = c0; ci < c1; ci++) {
                                        float xv = xd[xb + ci];
                                        int base = ci * m;
                                        for (int mi = 0; mi < m; mi++) {
                                            yd[yb + base + mi] += xv * kd[wb + base + mi];
                                        }
                                    }
                                }
                            }
                        }
                        if (bd != null) {
                            for (int o = o0; o < o1; o++) {
                                yd[yb + o] += bd[bo + o];
                            }
                        }
                        if (fuse && !wholeRows) {
                            act.apply(yd, yb + o0, yd, yb + o0, o1 - o0, o1 - o0);
                        }
                    }
                    if (fuse && wholeRows) {
                        int y0 = yo + (b * oh + oy) * ow * cm;
                        act.apply(yd, y0, yd, y0, ow * cm, cm);
                    }
                }
            }
        });
        if (act != null && !fuse) {
            ConvKernels.activateRows(y, act, ctx);
        }
    }

    /** {@code rows} rows of {@code c} floats from {@code a[off]}, each repeated {@code times} times in a row. */
    private static float[] tile(float[] a, int off, int rows, int c, int times) {
        float[] t = new float[rows * times * c];
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < times; p++) {
                System.arraycopy(a, off + r * c, t, (r * times + p) * c, c);
            }
        }
        return t;
    }

    static void check(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("depthwise_conv2d: the input must be NHWC (N, H, W, C), got shape "
                    + x.shapeString());
        }
        if (kernel.rank() != 4 || kernel.dim(2) != x.dim(3)) {
            throw new IllegalArgumentException("depthwise_conv2d: the kernel must be (kh, kw, " + x.dim(3)
                    + ", depth_multiplier) for the input " + x.shapeString() + ", got " + kernel.shapeString());
        }
        if (g.groups() != 1) {
            throw new IllegalArgumentException("depthwise_conv2d: groups must be 1 (every channel is its own group), "
                    + "got " + g.groups());
        }
        int cm = kernel.dim(2) * kernel.dim(3);
        if (bias != null && !bias.hasShape(cm)) {
            throw new IllegalArgumentException("depthwise_conv2d: bias " + bias.shapeString() + " must have shape ("
                    + cm + ",) = channels x depth_multiplier");
        }
        ConvKernels.checkOutput("depthwise_conv2d", x, y, cm, kernel.dim(0), kernel.dim(1), g);
        ConvKernels.checkNoAlias("depthwise_conv2d", y, x, kernel, bias);
    }
}
