package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.ClampActivation;
import io.cnnkit.engine.kernel.GemmMicroKernel;

/**
 * A 3x3 convolution at stride 1 (ungrouped, undilated) by Winograd's F(2x2, 3x3), on a kernel
 * that offers it ({@link GemmMicroKernel#winograd()}): each 2x2 block of outputs (a tile) comes
 * from its 4x4 input patch d as Y = A<sup>T</sup> [(G g G<sup>T</sup>) (.) (B<sup>T</sup> d B)] A,
 * summed over input channels. The kernel is transformed once per layer (U = G g G<sup>T</sup>,
 * {@link #transform}); per work item the input patches are transformed
 * ({@link GemmMicroKernel#winogradInput}), each of the 16 transform elements is one GEMM of the
 * item's tiles (rows) by channels (K) by filters ({@link GemmMicroKernel#tileRows}), and the
 * output transform adds the bias and applies a clamp (relu, relu6) in its store
 * ({@link GemmMicroKernel#winogradOutput}). 16 multiply-adds per tile, channel and filter where
 * the direct sum takes 36; the transforms add and subtract only.
 *
 * <p>Rounding: not the direct sum's bits. The transforms of the weights (halves of sums) and of
 * the inputs (differences) are rounded, and the products are summed per transform element: on
 * the benchmarks' layers the largest difference from the float64 convolution is a few times the
 * direct sum's, about 1e-6 of the largest output (VectorWinogradTest bounds it with the other
 * vector kernels' tolerance).
 *
 * <p>A work item is a run of {@link #tilesPerItem} tiles (flat over images, tile rows and
 * columns: small images share items, so the GEMMs keep tall tiles), a property of the shapes:
 * every output is computed by one item in a fixed order, so the results are the same for every
 * thread count. For each run of its tiles along a tile row the item copies the four input rows
 * with their zero padding, so tiles at the edges need no special case.
 */
final class WinogradConv {
    /** Filters per GEMM panel (the U matrices are packed in panels this wide, zero-padded). */
    static final int NB = GemmConv.NB;
    /** Floats of transformed inputs and GEMM outputs an item keeps (512 KB: half of Zen 5's L2). */
    static final int ITEM_BUDGET = 1 << 17;
    /** Tiles per item at most. */
    static final int MAX_TILES = 64;
    /**
     * Fewest input channels and filters: below them the transforms (per tile and channel or
     * filter) weigh too much against the GEMMs they save (K = channels), and the direct row
     * kernels for one vector of channels or filters are already fast. W3 (32 and 64 channels)
     * ran 0.99 to 1.10 of ONNX Runtime with 32 here, 0.79 to 0.82 with 64.
     */
    static final int MIN_CHANNELS = 32;
    static final int MIN_FILTERS = 32;
    /**
     * Floats of transformed kernel a layer keeps at most (16 MB; 16/9 of its weights, 64 filters
     * a panel): far more than the GEMM's panels ({@link GemmConv#KEPT_PANELS}), since the
     * transform reads every weight and writes 16/9 as many values, work a call would otherwise
     * repeat for a layer whose GEMMs are 2.25 times smaller than the direct sum's.
     */
    static final int KEPT_TRANSFORM = 1 << 22;

    private WinogradConv() {
    }

    /** Whether {@link ConvKernels#conv2d} takes this convolution through Winograd on {@code mk}. */
    static boolean applies(Tensor kernel, ConvKernels.Geometry g, GemmMicroKernel mk) {
        return mk.winograd() && mk.blockRows() > 0 && kernel.dim(0) == 3 && kernel.dim(1) == 3 && g.sh() == 1
                && g.sw() == 1 && g.dh() == 1 && g.dw() == 1 && g.groups() == 1 && kernel.dim(2) >= MIN_CHANNELS
                && kernel.dim(3) >= MIN_FILTERS;
    }

    /**
     * U = G g G<sup>T</sup> for every (channel, filter), G = [[1, 0, 0], [1/2, 1/2, 1/2],
     * [1/2, -1/2, 1/2], [0, 0, 1]], packed for the GEMMs: element xi = 4i + j of channel ci and
     * filter fo at {@code ((xi * panels + fo / NB) * c + ci) * NB + fo % NB}, the last panel
     * zero-padded to NB filters.
     */
    static float[] transform(Tensor kernel) {
        return transform(kernel, new float[transformedSize(kernel)]);
    }

    /** Floats of a kernel's {@link #transform}. */
    static int transformedSize(Tensor kernel) {
        int c = kernel.dim(2), f = kernel.dim(3);
        return 16 * ((f + NB - 1) / NB) * c * NB;
    }

    /**
     * The kernel a layer keeps, transformed, or null when it would exceed {@link #KEPT_TRANSFORM}
     * (then each call transforms it again).
     */
    static float[] kept(Tensor kernel) {
        return transformedSize(kernel) > KEPT_TRANSFORM ? null : transform(kernel);
    }

    /** {@link #transform} into the first {@link #transformedSize} floats of {@code u}. */
    static float[] transform(Tensor kernel, float[] u) {
        int c = kernel.dim(2), f = kernel.dim(3), nbs = (f + NB - 1) / NB;
        float[] kd = kernel.data();
        Arrays.fill(u, 0, transformedSize(kernel), 0f);
        int ko = kernel.offset();
        float[] t = new float[12];
        for (int ci = 0; ci < c; ci++) {
            for (int fo = 0; fo < f; fo++) {
                // t = G g (4 x 3), by columns
                for (int j = 0; j < 3; j++) {
                    float g0 = kd[ko + (j * c + ci) * f + fo];
                    float g1 = kd[ko + ((3 + j) * c + ci) * f + fo];
                    float g2 = kd[ko + ((6 + j) * c + ci) * f + fo];
                    t[j] = g0;
                    t[3 + j] = 0.5f * (g0 + g1 + g2);
                    t[6 + j] = 0.5f * (g0 - g1 + g2);
                    t[9 + j] = g2;
                }
                // U = t G^T (4 x 4), by rows
                int base = (fo / NB * c + ci) * NB + fo % NB, step = nbs * c * NB;
                for (int i = 0; i < 4; i++) {
                    float a0 = t[3 * i], a1 = t[3 * i + 1], a2 = t[3 * i + 2];
                    int o = base + 4 * i * step;
                    u[o] = a0;
                    u[o + step] = 0.5f * (a0 + a1 + a2);
                    u[o + 2 * step] = 0.5f * (a0 - a1 + a2);
                    u[o + 3 * step] = a2;
                }
            }
        }
        return u;
    }

    /**
     * Tiles per work item: as many as keep the item's transformed inputs and GEMM outputs (16 x
     * (c + f) floats a tile) within {@link #ITEM_BUDGET}, at most {@link #MAX_TILES}, fewer when
     * that leaves fewer than {@link GemmConv#MIN_ITEMS} items (down to one micro-tile's rows), a
     * multiple of the micro-kernel's rows: a property of the shapes, never of the thread count.
     */
    static int tilesPerItem(long tiles, int c, int f, int rows) {
        int fit = Math.max(rows, Math.min(MAX_TILES, ITEM_BUDGET / (16 * (c + f))) / rows * rows);
        long few = (tiles / GemmConv.MIN_ITEMS + rows - 1) / rows * rows;
        return (int) Math.max(rows, Math.min(fit, few));
    }

    /**
     * The convolution into {@code y} ({@link ConvKernels#checkConv2d} shapes), {@code u} the
     * kernel's {@link #transform} (or null to transform it in this call).
     */
    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, GemmMicroKernel mk, float[] u) {
        ConvKernels.checkConv2d(x, kernel, bias, y, g);
        if (!applies(kernel, g, mk)) {
            throw new IllegalArgumentException("conv2d: Winograd F(2x2, 3x3) takes 3x3 kernels at stride 1 over at least "
                    + MIN_CHANNELS + " channels into " + MIN_FILTERS + " filters on a kernel that offers it, got kernel "
                    + kernel.shapeString() + " with " + g + " on " + mk.getClass().getName()
                    + "; use ConvKernels.conv2d, which picks the path");
        }
        final int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int f = kernel.dim(3), oh = y.dim(1), ow = y.dim(2);
        final int nbs = (f + NB - 1) / NB;
        if (u != null && u.length != transformedSize(kernel)) {
            throw new IllegalArgumentException("conv2d: a Winograd kernel of " + u.length + " floats does not fit kernel "
                    + kernel.shapeString() + "; transform it with WinogradConv.transform");
        }
        if (y.size() == 0) {
            return;
        }
        final float[] ut = u != null ? u : transform(kernel, PackBuffers.kernel(transformedSize(kernel)));
        final int br = mk.blockRows(Math.min(f, NB));
        final int th = (oh + 1) / 2, tw = (ow + 1) / 2, tiles = n * th * tw;
        final int bt = tilesPerItem(tiles, c, f, br);
        final int rowLen = (2 * bt + 2) * c;
        final int pt = g.padTop(), pl = g.padLeft();
        final float[] xd = x.data(), yd = y.data();
        final float[] bd = bias == null ? null : bias.data();
        final int xo = x.offset(), yo = y.offset(), bo = bias == null ? 0 : bias.offset();
        final ClampActivation.Bounds clamp = ClampActivation.of(act);
        final float lo = clamp != null ? clamp.lower() : Float.NEGATIVE_INFINITY;
        final float hi = clamp != null ? clamp.upper() : Float.POSITIVE_INFINITY;
        final boolean fuse = act != null && act.elementWise() && clamp == null;
        final long cost = 2L * 4 * bt * 9 * c * f;
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        ctx.parallelFor((tiles + bt - 1) / bt, cost, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                float[] rows = PackBuffers.rows(4 * rowLen);
                float[] v = PackBuffers.get(16 * bt * c);
                float[] m = PackBuffers.outputs(16 * bt * f);
                for (int item = from; item < to; item++) {
                    int t0 = item * bt, nt = Math.min(bt, tiles - t0);
                    // the item's tiles, in runs along a tile row (an item may span rows and images)
                    for (int t = t0; t < t0 + nt;) {
                        int b = t / (th * tw), ty = t % (th * tw) / tw, tx = t % tw;
                        int run = Math.min(t0 + nt - t, tw - tx);
                        copyRows(xd, xo + b * h * w * c, h, w, c, 2 * ty - pt, 2 * tx - pl, 2 * run + 2, rows, rowLen);
                        mk.winogradInput(rows, 0, rowLen, c, run, v, (t - t0) * c, nt * c);
                        t += run;
                    }
                    for (int xi = 0; xi < 16; xi++) {
                        for (int nb = 0; nb < nbs; nb++) {
                            int n0 = nb * NB, nw = Math.min(NB, f - n0);
                            int uOff = (xi * nbs + nb) * c * NB;
                            for (int r0 = 0; r0 < nt; r0 += br) {
                                mk.tileRows(v, (xi * nt + r0) * c, c, c, ut, uOff, NB, m, (xi * nt + r0) * f + n0, f, nw,
                                        Math.min(br, nt - r0), true, null, 0, Float.NEGATIVE_INFINITY,
                                        Float.POSITIVE_INFINITY);
                            }
                        }
                    }
                    for (int t = t0; t < t0 + nt;) {
                        int b = t / (th * tw), ty = t % (th * tw) / tw, tx = t % tw;
                        int run = Math.min(t0 + nt - t, tw - tx);
                        int oy = 2 * ty, outRows = Math.min(2, oh - oy), cols = Math.min(2 * run, ow - 2 * tx);
                        int yb = yo + ((b * oh + oy) * ow + 2 * tx) * f;
                        mk.winogradOutput(m, (t - t0) * f, nt * f, f, run, bd, bo, yd, yb, ow * f, outRows, cols, lo, hi);
                        if (fuse) {
                            for (int r = 0; r < outRows; r++) {
                                int o = yb + r * ow * f;
                                act.apply(yd, o, yd, o, cols * f, f);
                            }
                        }
                        t += run;
                    }
                }
            }
        });
        if (act != null && !fuse && clamp == null) {
            ConvKernels.activateRows(y, act, ctx);
        }
    }

    /**
     * Input rows iy0 .. iy0+3, columns ix0 .. ix0+cols-1 of one image into {@code rows} (each
     * {@code rowLen} floats), zeros where they lie outside the image (the padding).
     */
    private static void copyRows(float[] xd, int xo, int h, int w, int c, int iy0, int ix0, int cols, float[] rows,
            int rowLen) {
        int inLo = Math.max(0, -ix0), inHi = Math.min(cols, w - ix0);
        for (int i = 0; i < 4; i++) {
            int iy = iy0 + i, d = i * rowLen;
            if (iy < 0 || iy >= h || inHi <= inLo) {
                Arrays.fill(rows, d, d + cols * c, 0f);
                continue;
            }
            GemmConv.copyPadded(xd, xo + (iy * w + ix0 + inLo) * c, (inHi - inLo) * c, rows, d, inLo * c, cols * c);
        }
    }
}
