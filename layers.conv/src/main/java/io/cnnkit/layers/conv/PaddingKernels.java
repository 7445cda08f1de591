package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/** Zero padding of NHWC tensors: a naive per-element reference and a row-copying kernel. */
final class PaddingKernels {
    private PaddingKernels() {
    }

    /** Reference: every output element is either zero or the input element it maps to. */
    static void padNaive(Tensor x, Tensor y, int top, int left) {
        check(x, y, top, left);
        int n = y.dim(0), oh = y.dim(1), ow = y.dim(2), c = y.dim(3);
        int h = x.dim(1), w = x.dim(2);
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ci = 0; ci < c; ci++) {
                        int iy = oy - top, ix = ox - left;
                        boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                        y.set(inside ? x.get(b, iy, ix, ci) : 0f, b, oy, ox, ci);
                    }
                }
            }
        }
    }

    /** One work item per output row: zeros for padding rows, else zeros | input row | zeros. */
    static void pad(Tensor x, Tensor y, int top, int left, ExecutionContext ctx) {
        check(x, y, top, left);
        final int oh = y.dim(1), ow = y.dim(2), c = y.dim(3);
        final int h = x.dim(1), w = x.dim(2);
        final float[] xd = x.data(), yd = y.data();
        final int xo = x.offset(), yo = y.offset();
        final int rowLen = ow * c, inRow = w * c, leftLen = left * c;
        ctx.parallelFor(y.dim(0) * oh, rowLen, (from, to) -> {
            for (int r = from; r < to; r++) {
                int b = r / oh, oy = r % oh, iy = oy - top;
                int yb = yo + r * rowLen;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(yd, yb, yb + rowLen, 0f);
                    continue;
                }
                Arrays.fill(yd, yb, yb + leftLen, 0f);
                System.arraycopy(xd, xo + (b * h + iy) * inRow, yd, yb + leftLen, inRow);
                Arrays.fill(yd, yb + leftLen + inRow, yb + rowLen, 0f);
            }
        });
    }

    static void check(Tensor x, Tensor y, int top, int left) {
        if (x.rank() != 4 || y.rank() != 4) {
            throw new IllegalArgumentException("zero_padding2d: input and output must be NHWC (N, H, W, C), got "
                    + x.shapeString() + " and " + y.shapeString());
        }
        if (top < 0 || left < 0 || y.dim(0) != x.dim(0) || y.dim(3) != x.dim(3) || y.dim(1) < x.dim(1) + top
                || y.dim(2) < x.dim(2) + left) {
            throw new IllegalArgumentException("zero_padding2d: output " + y.shapeString() + " cannot hold input "
                    + x.shapeString() + " padded by " + top + " rows on top and " + left
                    + " columns on the left; size it with the layer's outputShape");
        }
        ConvKernels.checkNoAlias("zero_padding2d", y, x);
    }
}
