package io.cnnkit.layers.conv;

import java.util.Arrays;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.ClampActivation;
import io.cnnkit.engine.kernel.GemmMicroKernel;

/**
 * conv2d as a blocked GEMM: output pixels are the rows (M), kernel taps x input channels the
 * reduction (K = kh*kw*cin/groups), filters the columns (N). Keras's kernel layout (kh, kw,
 * cin, cout) already is K x N with contiguous rows: read in place up to {@link #NB} filters,
 * else packed once per call into per-block panels.
 *
 * <p>A work item is a run of up to {@link #SEG} output pixels (flat over images, rows and
 * columns: small images share items) of one group; a small image gets shorter runs (down to
 * one micro-tile's rows) until there are {@link #MIN_ITEMS}, and an item covers all the group's
 * filters unless even then there are fewer than {@link #MIN_ITEMS} items. It packs the run's
 * input windows (im2col, zeros for padding taps) into one buffer of SEG x K floats (one per
 * thread, {@link PackBuffers}). Per block of {@link #NB} filters and per slice of {@link #KC} k
 * values (a K-slice of the kernel, KC x NB, stays in L1; read from dense per-block panels when
 * the kernel is wider than one block), a {@link GemmMicroKernel} adds the slice's products into
 * {@link #MR} pixels x NB outputs at a time, keeping its accumulators in registers; the first slice starts from zero and the last one adds
 * the bias before storing. Last, an element-wise activation runs over the item's outputs while
 * they are in cache.
 *
 * <p>A micro-kernel with a row-block variant ({@link GemmMicroKernel#tileRows}, the Vector API
 * one: 6 pixels) takes its rows straight from the im2col buffer (kLen apart), slices K by
 * {@link #KC_ROWS}, and applies a clamp activation (relu, relu6: {@link ClampActivation}) in its
 * last store instead of the pass over the outputs. Items are then a multiple of its rows long
 * (a property of the backend, never of the thread count).
 *
 * <p>A 1x1, stride-1, unpadded convolution (a pointwise layer) skips the packing: its im2col
 * rows are the input pixels, read in place. With the row-block kernel, any other ungrouped
 * convolution without horizontal dilation reads its rows' interiors in place too, one kernel row
 * at a time ({@link #rowsInPlace}); only the pixels near the left and right edges are packed.
 *
 * <p>A kernel with a row variant ({@link GemmMicroKernel#convRowTile}: the Vector API one for one
 * vector of input channels and one or two of filters) takes 3-tap-wide, stride-1 convolutions
 * straight from padded input rows ({@link #convRows}): each input value is loaded once for the
 * three output pixels it meets, where a GEMM tile that narrow loads a value per multiply-add.
 *
 * <p>A kernel with a pair variant ({@link GemmMicroKernel#convPairTile}: the Vector API one for
 * half a vector of filters) takes those convolutions whole ({@link PairConv}).
 *
 * <p>Determinism: item boundaries depend on the shapes only; each output element belongs to one
 * item and is summed over k = 0..K-1 in order (partial sums are stored and reloaded exactly;
 * padding taps add zero products), then the bias. So results are bit-identical for every
 * thread count and chunking.
 */
final class GemmConv {
    /** Output pixels per micro-tile. */
    static final int MR = GemmMicroKernel.ROWS;
    /** Filters per micro-tile pass. */
    static final int NB = 64;
    /** Floats in the widest vector a kernel backend uses (AVX-512). */
    static final int WIDEST_VECTOR = 16;
    /** k values per pass: a KC x NB kernel slice (32 KB) stays in L1 across the item's pixels. */
    static final int KC = 128;
    /**
     * k values per pass of the row-block kernel: its slice (192 KB for 64 filters) comes from L2,
     * but fewer stores and reloads of partial sums paid off: 128 -> 256 made W2, W3 and W4 1 to
     * 30% faster (thread CPU time, interleaved runs); 256 -> 768 took W4 (a 3x3 conv over 256
     * channels: one K-slice per kernel row instead of three) from 21.5-23.1 to 18.7-19.1 ms at 1
     * thread, W2 and W3 unchanged (alternated twice; the same bits, partial sums reload exactly).
     */
    static final int KC_ROWS = 768;
    /** Output pixels per work item (a multiple of MR), fewer when K is huge. */
    static final int SEG = 256;
    /** Below this many (group, pixel segment) items, filter blocks become items of their own. */
    static final int MIN_ITEMS = 16;
    /** Floats of im2col per work item that K may claim before items get fewer pixels. */
    static final int PACK_BUDGET = 1 << 18;

    private GemmConv() {
    }

    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, GemmMicroKernel mk) {
        conv2d(x, kernel, bias, y, g, act, ctx, mk, null);
    }

    /**
     * As above, with the kernel's panels packed once by {@link #panels} (a built layer's weights
     * do not change: new weights build new layers), or null to pack them in this call.
     */
    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx, GemmMicroKernel mk, float[] panels) {
        ConvKernels.checkConv2d(x, kernel, bias, y, g);
        final int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        final int kh = kernel.dim(0), kw = kernel.dim(1), cg = kernel.dim(2), f = kernel.dim(3);
        final int oh = y.dim(1), ow = y.dim(2);
        final int groups = g.groups(), fg = f / groups;
        final int kLen = kh * kw * cg;
        if (kLen == 0 || y.size() == 0) {
            // no products (no input channels) or nothing to compute: the definition does it
            ConvKernels.conv2dNaive(x, kernel, bias, y, g, act);
            return;
        }
        final int pixels = x.dim(0) * oh * ow;
        final int sh = g.sh(), sw = g.sw(), dh = g.dh(), dw = g.dw(), pt = g.padTop(), pl = g.padLeft();
        if (PairConv.applies(kw, sw, dw, groups, c, f, mk)) {
            // half a vector of filters: two output pixels per vector (MobileNet's RGB first layer)
            PairConv.conv2d(x, kernel, bias, y, g, act, ctx, mk, panels);
            return;
        }
        // A 1x1, stride-1, unpadded, ungrouped convolution (MobileNet's pointwise layers): the
        // im2col rows are the input pixels themselves, read in place without packing.
        final boolean inPlace = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && groups == 1
                && oh == h && ow == w;
        // The kernel's row-block variant where it has one: more rows per micro-tile and the clamp
        // in its store. Its rows (a property of the backend and the filter block's width) also set
        // the item size, never the thread count.
        final int br = mk.blockRows() > 0 ? mk.blockRows(Math.min(fg, NB)) : 0;
        final boolean blocks = br > 0;
        final int mr = blocks ? br : MR;
        // Fewer pixels per item when K is huge, so the packing buffer stays about 1 MB (L2).
        int segMax = Math.max(mr, Math.min(SEG / mr * mr, PACK_BUDGET / kLen / mr * mr));
        // Few pixels (a small image): shorter runs, down to one tile's rows, until there are
        // MIN_ITEMS items, so that threads split the image's pixels rather than its filters: each
        // then writes, and the next layer reads, its own part of the image (a MobileNet's 12x12
        // and 6x6 pointwise layers had one or two items, and split by filters every thread
        // read all of the input another core had written).
        final int seg = groups * ((pixels + segMax - 1) / segMax) >= MIN_ITEMS ? segMax
                : Math.max(mr, pixels * groups / MIN_ITEMS / mr * mr);
        final int segs = (pixels + seg - 1) / seg;
        // Few items (a small image): give each block of NB filters its own item (re-packing the
        // pixels) so threads have work. A rule on shapes only, never on the thread count.
        final int nbs = (fg + NB - 1) / NB;
        final int nSplit = groups * segs < MIN_ITEMS ? nbs : 1;
        final int nPerItem = (nbs + nSplit - 1) / nSplit * NB;
        final float[] xd = x.data(), kd = kernel.data(), yd = y.data();
        final float[] bd = bias == null ? null : bias.data();
        final int xo = x.offset(), ko = kernel.offset(), yo = y.offset(), bo = bias == null ? 0 : bias.offset();
        // relu and relu6 are applied by the row-block micro-kernel's last store, other element-wise
        // activations in a pass over each item's outputs while they are in cache
        final ClampActivation.Bounds clamp = blocks ? ClampActivation.of(act) : null;
        final float lo = clamp != null ? clamp.lower() : Float.NEGATIVE_INFINITY;
        final float hi = clamp != null ? clamp.upper() : Float.POSITIVE_INFINITY;
        final boolean fuse = act != null && act.elementWise() && clamp == null;
        final int segLen = Math.min(seg, pixels);
        long cost = 2L * segLen * kLen * Math.min(fg, nPerItem);
        // The kernel's K x f rows are read as they are when at most NB filters wide and a whole
        // number of the widest vectors; else packed once into per-block panels NB wide (a strided
        // slice of a wide kernel, e.g. rows 1 KB apart for 256 filters, falls into a few L1 sets
        // and thrashes; and in a panel a backend can read the last, narrower filters a whole
        // vector wide instead of one by one).
        if (convRowsApply(kw, sw, dw, dh, groups, c, f, mk)) {
            if (panels != null && panels.length != kLen * f) {
                throw new IllegalArgumentException("conv2d: panels of " + panels.length + " floats do not fit kernel "
                        + kernel.shapeString() + " in rows; pack them with GemmConv.panels");
            }
            float[] wr = panels != null ? panels : PackBuffers.kernel(kLen * f);
            if (panels == null) {
                fillRowWeights(kd, ko, kh, c, f, wr);
            }
            convRows(xd, xo, x.dim(0), h, w, c, kh, sh, sw, dh, pt, pl, oh, ow, f, wr, yd, yo, bd, bo, lo, hi,
                    fuse ? act : null, ctx, mk);
            if (act != null && !fuse && clamp == null) {
                ConvKernels.activateRows(y, act, ctx);
            }
            return;
        }
        final boolean direct = readInPlace(f);
        if (panels != null && (direct || panels.length != groups * nbs * kLen * NB)) {
            throw new IllegalArgumentException("conv2d: panels of " + panels.length + " floats do not fit kernel "
                    + kernel.shapeString() + " with groups " + groups + "; pack them with GemmConv.panels");
        }
        final float[] kp = direct ? kd : panels != null ? panels : packKernel(kd, ko, kLen, f, groups, fg, nbs, ctx);
        if (blocks && groups == 1 && dw == 1 && !inPlace) {
            rowsInPlace(xd, xo, h, w, c, kh, kw, sh, sw, dh, pt, pl, x.dim(0), oh, ow, f, kLen, nbs, direct, kp, ko,
                    yd, yo, bd, bo, lo, hi, fuse ? act : null, ctx, mk, br);
            if (act != null && !fuse && clamp == null) {
                ConvKernels.activateRows(y, act, ctx);
            }
            return;
        }
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        ctx.parallelFor(groups * segs * nSplit, cost, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                float[] a = inPlace ? xd : PackBuffers.get(segLen * kLen);
                int[] aOff = new int[MR];
                int[] yOff = new int[MR];
                for (int item = from; item < to; item++) {
                    int ns = item % nSplit, rest = item / nSplit;
                    int m0 = (rest % segs) * seg, grp = rest / segs;
                    int px = Math.min(seg, pixels - m0);
                    int f0 = grp * fg, c0 = grp * cg;
                    int nLo = f0 + ns * nPerItem, nHi = Math.min(f0 + fg, nLo + nPerItem);
                    if (!inPlace) {
                        pack(xd, xo, h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow, m0, px, a, 0, kLen);
                    }
                    int aBase = inPlace ? xo + m0 * kLen : 0;
                    if (blocks) {
                        blockItem(a, aBase, kLen, px, m0, grp, f0, nbs, nLo, nHi, direct, kp, ko, f, yd, yo, bd, bo, lo,
                                hi, mk, br);
                    } else {
                        for (int n0 = nLo; n0 < nHi; n0 += NB) {
                            int nw = Math.min(NB, nHi - n0);
                            for (int k0 = 0; k0 < kLen; k0 += KC) {
                                int kc = Math.min(KC, kLen - k0);
                                float[] b;
                                int bOff, ldk;
                                if (direct) {
                                    b = kd;
                                    bOff = ko + k0 * f + n0;
                                    ldk = f;
                                } else {
                                    b = kp;
                                    bOff = ((grp * nbs + (n0 - f0) / NB) * kLen + k0) * NB;
                                    ldk = NB;
                                }
                                boolean first = k0 == 0;
                                float[] bsl = k0 + kc == kLen ? bd : null;
                                for (int p0 = 0; p0 < px; p0 += MR) {
                                    int rows = Math.min(MR, px - p0);
                                    for (int r = 0; r < MR; r++) {
                                        int p = p0 + Math.min(r, rows - 1);
                                        aOff[r] = aBase + p * kLen + k0;
                                        yOff[r] = yo + (m0 + p) * f;
                                    }
                                    mk.tile(a, aOff, kc, b, bOff, ldk, yd, yOff, n0, nw, rows, first, bsl, bo + n0);
                                }
                            }
                        }
                    }
                    if (fuse) {
                        int yb = yo + m0 * f;
                        if (nLo == 0 && nHi == f) {
                            act.apply(yd, yb, yd, yb, px * f, f); // the item's outputs are contiguous
                        } else {
                            for (int p = 0; p < px; p++, yb += f) {
                                act.apply(yd, yb + nLo, yd, yb + nLo, nHi - nLo, nHi - nLo);
                            }
                        }
                    }
                }
            }
        });
        if (act != null && !fuse && clamp == null) {
            ConvKernels.activateRows(y, act, ctx);
        }
    }

    /**
     * An ungrouped convolution without horizontal dilation on the row-block kernel, with no
     * im2col for the rows' interiors: for an output pixel whose kernel columns all lie inside the
     * input, the taps of one kernel row (kw x c floats, in K's order) are one contiguous stretch
     * of the input row, and the next pixel's stretch starts sw x c floats further. So the
     * micro-kernel reads its A rows in place (lda = sw x c), the kernel rows as segments an input
     * row apart ({@link GemmMicroKernel#tileRowsSegmented}), as many whole kernel rows per K-slice
     * as fit in {@link #KC_ROWS} values (a longer kernel row is split), the partial sums stored and
     * reloaded between K-slices only; kernel rows
     * outside the input (top and bottom rows) are skipped (the packed path adds their zero
     * products, the definition skips them: the same sums for finite weights).
     *
     * <p>An item is a few output rows (of all filters, or of one block of {@link #NB} when there
     * are fewer than {@link #MIN_ITEMS} items), enough that their other pixels (before the
     * interior and after its last whole tile of R) fill a tile: those are packed together, run
     * as {@link #blockItem} does into a scratch block and copied to their places. When copying
     * the item's input rows into zero-padded rows would leave fewer pixels to pack (every pixel
     * then lies inside; small strided 'same' layers), the tiles read those copies instead. The
     * chains are those of the packed path, so the same bits at every thread count.
     */
    private static void rowsInPlace(float[] xd, int xo, int h, int w, int c, int kh, int kw, int sh, int sw, int dh,
            int pt, int pl, int batch, int oh, int ow, int f, int kLen, int nbs, boolean direct, float[] kp, int ko,
            float[] yd, int yo, float[] bd, int bo, float lo, float hi, Activation fused, ExecutionContext ctx,
            GemmMicroKernel mk, int r) {
        int first = 0;
        while (first < ow && first * sw - pl < 0) {
            first++;
        }
        int end = ow;
        while (end > first && (end - 1) * sw - pl + kw > w) {
            end--;
        }
        // interior pixels [oxLo, oxHi) in whole tiles of r, then of the kernel's base rows (a
        // 12-row kernel leaves up to 11 pixels, whose packing would cost more than 6-row tiles);
        // the row's other pixels are packed
        final int rb = Math.min(r, mk.blockRows());
        final int inLo = first, inHi = first + (end - first) / r * r + (end - first) % r / rb * rb;
        // With the item's input rows copied into zero-padded rows of its own, every pixel's
        // window lies inside them and the tiles start at the row's first pixel: done when that
        // leaves fewer pixels to pack (the MobileNet's 96x96 stride-2 first conv: none of 48
        // instead of 6, 40 -> 30 us; a large layer's two edge pixels stay packed, its rows uncopied)
        final int wPad = Math.max(pl + w, (ow - 1) * sw + kw);
        final int padHi = ow / r * r + ow % r / rb * rb;
        final boolean padded = ow - padHi < ow - (inHi - inLo);
        final int oxLo = padded ? 0 : inLo, oxHi = padded ? padHi : inHi;
        final int packedPerRow = ow - (oxHi - oxLo);
        final int rows = batch * oh;
        final int rowsPerItem = packedPerRow == 0 ? 1 : Math.min(rows, (r + packedPerRow - 1) / packedPerRow);
        final int rowItems = (rows + rowsPerItem - 1) / rowsPerItem;
        final int nSplit = rowItems < MIN_ITEMS ? nbs : 1;
        final int nPerItem = (nbs + nSplit - 1) / nSplit * NB;
        final int rowLen = kw * c, lda = sw * c;
        // kernel rows per call: as many as fit in KC_ROWS values (a longer one is split)
        final int kyPerSlice = Math.max(1, KC_ROWS / rowLen);
        // kernel rows in place lie an input row apart; padded, each output row's kernel rows
        // are copied next to each other
        final int inputRow = padded ? wPad * c : dh * w * c;
        long cost = 2L * rowsPerItem * ow * kLen * Math.min(f, nPerItem);
        // (a class, not a lambda: the lambda's method took its ~40 captured values as parameters,
        // more than C2's calling convention takes, so C2 never compiled this loop and it ran on
        // the client compiler's code; a class keeps them in fields)
        ctx.parallelFor(rowItems * nSplit, cost, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                for (int item = from; item < to; item++) {
                    int ns = item % nSplit, row0 = item / nSplit * rowsPerItem, row1 = Math.min(rows, row0 + rowsPerItem);
                    int nLo = ns * nPerItem, nHi = Math.min(f, nLo + nPerItem);
                    // the packed pixels of the item's rows, in row order, then their GEMM into scratch
                    float[] a = PackBuffers.get((row1 - row0) * ow * kLen);
                    int q = 0;
                    for (int row = row0; row < row1; row++) {
                        int m0 = row * ow;
                        if (hasInterior(row % oh, sh, pt, dh, h, kh) && oxLo < oxHi) {
                            pack(xd, xo, h, w, c, 0, c, kh, kw, sh, sw, dh, 1, pt, pl, oh, ow, m0, oxLo, a, q, kLen);
                            q += oxLo;
                            pack(xd, xo, h, w, c, 0, c, kh, kw, sh, sw, dh, 1, pt, pl, oh, ow, m0 + oxHi, ow - oxHi, a, q,
                                    kLen);
                            q += ow - oxHi;
                        } else {
                            pack(xd, xo, h, w, c, 0, c, kh, kw, sh, sw, dh, 1, pt, pl, oh, ow, m0, ow, a, q, kLen);
                            q += ow;
                        }
                    }
                    float[] src = xd;
                    if (padded && oxLo < oxHi) {
                        src = PackBuffers.rows((row1 - row0) * kh * inputRow);
                        for (int row = row0; row < row1; row++) {
                            int iy0 = row % oh * sh - pt, b = row / oh;
                            int kyLo = ConvKernels.firstInside(iy0, dh), kyHi = ConvKernels.endInside(iy0, dh, h, kh);
                            for (int ky = kyLo, d = ((row - row0) * kh + kyLo) * inputRow; ky < kyHi; ky++, d += inputRow) {
                                copyPadded(xd, xo + (b * h + iy0 + ky * dh) * w * c, w * c, src, d, pl * c, inputRow);
                            }
                        }
                    }
                    if (q > 0) {
                        float[] out = PackBuffers.outputs(q * f);
                        blockItem(a, 0, kLen, q, 0, 0, 0, nbs, nLo, nHi, direct, kp, ko, f, out, 0, bd, bo, lo, hi, mk, r);
                        int i = 0;
                        for (int row = row0; row < row1; row++) {
                            int m0 = row * ow;
                            boolean interior = hasInterior(row % oh, sh, pt, dh, h, kh) && oxLo < oxHi;
                            for (int ox = 0; ox < ow; ox++) {
                                if (!interior || ox < oxLo || ox >= oxHi) {
                                    System.arraycopy(out, i++ * f + nLo, yd, yo + (m0 + ox) * f + nLo, nHi - nLo);
                                }
                            }
                        }
                    }
                    // per kernel slice (whole kernel rows up to KC_ROWS values, read in place in one call
                    // as segments an input row apart; or a part of one long kernel row), every row of
                    // the item: the slice stays in cache across their tiles
                    for (int n0 = nLo; oxLo < oxHi && n0 < nHi; n0 += NB) {
                        int nw = Math.min(NB, nHi - n0);
                        for (int ky0 = 0; ky0 < kh; ky0 += kyPerSlice) {
                            for (int s0 = 0; s0 < rowLen; s0 += KC_ROWS) {
                                int kc = Math.min(KC_ROWS, rowLen - s0);
                                for (int row = row0; row < row1; row++) {
                                    int oy = row % oh, b = row / oh, m0 = row * ow, iy0 = oy * sh - pt;
                                    int kyLo = ConvKernels.firstInside(iy0, dh);
                                    int kyHi = ConvKernels.endInside(iy0, dh, h, kh);
                                    int kyA = Math.max(ky0, kyLo), kyB = Math.min(ky0 + kyPerSlice, kyHi);
                                    if (kyA >= kyB) {
                                        continue;
                                    }
                                    int k0 = kyA * rowLen + s0;
                                    int bOff = direct ? ko + k0 * f + n0 : ((n0 / NB) * kLen + k0) * NB;
                                    int ldk = direct ? f : NB;
                                    boolean firstSlice = kyA == kyLo && s0 == 0;
                                    boolean last = kyB == kyHi && s0 + kc == rowLen;
                                    float l = last ? lo : Float.NEGATIVE_INFINITY;
                                    float u = last ? hi : Float.POSITIVE_INFINITY;
                                    int xrow = padded ? ((row - row0) * kh + kyA) * inputRow + oxLo * sw * c + s0
                                            : xo + ((b * h + iy0 + kyA * dh) * w + oxLo * sw - pl) * c + s0;
                                    int kAll = (kyB - kyA) * kc;
                                    for (int ox = oxLo, aOff = xrow, n; ox < oxHi; ox += n, aOff += n * lda) {
                                        n = ox + r <= oxHi ? r : rb;
                                        int yOff = yo + (m0 + ox) * f + n0;
                                        if (kyB - kyA == 1) { // one kernel row (or part of one): contiguous
                                            mk.tileRows(src, aOff, lda, kc, kp, bOff, ldk, yd, yOff, f, nw, n, firstSlice,
                                                    last ? bd : null, bo + n0, l, u);
                                        } else {
                                            mk.tileRowsSegmented(src, aOff, lda, kc, inputRow, kAll, kp, bOff, ldk, yd,
                                                    yOff, f, nw, n, firstSlice, last ? bd : null, bo + n0, l, u);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    if (fused != null && nLo == 0 && nHi == f) {
                        int yb = yo + row0 * ow * f; // the item's outputs are contiguous: one call
                        fused.apply(yd, yb, yd, yb, (row1 - row0) * ow * f, f);
                    } else if (fused != null) {
                        for (int p = row0 * ow, yb = yo + p * f; p < row1 * ow; p++, yb += f) {
                            fused.apply(yd, yb + nLo, yd, yb + nLo, nHi - nLo, nHi - nLo);
                        }
                    }
                }
            }
        });
    }

    /** Floats of padded input rows an item of {@link #convRows} copies at most (256 KB, L2). */
    static final int ROW_BUDGET = 1 << 16;
    /**
     * Output rows per item of {@link #convRows}: each item copies the input rows its band needs,
     * so small bands copy rows several times (a 16x16x32 layer measured on this path: 41 us with
     * one row per item, 32 with the whole image).
     */
    static final int ROW_BAND = 8;
    /** Chunks of the kernel's channel width a row path input may have (32 channels at AVX-512). */
    static final int ROW_CHUNKS = 2;

    /**
     * Whether conv2d runs on the kernel's {@link GemmMicroKernel#convRowTile}: three taps wide at
     * horizontal stride 1 without horizontal dilation, one group, the kernel's number of input
     * channels and a number of filters it takes (the Vector API one with AVX-512: one vector of
     * channels, one or two of filters: layers whose GEMM tiles load a value per multiply-add and
     * lose time at the row edges; ResNet-8's 32x32x16 layers 44 -> 35 us). Wider inputs stay on
     * the GEMM, whose interior tiles do as well (W3's 32x32x32 layer in chunks of 16 channels:
     * 7.0 ms on the GEMM, 8.3 ms on rows).
     */
    static boolean convRowsApply(int kw, int sw, int dw, int dh, int groups, int c, int f, GemmMicroKernel mk) {
        int rc = mk.convRowChannels();
        if (rc <= 0 || c <= 0) {
            return false;
        }
        boolean fits = c < rc || c % rc == 0 && c / rc <= ROW_CHUNKS && (c == rc || dh == 1);
        return kw == 3 && (sw == 1 || sw == 2) && dw == 1 && groups == 1 && fits && mk.convRowPixels(f, sw) > 0;
    }

    /**
     * A convolution {@link #convRowsApply} takes, straight from padded input rows: an item is a
     * band of output rows of one image; it copies the input rows the band needs into padded rows
     * of its own ({@code pl} zero pixels, the row, zeros up to the last tile's reach), then per
     * tile of P output pixels calls the kernel once, the kernel rows inside the input as its
     * segments (the sums stay in registers across them), adding the bias and clamping. Kernel rows
     * outside the input are skipped, as the definition skips them. Each output's chain is fixed
     * by the shapes (kernel row, channel, tap), so the same bits at every thread count.
     */
    private static void convRows(float[] xd, int xo, int batch, int h, int w, int c, int kh, int sh, int sw, int dh,
            int pt, int pl, int oh, int ow, int f, float[] wr, float[] yd, int yo, float[] bd, int bo, float lo,
            float hi, Activation fused, ExecutionContext ctx, GemmMicroKernel mk) {
        final int p = mk.convRowPixels(f, sw), tiles = (ow + p - 1) / p;
        // a row holds its channels in chunks of the kernel's width, each chunk a row of its own;
        // fewer channels (an RGB input) are spread to the kernel's pixel stride, the rest zeros
        final int rc = mk.convRowChannels(), chunks = Math.max(1, c / rc), kLen = Math.min(c, rc);
        // the last tile reads up to sw*(p-1) + 3 input pixels from its first
        final int rowPixels = Math.max(pl + w, (tiles * p - 1) * sw + 3), chunkFloats = rowPixels * rc;
        final int rowFloats = chunks * chunkFloats;
        // segments: kernel rows, and within each its chunks (dilation 1 when chunked, so all a stride apart)
        final int segStride = chunks == 1 ? dh * rowFloats : chunkFloats;
        // output rows per item: up to ROW_BAND (an item copies its band's input rows, 1.25 times
        // the band's rows at 3x3 stride 1), their input rows within ROW_BUDGET
        final int reach = (kh - 1) * dh + 1;
        final int fit = Math.max(1, (ROW_BUDGET / rowFloats - reach) / sh + 1);
        final int band = Math.min(oh, Math.min(fit, ROW_BAND));
        final int perImage = (oh + band - 1) / band;
        long cost = 2L * band * ow * kh * 3 * c * f;
        ctx.parallelFor(batch * perImage, cost, (from, to) -> {
            for (int item = from; item < to; item++) {
                int b = item / perImage, oy0 = item % perImage * band, oy1 = Math.min(oh, oy0 + band);
                int iyLo = Math.max(0, oy0 * sh - pt), iyHi = Math.min(h, (oy1 - 1) * sh - pt + reach);
                float[] a = PackBuffers.get(Math.max(1, iyHi - iyLo) * rowFloats);
                for (int iy = iyLo, d = 0; iy < iyHi; iy++, d += rowFloats) {
                    if (c < rc) {
                        copySpread(xd, xo + (b * h + iy) * w * c, w, c, rc, a, d, pl, rowFloats);
                    } else if (chunks == 1) {
                        copyPadded(xd, xo + (b * h + iy) * w * c, w * c, a, d, pl * c, rowFloats);
                    } else {
                        copyChunked(xd, xo + (b * h + iy) * w * c, w, c, rc, a, d, pl, chunkFloats);
                    }
                }
                for (int oy = oy0; oy < oy1; oy++) {
                    int iy0 = oy * sh - pt;
                    int kyLo = ConvKernels.firstInside(iy0, dh), kyHi = ConvKernels.endInside(iy0, dh, h, kh);
                    for (int ox = 0; ox < ow; ox += p) {
                        int px = Math.min(p, ow - ox), yOff = yo + ((b * oh + oy) * ow + ox) * f;
                        if (kyLo >= kyHi) { // no kernel row inside the input: the bias alone (no values)
                            mk.convRowTileSegmented(a, 0, 0, 1, 0, sw, wr, 0, yd, yOff, f, f, px, true, bd, bo, lo,
                                    hi);
                        } else {
                            // the kernel rows inside the input as segments: one call, sums in registers
                            mk.convRowTileSegmented(a, (iy0 + kyLo * dh - iyLo) * rowFloats + ox * sw * rc,
                                    segStride, (kyHi - kyLo) * chunks, kLen, sw, wr, kyLo * c * 3 * f, yd, yOff, f, f,
                                    px, true, bd, bo, lo, hi);
                        }
                    }
                }
                if (fused != null) {
                    // the band's outputs are contiguous: one call (a call per pixel cost more than
                    // a residual sum's arithmetic)
                    int yb = yo + (b * oh + oy0) * ow * f;
                    fused.apply(yd, yb, yd, yb, (oy1 - oy0) * ow * f, f);
                }
            }
        });
    }

    /** An input row of {@code len} floats into {@code rowLen} floats at {@code dst}, after {@code left} zeros, zeros after it. */
    static void copyPadded(float[] xd, int src, int len, float[] a, int dst, int left, int rowLen) {
        Arrays.fill(a, dst, dst + left, 0f);
        System.arraycopy(xd, src, a, dst + left, len);
        Arrays.fill(a, dst + left + len, dst + rowLen, 0f);
    }

    /**
     * An input row of {@code w} pixels of {@code c} channels as {@code c / rc} chunk rows of
     * {@code chunkFloats} floats each: chunk q holds channels q*rc.. of every pixel, after
     * {@code left} zero pixels, zeros after the row.
     */
    private static void copyChunked(float[] xd, int src, int w, int c, int rc, float[] a, int dst, int left,
            int chunkFloats) {
        for (int q = 0, d = dst; q < c / rc; q++, d += chunkFloats) {
            // zeros around the row only: its pixels are written once
            Arrays.fill(a, d, d + left * rc, 0f);
            for (int u = 0, s = src + q * rc, e = d + left * rc; u < w; u++, s += c, e += rc) {
                System.arraycopy(xd, s, a, e, rc);
            }
            Arrays.fill(a, d + (left + w) * rc, d + chunkFloats, 0f);
        }
    }

    /**
     * An input row of {@code w} pixels of {@code c < rc} channels with a pixel stride of
     * {@code rc} floats, after {@code left} zero pixels, zero pixels after it up to
     * {@code rowFloats}. Only a pixel's first c floats are written: the kernel reads no others.
     */
    private static void copySpread(float[] xd, int src, int w, int c, int rc, float[] a, int dst, int left,
            int rowFloats) {
        int end = dst + rowFloats, d = dst;
        for (; d < dst + left * rc; d += rc) {
            Arrays.fill(a, d, d + c, 0f);
        }
        // element by element: an arraycopy call per pixel of 3 floats costs more than it moves
        for (int u = 0, s = src; u < w; u++, s += c, d += rc) {
            for (int k = 0; k < c; k++) {
                a[d + k] = xd[s + k];
            }
        }
        for (; d < end; d += rc) {
            Arrays.fill(a, d, d + c, 0f);
        }
    }

    /** A kernel (kh, 3, c, f) in {@link #convRows}'s order: kernel row, channel, tap, filter. */
    private static void fillRowWeights(float[] kd, int ko, int kh, int c, int f, float[] wr) {
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                for (int ci = 0; ci < c; ci++) {
                    System.arraycopy(kd, ko + ((ky * 3 + kx) * c + ci) * f, wr, ((ky * c + ci) * 3 + kx) * f, f);
                }
            }
        }
    }

    /** Whether output row oy has a kernel row inside the input. */
    private static boolean hasInterior(int oy, int sh, int pt, int dh, int h, int kh) {
        int iy0 = oy * sh - pt;
        return ConvKernels.firstInside(iy0, dh) < ConvKernels.endInside(iy0, dh, h, kh);
    }

    /**
     * One item's GEMM on the kernel's row-block variant: per block of {@link #NB} filters and
     * K-slice of {@link #KC_ROWS}, the item's im2col rows (lda = kLen apart) pass R at a time; the
     * last slice adds the bias and clamps to [lo, hi].
     */
    private static void blockItem(float[] a, int aBase, int kLen, int px, int m0, int grp, int f0, int nbs, int nLo,
            int nHi, boolean direct, float[] kp, int ko, int f, float[] yd, int yo, float[] bd, int bo, float lo,
            float hi, GemmMicroKernel mk, int r) {
        final int rb = Math.min(r, mk.blockRows());
        for (int n0 = nLo; n0 < nHi; n0 += NB) {
            int nw = Math.min(NB, nHi - n0);
            for (int k0 = 0; k0 < kLen; k0 += KC_ROWS) {
                int kc = Math.min(KC_ROWS, kLen - k0);
                int bOff = direct ? ko + k0 * f + n0 : ((grp * nbs + (n0 - f0) / NB) * kLen + k0) * NB;
                int ldk = direct ? f : NB;
                boolean first = k0 == 0, last = k0 + kc == kLen;
                float l = last ? lo : Float.NEGATIVE_INFINITY, u = last ? hi : Float.POSITIVE_INFINITY;
                int p0 = 0;
                for (int n; p0 + rb <= px; p0 += n) { // whole tiles of r, then of the base rows
                    n = p0 + r <= px ? r : rb;
                    mk.tileRows(a, aBase + p0 * kLen + k0, kLen, kc, kp, bOff, ldk, yd, yo + (m0 + p0) * f + n0, f,
                            nw, n, first, last ? bd : null, bo + n0, l, u);
                }
                if (p0 < px) {
                    partialTile(a, aBase + p0 * kLen + k0, kLen, kc, kp, bOff, ldk, yd, yo + (m0 + p0) * f + n0, f,
                            nw, px - p0, first, last ? bd : null, bo + n0, l, u, mk, rb);
                }
            }
        }
    }

    /**
     * The last, partial tile of an item (rows &lt; R) as a whole tile through copies: the rows'
     * K-slice and stored sums go into scratch tiles of R rows (the last row repeated past it), the kernel
     * computes all R, the real rows are copied back. The JIT then only ever sees whole tiles: a
     * rare partial one would hit a branch it had pruned, and the big kernel would be recompiled
     * (seconds of slow runs on the first use). The same chains, so the same bits.
     */
    private static void partialTile(float[] a, int aOff, int lda, int kc, float[] b, int bOff, int ldb, float[] y,
            int yOff, int ldy, int nw, int rows, boolean first, float[] bias, int biasOff, float lo, float hi,
            GemmMicroKernel mk, int r) {
        // A's rows past the last repeat it: any finite numbers do, their sums are dropped
        float[] s = PackBuffers.tile(r * (kc + nw));
        int sy = r * kc;
        for (int i = 0; i < r; i++) {
            System.arraycopy(a, aOff + Math.min(i, rows - 1) * lda, s, i * kc, kc);
        }
        if (!first) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(y, yOff + i * ldy, s, sy + i * nw, nw);
            }
        }
        mk.tileRows(s, 0, kc, kc, b, bOff, ldb, s, sy, nw, nw, r, first, bias, biasOff, lo, hi);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(s, sy + i * nw, y, yOff + i * ldy, nw);
        }
    }

    /** Whether a kernel of f filters is read as it is (no panels): at most NB, whole widest vectors. */
    private static boolean readInPlace(int f) {
        return f <= NB && f % WIDEST_VECTOR == 0;
    }

    /** Floats of panels a layer keeps at most (1 MB): larger kernels are packed in each call. */
    static final int KEPT_PANELS = 1 << 18;

    /**
     * A conv2d kernel packed for the path {@link #conv2d} takes with {@code mk}, in a new array to
     * keep with the layer (every run then skips packing): on {@link #convRowsApply}'s path its
     * weights in that path's order, else {@link #panels(Tensor, int)}; null when there is nothing
     * to pack or it would exceed {@link #KEPT_PANELS}.
     */
    static float[] panels(Tensor kernel, ConvKernels.Geometry g, GemmMicroKernel mk) {
        int kh = kernel.dim(0), kw = kernel.dim(1), c = kernel.dim(2), f = kernel.dim(3);
        if (PairConv.applies(kw, g.sw(), g.dw(), g.groups(), c, f, mk)) {
            return (long) kh * kw * c * 2 * f > KEPT_PANELS ? null : PairConv.panels(kernel);
        }
        if (convRowsApply(kw, g.sw(), g.dw(), g.dh(), g.groups(), c, f, mk)) {
            if ((long) kh * kw * c * f > KEPT_PANELS) {
                return null;
            }
            float[] wr = new float[kh * kw * c * f];
            fillRowWeights(kernel.data(), kernel.offset(), kh, c, f, wr);
            return wr;
        }
        return panels(kernel, g.groups());
    }

    /**
     * A conv2d kernel's panels as {@link #packKernel} lays them out, in a new array to keep with
     * the layer (every run then skips packing: 0.8 MB of copies a run for the MobileNet's 128-
     * and 256-filter layers), or null when the kernel is read in place or its panels would
     * exceed {@link #KEPT_PANELS} (a copy of a large model's weights would double its memory,
     * and a large kernel's packing is a small part of its layer's time).
     */
    static float[] panels(Tensor kernel, int groups) {
        int kLen = kernel.dim(0) * kernel.dim(1) * kernel.dim(2), f = kernel.dim(3), fg = f / groups;
        int nbs = (fg + NB - 1) / NB;
        if (readInPlace(f) || (long) groups * nbs * kLen * NB > KEPT_PANELS) {
            return null;
        }
        float[] kp = new float[groups * nbs * kLen * NB];
        fillPanels(kernel.data(), kernel.offset(), kLen, f, fg, nbs, kp, 0, groups * nbs);
        return kp;
    }

    /**
     * The kernel as dense panels, one per block of {@link #NB} filters of a group: block j of
     * group g holds its K x NB weights (filters past the group's end unused) at
     * {@code ((g * nbs + j) * kLen + k) * NB}. Packed once per call into the calling thread's
     * buffer and read by every item; read in place, a wide kernel's rows lie f floats apart and
     * a K-slice of a block falls into a few L1 sets.
     */
    private static float[] packKernel(float[] kd, int ko, int kLen, int f, int groups, int fg, int nbs,
            ExecutionContext ctx) {
        float[] kp = PackBuffers.kernel(groups * nbs * kLen * NB);
        ctx.parallelFor(groups * nbs, (long) kLen * NB,
                (from, to) -> fillPanels(kd, ko, kLen, f, fg, nbs, kp, from, to));
        return kp;
    }

    /** Panels from to to (blocks of NB filters, group-major) of a kernel into kp. */
    private static void fillPanels(float[] kd, int ko, int kLen, int f, int fg, int nbs, float[] kp, int from, int to) {
        for (int blk = from; blk < to; blk++) {
            int grp = blk / nbs, n0 = grp * fg + (blk % nbs) * NB, nw = Math.min(NB, (grp + 1) * fg - n0);
            for (int k = 0, src = ko + n0, dst = blk * kLen * NB; k < kLen; k++, src += f, dst += NB) {
                System.arraycopy(kd, src, kp, dst, nw);
            }
        }
    }

    /**
     * im2col of output pixels m0..m0+px-1 (flat over image, row, column) into rows dst.. of a: row p holds its kh*kw
     * taps of cg channels,
     * zeros for taps outside the input. With one group and no horizontal dilation a kernel row's
     * in-bounds taps are one contiguous run of the input, copied at once.
     */
    private static void pack(float[] xd, int xo, int h, int w, int c, int c0, int cg, int kh, int kw, int sh, int sw,
            int dh, int dw, int pt, int pl, int oh, int ow, int m0, int px, float[] a, int dst, int kLen) {
        int rowLen = kw * cg;
        for (int p = 0; p < px; p++) {
            int m = m0 + p, ox = m % ow, oy = (m / ow) % oh, b = m / (ow * oh);
            int ix0 = ox * sw - pl;
            int kxLo = ConvKernels.firstInside(ix0, dw);
            int kxHi = Math.max(kxLo, ConvKernels.endInside(ix0, dw, w, kw));
            for (int ky = 0, ap = (dst + p) * kLen; ky < kh; ky++, ap += rowLen) {
                int iy = oy * sh - pt + ky * dh;
                if (iy < 0 || iy >= h || kxHi == kxLo) {
                    Arrays.fill(a, ap, ap + rowLen, 0f);
                    continue;
                }
                if (kxLo > 0) {
                    Arrays.fill(a, ap, ap + kxLo * cg, 0f);
                }
                int xrow = xo + (b * h + iy) * w * c + c0;
                if (dw == 1 && cg == c) {
                    System.arraycopy(xd, xrow + (ix0 + kxLo) * c, a, ap + kxLo * cg, (kxHi - kxLo) * cg);
                } else {
                    for (int kx = kxLo; kx < kxHi; kx++) {
                        System.arraycopy(xd, xrow + (ix0 + kx * dw) * c, a, ap + kx * cg, cg);
                    }
                }
                if (kxHi < kw) {
                    Arrays.fill(a, ap + kxHi * cg, ap + rowLen, 0f);
                }
            }
        }
    }
}
