package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.GemmMicroKernel;

/**
 * Convolution kernels on NHWC tensors with Keras's kernel layout (kh, kw, in/groups, out):
 * a naive reference (the test oracle) and the scalar fast path ({@link GemmConv},
 * {@link FewFilterConv}) run through {@link ExecutionContext#parallelFor}.
 *
 * <p>All of them sum every output element in the same fixed order (kernel row, kernel column,
 * input channel; the bias last), so the scalar fast kernels give bit-identical results to the
 * naive one and for every thread count: each work item is computed by exactly one task. (The
 * naive kernel skips taps outside the input; the GEMM adds their zero products, which leaves
 * a float sum that starts at +0 unchanged.) On a kernel backend that offers it, 3x3 layers at
 * stride 1 run as {@link WinogradConv}: the same bits for every thread count, equal to the
 * definition up to rounding.
 */
final class ConvKernels {
    /** Channels per depthwise work item: a contiguous inner loop long enough to vectorise. */
    static final int CHANNEL_BLOCK = 64;

    /**
     * Where the windows sit: strides, dilation, padding before (top/left; the rest of the
     * padding is implied by the output size) and groups.
     */
    record Geometry(int sh, int sw, int dh, int dw, int padTop, int padLeft, int groups) {
        Geometry {
            if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || groups < 1 || padTop < 0 || padLeft < 0) {
                throw new IllegalArgumentException("strides, dilation and groups must be >= 1 and padding >= 0, got "
                        + this);
            }
        }

        static Geometry of(Window w, int inH, int inW, int groups) {
            return new Geometry(w.sh(), w.sw(), w.dh(), w.dw(), w.padTop(inH), w.padLeft(inW), groups);
        }
    }

    private ConvKernels() {
    }

    // ---------------------------------------------------------------- conv2d

    /** Reference conv2d: seven plain nested loops, then the activation over the whole output. */
    static void conv2dNaive(Tensor x, Tensor kernel, Tensor bias, Tensor y, Geometry g, Activation act) {
        checkConv2d(x, kernel, bias, y, g);
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = kernel.dim(0), kw = kernel.dim(1), cg = kernel.dim(2), f = kernel.dim(3);
        int oh = y.dim(1), ow = y.dim(2);
        int fg = f / g.groups();
        float[] xd = x.data(), kd = kernel.data(), yd = y.data();
        int xo = x.offset(), ko = kernel.offset(), yo = y.offset();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int fo = 0; fo < f; fo++) {
                        int c0 = (fo / fg) * cg;
                        float acc = 0f;
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                for (int ci = 0; ci < cg; ci++) {
                                    int iy = oy * g.sh() - g.padTop() + ky * g.dh();
                                    int ix = ox * g.sw() - g.padLeft() + kx * g.dw();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    float xv = xd[xo + ((b * h + iy) * w + ix) * c + c0 + ci];
                                    float kv = kd[ko + ((ky * kw + kx) * cg + ci) * f + fo];
                                    acc += xv * kv;
                                }
                            }
                        }
                        if (bias != null) {
                            acc += bias.data()[bias.offset() + fo];
                        }
                        yd[yo + ((b * oh + oy) * ow + ox) * f + fo] = acc;
                    }
                }
            }
        }
        if (act != null) {
            act.apply(yd, yo, yd, yo, y.size(), f);
        }
    }

    /**
     * The scalar fast path: {@link PlanarFewFilterConv} (one group, horizontal stride 1) or
     * {@link FewFilterConv} when a group has at most {@link FewFilterConv#MAX_FILTERS} filters
     * (the walkthrough's 3-filter convs, memory-bound), else {@link GemmConv} with the
     * {@link ScalarMicroKernel}. All are exact: they add the same
     * products in the same order as {@link #conv2dNaive} (the GEMM's extra padding products are
     * +-0 and leave a sum that starts at +0 unchanged), so they agree with it bit for bit.
     */
    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, Geometry g, Activation act,
            ExecutionContext ctx) {
        conv2d(x, kernel, bias, y, g, act, ctx, ScalarMicroKernel.INSTANCE);
    }

    /** As {@link #conv2d(Tensor, Tensor, Tensor, Tensor, Geometry, Activation, ExecutionContext)}, GEMM on {@code mk}. */
    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, Geometry g, Activation act,
            ExecutionContext ctx, GemmMicroKernel mk) {
        conv2d(x, kernel, bias, y, g, act, ctx, mk, null);
    }

    /**
     * As above, on a kernel's fastest path: {@link WinogradConv} for 3x3 convolutions at stride 1
     * when {@code mk} offers it (results then equal the definition up to rounding, not bit for
     * bit), else the few-filter or GEMM paths. {@code panels} is the kernel as that path keeps it
     * ({@link WinogradConv#transform} or {@link GemmConv#panels}; see {@link #panels}), or null.
     */
    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, Geometry g, Activation act,
            ExecutionContext ctx, GemmMicroKernel mk, float[] panels) {
        if (WinogradConv.applies(kernel, g, mk)) {
            WinogradConv.conv2d(x, kernel, bias, y, g, act, ctx, mk, panels);
        } else if (PlanarFewFilterConv.applies(kernel, g)) {
            PlanarFewFilterConv.conv2d(x, kernel, bias, y, g, act, ctx, mk);
        } else if (FewFilterConv.applies(kernel, g)) {
            FewFilterConv.conv2d(x, kernel, bias, y, g, act, ctx);
        } else {
            GemmConv.conv2d(x, kernel, bias, y, g, act, ctx, mk, panels);
        }
    }

    /** The kernel as {@link #conv2d} keeps it for its path on {@code mk}, or null when that path reads it in place. */
    static float[] panels(Tensor kernel, Geometry g, GemmMicroKernel mk) {
        if (WinogradConv.applies(kernel, g, mk)) {
            return WinogradConv.kept(kernel);
        }
        return FewFilterConv.applies(kernel, g) ? null : GemmConv.panels(kernel, g, mk);
    }

    /** First kernel tap k (>= 0) with start + k*d >= 0. */
    static int firstInside(int start, int d) {
        return start >= 0 ? 0 : (-start + d - 1) / d;
    }

    /** One past the last kernel tap k (< taps) with start + k*d < size; may be <= firstInside. */
    static int endInside(int start, int d, int size, int taps) {
        if (start >= size) {
            return 0;
        }
        return Math.min(taps, (size - 1 - start) / d + 1);
    }

    /** A non-element-wise activation (softmax over channels) on whole output rows, in parallel. */
    static void activateRows(Tensor y, Activation act, ExecutionContext ctx) {
        final int rows = y.dim(0) * y.dim(1);
        final int rowLen = y.dim(2) * y.dim(3);
        final int channels = y.dim(3);
        final float[] yd = y.data();
        final int yo = y.offset();
        ctx.parallelFor(rows, 8L * rowLen, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = yo + r * rowLen;
                act.apply(yd, off, yd, off, rowLen, channels);
            }
        });
    }

    static void checkConv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, Geometry g) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("conv2d: the input must be NHWC (N, H, W, C), got shape "
                    + x.shapeString());
        }
        if (kernel.rank() != 4) {
            throw new IllegalArgumentException("conv2d: the kernel must be (kh, kw, in/groups, filters), got shape "
                    + kernel.shapeString());
        }
        int c = x.dim(3), cg = kernel.dim(2), f = kernel.dim(3);
        if (cg * g.groups() != c) {
            throw new IllegalArgumentException("conv2d: kernel " + kernel.shapeString() + " with groups " + g.groups()
                    + " expects " + (cg * g.groups()) + " input channels but the input " + x.shapeString() + " has " + c
                    + "; the kernel's third axis must be channels/groups");
        }
        if (f % g.groups() != 0) {
            throw new IllegalArgumentException("conv2d: " + f + " filters cannot be split into " + g.groups()
                    + " groups; use a filter count divisible by groups");
        }
        if (bias != null && !bias.hasShape(f)) {
            throw new IllegalArgumentException("conv2d: bias " + bias.shapeString() + " does not fit " + f
                    + " filters; it must have shape (" + f + ",)");
        }
        checkOutput("conv2d", x, y, f, kernel.dim(0), kernel.dim(1), g);
        checkNoAlias("conv2d", y, x, kernel, bias);
    }

    /**
     * The output must be (N, OH, OW, channels) with every window overlapping the input: the
     * first window may start at most span-1 cells before it, the last must start inside it.
     */
    static void checkOutput(String op, Tensor x, Tensor y, int channels, int kh, int kw, Geometry g) {
        if (y.rank() != 4 || y.dim(0) != x.dim(0) || y.dim(3) != channels || y.dim(1) < 1 || y.dim(2) < 1) {
            throw new IllegalArgumentException(op + ": output " + y.shapeString() + " does not fit input "
                    + x.shapeString() + "; it must be (" + x.dim(0) + ", out_h, out_w, " + channels
                    + ") as the layer's outputShape gives");
        }
        int spanH = (kh - 1) * g.dh() + 1, spanW = (kw - 1) * g.dw() + 1;
        boolean rowsFit = g.padTop() < spanH && (y.dim(1) - 1) * g.sh() - g.padTop() < x.dim(1);
        boolean colsFit = g.padLeft() < spanW && (y.dim(2) - 1) * g.sw() - g.padLeft() < x.dim(2);
        if (!rowsFit || !colsFit) {
            throw new IllegalArgumentException(op + ": output " + y.shapeString() + " with padding top/left "
                    + g.padTop() + "/" + g.padLeft() + " and strides " + g.sh() + "x" + g.sw()
                    + " needs windows outside the input " + x.shapeString()
                    + "; size the output with the layer's outputShape");
        }
    }

    static void checkNoAlias(String op, Tensor y, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t != null && y.overlaps(t)) {
                throw new IllegalArgumentException(op + ": the output " + y.shapeString() + " shares memory with an "
                        + "input " + t.shapeString() + "; give the kernel a separate output tensor (it does not "
                        + "work in place)");
            }
        }
    }
}
