package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/**
 * Transposed convolution (TensorFlow's conv2d_transpose) on NHWC tensors with Keras's kernel
 * (kh, kw, filters, in_channels), computed in gather form: output (oy, ox, f) sums
 * {@code x[iy, ix, c] * kernel[ky, kx, f, c]} over the taps with {@code iy*sh + ky = oy + padTop}
 * and {@code ix*sw + kx = ox + padLeft} inside the input, in the order kernel row, kernel column,
 * input channel, then adds the bias. The naive reference and the row-tiled kernel add the same
 * products in that order, so they agree bit for bit and for every thread count.
 */
final class TransposeConvKernels {
    private TransposeConvKernels() {
    }

    /** Reference: plain loops over every output element and every tap, then the activation. */
    static void conv2dTransposeNaive(Tensor x, Tensor kernel, Tensor bias, Tensor y, int sh, int sw, int padTop,
            int padLeft, Activation act) {
        check(x, kernel, bias, y, sh, sw, padTop, padLeft);
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = kernel.dim(0), kw = kernel.dim(1), f = kernel.dim(2);
        int oh = y.dim(1), ow = y.dim(2);
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int fo = 0; fo < f; fo++) {
                        float acc = 0f;
                        for (int ky = 0; ky < kh; ky++) {
                            int ty = oy + padTop - ky;
                            if (ty < 0 || ty % sh != 0 || ty / sh >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < kw; kx++) {
                                int tx = ox + padLeft - kx;
                                if (tx < 0 || tx % sw != 0 || tx / sw >= w) {
                                    continue;
                                }
                                for (int ci = 0; ci < c; ci++) {
                                    acc += x.get(b, ty / sh, tx / sw, ci) * kernel.get(ky, kx, fo, ci);
                                }
                            }
                        }
                        if (bias != null) {
                            acc += bias.get(fo);
                        }
                        y.set(acc, b, oy, ox, fo);
                    }
                }
            }
        }
        if (act != null) {
            act.apply(y.data(), y.offset(), y.data(), y.offset(), y.size(), f);
        }
    }

    /**
     * One work item per output row (image, oy). The kernel is repacked once per call as
     * (kh, kw, in, filters) so the innermost loop runs over the filters with unit stride
     * ({@code y[f] += x[c] * k[ky, kx, c, f]}); per output element the order of the products is
     * still kernel row, kernel column, input channel.
     */
    static void conv2dTranspose(Tensor x, Tensor kernel, Tensor bias, Tensor y, int sh, int sw, int padTop,
            int padLeft, Activation act, ExecutionContext ctx) {
        check(x, kernel, bias, y, sh, sw, padTop, padLeft);
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int kh = kernel.dim(0), kw = kernel.dim(1), f = kernel.dim(2);
        final int oh = y.dim(1), ow = y.dim(2);
        final float[] kp = repack(kernel);
        final float[] xd = x.data(), yd = y.data();
        final float[] bd = bias == null ? null : bias.data();
        final int xo = x.offset(), yo = y.offset(), bo = bias == null ? 0 : bias.offset();
        final int rowLen = ow * f;
        final boolean fuse = act != null && act.elementWise();
        long taps = (long) ((kh + sh - 1) / sh) * ((kw + sw - 1) / sw);
        long cost = 2L * ow * taps * c * f + rowLen;
        ctx.parallelFor(x.dim(0) * oh, cost, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, oy = row % oh;
                int yr = yo + row * rowLen;
                Arrays.fill(yd, yr, yr + rowLen, 0f);
                int ty = oy + padTop;
                // taps ky = ty (mod sh) with 0 <= iy = (ty - ky) / sh < h, in increasing order
                for (int ky = Math.max(ty % sh, ty - (h - 1) * sh); ky < kh && ky <= ty; ky += sh) {
                    int xrow = xo + (b * h + (ty - ky) / sh) * w * c;
                    for (int ox = 0; ox < ow; ox++) {
                        int tx = ox + padLeft;
                        int yb = yr + ox * f;
                        for (int kx = Math.max(tx % sw, tx - (w - 1) * sw); kx < kw && kx <= tx; kx += sw) {
                            int xb = xrow + (tx - kx) / sw * c;
                            int wb = (ky * kw + kx) * c * f;
                            for (int ci = 0; ci < c; ci++, wb += f) {
                                float xv = xd[xb + ci];
                                for (int fo = 0; fo < f; fo++) {
                                    yd[yb + fo] += xv * kp[wb + fo];
                                }
                            }
                        }
                    }
                }
                if (bd != null) {
                    for (int ox = 0, yb = yr; ox < ow; ox++, yb += f) {
                        for (int fo = 0; fo < f; fo++) {
                            yd[yb + fo] += bd[bo + fo];
                        }
                    }
                }
                if (fuse) {
                    act.apply(yd, yr, yd, yr, rowLen, f);
                }
            }
        });
        if (act != null && !fuse) {
            ConvKernels.activateRows(y, act, ctx);
        }
    }

    /** (kh, kw, filters, in) -> (kh, kw, in, filters). */
    private static float[] repack(Tensor kernel) {
        int kh = kernel.dim(0), kw = kernel.dim(1), f = kernel.dim(2), c = kernel.dim(3);
        float[] kd = kernel.data();
        int ko = kernel.offset();
        float[] kp = new float[kh * kw * c * f];
        for (int t = 0; t < kh * kw; t++) {
            int src = ko + t * f * c, dst = t * c * f;
            for (int fo = 0; fo < f; fo++) {
                for (int ci = 0; ci < c; ci++) {
                    kp[dst + ci * f + fo] = kd[src + fo * c + ci];
                }
            }
        }
        return kp;
    }

    static void check(Tensor x, Tensor kernel, Tensor bias, Tensor y, int sh, int sw, int padTop, int padLeft) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("conv2d_transpose: the input must be NHWC (N, H, W, C), got shape "
                    + x.shapeString());
        }
        if (kernel.rank() != 4 || kernel.dim(3) != x.dim(3)) {
            throw new IllegalArgumentException("conv2d_transpose: the kernel must be (kh, kw, filters, " + x.dim(3)
                    + ") for the input " + x.shapeString() + " (Keras's Conv2DTranspose layout), got "
                    + kernel.shapeString());
        }
        int f = kernel.dim(2);
        if (bias != null && !bias.hasShape(f)) {
            throw new IllegalArgumentException("conv2d_transpose: bias " + bias.shapeString() + " does not fit " + f
                    + " filters; it must have shape (" + f + ",)");
        }
        if (sh < 1 || sw < 1 || padTop < 0 || padLeft < 0 || padTop >= kernel.dim(0) || padLeft >= kernel.dim(1)) {
            throw new IllegalArgumentException("conv2d_transpose: strides " + sh + "x" + sw + " must be >= 1 and the "
                    + "cropping " + padTop + "/" + padLeft + " must lie inside the " + kernel.dim(0) + "x"
                    + kernel.dim(1) + " kernel");
        }
        if (y.rank() != 4 || y.dim(0) != x.dim(0) || y.dim(3) != f) {
            throw new IllegalArgumentException("conv2d_transpose: output " + y.shapeString() + " does not fit input "
                    + x.shapeString() + "; it must be (" + x.dim(0) + ", out_h, out_w, " + f
                    + ") as the layer's outputShape gives");
        }
        ConvKernels.checkNoAlias("conv2d_transpose", y, x, kernel, bias);
    }
}
