package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/**
 * Up-sampling and cropping of NHWC tensors: nearest (repeat rows and columns, as Keras's
 * UpSampling2D), bilinear exactly as TensorFlow's resize_bilinear with half_pixel_centers (what
 * Keras 2's UpSampling2D and Keras 3's ops.image.resize use), and cropping by row copies. One
 * work item per output row; every output element is written by exactly one task, with
 * arithmetic fixed by the shapes, so results are the same for every thread count.
 */
final class ResizeKernels {
    private ResizeKernels() {
    }

    /** Nearest up-sampling by integer factors: output (oy, ox) is input (oy / fh, ox / fw). */
    static void nearest(Tensor x, Tensor y, int fh, int fw, ExecutionContext ctx) {
        checkUpSampling(x, y, fh, fw);
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final float[] xd = x.data(), yd = y.data();
        final int xo = x.offset(), yo = y.offset();
        final int rowLen = ow * c;
        ctx.parallelFor(y.dim(0) * oh, rowLen, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, oy = row % oh;
                int xr = xo + (b * h + oy / fh) * w * c;
                int yr = yo + row * rowLen;
                for (int ix = 0; ix < w; ix++) {
                    for (int j = 0; j < fw; j++, yr += c) {
                        System.arraycopy(xd, xr + ix * c, yd, yr, c);
                    }
                }
            }
        });
    }

    /**
     * TensorFlow's half-pixel source position of every output index along one axis: the lower and
     * upper input index and the weight of the upper one, in float as TensorFlow computes them
     * ({@code in = (i + 0.5f) * (size / (float) out) - 0.5f}; lower {@code max(floor(in), 0)},
     * upper {@code min(ceil(in), size - 1)}, lerp {@code in - floor(in)}).
     */
    record Axis(int[] lower, int[] upper, float[] lerp) {
        static Axis of(int size, int out) {
            int[] lo = new int[out];
            int[] hi = new int[out];
            float[] lerp = new float[out];
            float scale = size / (float) out;
            for (int i = 0; i < out; i++) {
                float in = (i + 0.5f) * scale - 0.5f;
                float inF = (float) Math.floor(in);
                lo[i] = Math.max((int) inF, 0);
                hi[i] = Math.min((int) Math.ceil(in), size - 1);
                lerp[i] = in - inF;
            }
            return new Axis(lo, hi, lerp);
        }
    }

    /**
     * Bilinear up-sampling (half-pixel centres, no antialiasing), TensorFlow's formula:
     * {@code top = tl + (tr - tl) * xl}, {@code bottom = bl + (br - bl) * xl},
     * {@code out = top + (bottom - top) * yl}, all in float.
     */
    static void bilinear(Tensor x, Tensor y, int fh, int fw, ExecutionContext ctx) {
        checkUpSampling(x, y, fh, fw);
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final Axis ya = Axis.of(h, oh), xa = Axis.of(w, ow);
        final float[] xd = x.data(), yd = y.data();
        final int xo = x.offset(), yo = y.offset();
        final int rowLen = ow * c;
        ctx.parallelFor(y.dim(0) * oh, 8L * rowLen, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, oy = row % oh;
                int top = xo + (b * h + ya.lower()[oy]) * w * c;
                int bottom = xo + (b * h + ya.upper()[oy]) * w * c;
                float yl = ya.lerp()[oy];
                int yb = yo + row * rowLen;
                for (int ox = 0; ox < ow; ox++, yb += c) {
                    int l = xa.lower()[ox] * c, r = xa.upper()[ox] * c;
                    float xl = xa.lerp()[ox];
                    for (int ci = 0; ci < c; ci++) {
                        float tl = xd[top + l + ci], tr = xd[top + r + ci];
                        float bl = xd[bottom + l + ci], br = xd[bottom + r + ci];
                        float t = tl + (tr - tl) * xl;
                        float bo = bl + (br - bl) * xl;
                        yd[yb + ci] = t + (bo - t) * yl;
                    }
                }
            }
        });
    }

    /** Output (oy, ox) is input (oy + top, ox + left); the output's size says how much remains. */
    static void crop(Tensor x, Tensor y, int top, int left, ExecutionContext ctx) {
        if (x.rank() != 4 || y.rank() != 4 || top < 0 || left < 0 || y.dim(0) != x.dim(0) || y.dim(3) != x.dim(3)
                || top + y.dim(1) > x.dim(1) || left + y.dim(2) > x.dim(2)) {
            throw new IllegalArgumentException("cropping2d: output " + y.shapeString() + " starting at row " + top
                    + ", column " + left + " does not lie inside the input " + x.shapeString()
                    + "; size it with the layer's outputShape");
        }
        ConvKernels.checkNoAlias("cropping2d", y, x);
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final float[] xd = x.data(), yd = y.data();
        final int xo = x.offset(), yo = y.offset();
        final int rowLen = ow * c;
        ctx.parallelFor(y.dim(0) * oh, rowLen, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, oy = row % oh;
                System.arraycopy(xd, xo + ((b * h + oy + top) * w + left) * c, yd, yo + row * rowLen, rowLen);
            }
        });
    }

    private static void checkUpSampling(Tensor x, Tensor y, int fh, int fw) {
        if (x.rank() != 4 || y.rank() != 4 || fh < 1 || fw < 1 || y.dim(0) != x.dim(0) || y.dim(3) != x.dim(3)
                || (long) x.dim(1) * fh != y.dim(1) || (long) x.dim(2) * fw != y.dim(2)) {
            throw new IllegalArgumentException("up_sampling2d: output " + y.shapeString() + " is not the input "
                    + x.shapeString() + " up-sampled by " + fh + "x" + fw + "; size it with the layer's outputShape");
        }
        ConvKernels.checkNoAlias("up_sampling2d", y, x);
    }
}
