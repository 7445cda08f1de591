package io.cnnkit.kernels.vector;

import io.cnnkit.engine.kernel.GemmMicroKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmMicroKernel} on jdk.incubator.vector: 4 pixels x 4 vectors of filters (64
 * filters with AVX-512) in 16 vector accumulators, one broadcast per pixel and k, one
 * fused multiply-add per accumulator; then 4 x 2 and 4 x 1 vectors and scalar fused multiply-adds for the last filters. Every output element is the same fused multiply-add chain
 * over k in order (from 0 on the first K-slice), then + bias on the last slice (+0 on the
 * others: a no-op, as a chain started at +0 never holds -0), whichever variant computes it.
 * {@link #tileRows} computes the same chains for 6 rows at a time ({@link VectorRowTiles}).
 *
 * <p>Each variant is written out in one method: a helper taking or returning vectors out of line
 * would box them (JDK 17's C2 keeps vectors in registers only within one compiled body). No
 * masked loads or stores: JDK 17 does not compile them into instructions (it runs them element
 * by element through lambdas, hundreds of times slower).
 */
final class VectorGemm implements GemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final VectorGemm INSTANCE = new VectorGemm();
    /** Read instead of the outputs on the first K-slice, and instead of the bias on the others. */
    private static final float[] ZEROS = new float[4 * L];

    private VectorGemm() {
    }

    @Override
    public void tile(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int ldk, float[] yd, int[] yOff,
            int yCol, int nw, int rows, boolean first, float[] bias, int bOff) {
        int j = 0;
        for (; j + 4 * L <= nw; j += 4 * L) {
            tile4x4(a, aOff, kLen, kd, kOff + j, ldk, yd, yOff, yCol + j, rows, first, bias, bOff + j);
        }
        if (j + 2 * L <= nw) {
            tile4x2(a, aOff, kLen, kd, kOff + j, ldk, yd, yOff, yCol + j, rows, first, bias, bOff + j);
            j += 2 * L;
        }
        for (; j + L <= nw; j += L) {
            tile4x1(a, aOff, kLen, kd, kOff + j, ldk, yd, yOff, yCol + j, rows, first, bias, bOff + j);
        }
        for (; j < nw; j += 4) {
            tailScalar(a, aOff, kLen, kd, kOff + j, ldk, yd, yOff, yCol + j, Math.min(4, nw - j), rows, first,
                    bias, bOff + j);
        }
    }

    @Override
    public int blockRows() {
        return VectorRowTiles.R;
    }

    /** Twice the rows for tiles of exactly one vector: their 6 sums would leave the FMA units waiting. */
    @Override
    public int blockRows(int filters) {
        return filters == L ? 2 * VectorRowTiles.R : VectorRowTiles.R;
    }

    /**
     * Bands of 4, 2 and 1 vectors; the last filters (fewer than a vector) as one whole vector
     * through scratch rows where the kernel's rows can be read a whole vector wide, else scalar.
     */
    @Override
    public void tileRows(float[] a, int aOff, int lda, int kLen, float[] b, int bOff, int ldb, float[] y, int yOff,
            int ldy, int nw, int rows, boolean first, float[] bias, int biasOff, float lo, float hi) {
        if (rows > VectorRowTiles.R) {
            if (nw != L || rows > 2 * VectorRowTiles.R) {
                throw new IllegalArgumentException("tileRows: " + rows + " rows need a tile of exactly " + L
                        + " filters (blockRows(" + L + ")), got " + nw + " filters");
            }
            VectorRowTiles.tile12x1(a, aOff, lda, kLen, b, bOff, ldb, y, yOff, ldy, rows, first, bias, biasOff, lo, hi);
            return;
        }
        int j = 0;
        boolean plain = bias == null && lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY;
        for (; j + 4 * L <= nw; j += 4 * L) {
            VectorRowTiles.tile6x4(a, aOff, lda, kLen, b, bOff + j, ldb, y, yOff + j, ldy, rows, first);
            if (!plain) {
                VectorRowTiles.finish(y, yOff + j, ldy, rows, 4 * L, bias, biasOff + j, lo, hi);
            }
        }
        if (j + 2 * L <= nw) {
            VectorRowTiles.tile6x2(a, aOff, lda, kLen, b, bOff + j, ldb, y, yOff + j, ldy, rows, first, bias,
                    biasOff + j, lo, hi);
            j += 2 * L;
        }
        for (; j + L <= nw; j += L) {
            VectorRowTiles.tile6x1(a, aOff, lda, kLen, b, bOff + j, ldb, y, yOff + j, ldy, rows, first, bias,
                    biasOff + j, lo, hi);
        }
        if (j == 0 && nw == L / 2 && ldy == nw && rows == VectorRowTiles.R
                && VectorRowTiles.fitsPadded(kLen, b, bOff, ldb)) {
            VectorRowTiles.tile6x1HalfSegments(a, aOff, lda, kLen, 0, kLen, b, bOff, ldb, y, yOff, first, bias,
                    biasOff, lo, hi);
        } else if (j < nw && VectorRowTiles.fitsPadded(kLen, b, bOff + j, ldb)) {
            VectorRowTiles.tile6x1Padded(a, aOff, lda, kLen, b, bOff + j, ldb, y, yOff + j, ldy, nw - j, rows, first,
                    bias, biasOff + j, lo, hi);
        } else if (j < nw) {
            VectorRowTiles.tailScalar(a, aOff, lda, kLen, b, bOff + j, ldb, y, yOff + j, ldy, nw - j, rows, first,
                    bias, biasOff + j, lo, hi);
        }
    }

    /**
     * One call for up to three segments (a convolution's kernel rows, read in place) on the
     * segmented twins of the tiles that convolutions with short kernel rows use: half a vector,
     * one vector (6 or 12 rows) and two vectors of filters; more segments in K-slices of three.
     * Other widths take the default, a {@link #tileRows} call per segment.
     */
    @Override
    public void tileRowsSegmented(float[] a, int aOff, int lda, int segLen, int segStride, int kLen, float[] b,
            int bOff, int ldb, float[] y, int yOff, int ldy, int nw, int rows, boolean first, float[] bias,
            int biasOff, float lo, float hi) {
        if (segLen < 1 && kLen > 0) {
            throw new IllegalArgumentException("tileRowsSegmented: segments of " + segLen + " values cannot hold "
                    + kLen + " values; pass segLen >= 1");
        }
        int r = VectorRowTiles.R;
        boolean half = nw == L / 2 && ldy == nw && rows == r && VectorRowTiles.fitsPadded(kLen, b, bOff, ldb);
        boolean twin = rows > r ? nw == L && rows <= 2 * r : nw == L || nw == 2 * L || half;
        if (!twin || kLen == 0) {
            GemmMicroKernel.super.tileRowsSegmented(a, aOff, lda, segLen, segStride, kLen, b, bOff, ldb, y, yOff, ldy,
                    nw, rows, first, bias, biasOff, lo, hi);
            return;
        }
        int group = (int) Math.min(kLen, 3L * segLen);
        for (int k0 = 0; k0 < kLen; k0 += group) {
            int kc = Math.min(group, kLen - k0), ao = aOff + k0 / segLen * segStride, bo = bOff + k0 * ldb;
            boolean last = k0 + kc == kLen, on = first && k0 == 0;
            float[] bs = last ? bias : null;
            float l = last ? lo : Float.NEGATIVE_INFINITY, h = last ? hi : Float.POSITIVE_INFINITY;
            if (rows > r) {
                VectorRowTiles.tile12x1Segments(a, ao, lda, segLen, segStride, kc, b, bo, ldb, y, yOff, ldy, rows, on,
                        bs, biasOff, l, h);
            } else if (nw == 2 * L) {
                VectorRowTiles.tile6x2Segments(a, ao, lda, segLen, segStride, kc, b, bo, ldb, y, yOff, ldy, rows, on,
                        bs, biasOff, l, h);
            } else if (nw == L) {
                VectorRowTiles.tile6x1Segments(a, ao, lda, segLen, segStride, kc, b, bo, ldb, y, yOff, ldy, rows, on,
                        bs, biasOff, l, h);
            } else {
                VectorRowTiles.tile6x1HalfSegments(a, ao, lda, segLen, segStride, kc, b, bo, ldb, y, yOff, on, bs,
                        biasOff, l, h);
            }
        }
    }

    /** 4 pixels x 4 vectors (64 filters with AVX-512). */
    private static void tile4x4(float[] a, int[] aOff, int kLen, float[] kd, int wb, int ldk, float[] yd,
            int[] yOff, int col, int rows, boolean first, float[] bias, int bOff) {
        int y0 = yOff[0] + col, y1 = yOff[1] + col, y2 = yOff[2] + col, y3 = yOff[3] + col;
        // Selected as arrays and offsets, never as vectors: a vector chosen by a branch is boxed.
        float[] ys = first ? ZEROS : yd, bs = bias != null ? bias : ZEROS;
        int s0 = first ? 0 : y0, s1 = first ? 0 : y1, s2 = first ? 0 : y2, s3 = first ? 0 : y3;
        int bo = bias != null ? bOff : 0;
        FloatVector c00 = FloatVector.fromArray(S, ys, s0);
        FloatVector c01 = FloatVector.fromArray(S, ys, s0 + L);
        FloatVector c02 = FloatVector.fromArray(S, ys, s0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, ys, s0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, ys, s1);
        FloatVector c11 = FloatVector.fromArray(S, ys, s1 + L);
        FloatVector c12 = FloatVector.fromArray(S, ys, s1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, ys, s1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, ys, s2);
        FloatVector c21 = FloatVector.fromArray(S, ys, s2 + L);
        FloatVector c22 = FloatVector.fromArray(S, ys, s2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, ys, s2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, ys, s3);
        FloatVector c31 = FloatVector.fromArray(S, ys, s3 + L);
        FloatVector c32 = FloatVector.fromArray(S, ys, s3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, ys, s3 + 3 * L);
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        for (int k = 0; k < kLen; k++, wb += ldk) {
            FloatVector b0 = FloatVector.fromArray(S, kd, wb);
            FloatVector b1 = FloatVector.fromArray(S, kd, wb + L);
            FloatVector b2 = FloatVector.fromArray(S, kd, wb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, kd, wb + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
        }
        {
            FloatVector b0 = FloatVector.fromArray(S, bs, bo);
            FloatVector b1 = FloatVector.fromArray(S, bs, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bs, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bs, bo + 3 * L);
            c00 = c00.add(b0);
            c01 = c01.add(b1);
            c02 = c02.add(b2);
            c03 = c03.add(b3);
            c10 = c10.add(b0);
            c11 = c11.add(b1);
            c12 = c12.add(b2);
            c13 = c13.add(b3);
            c20 = c20.add(b0);
            c21 = c21.add(b1);
            c22 = c22.add(b2);
            c23 = c23.add(b3);
            c30 = c30.add(b0);
            c31 = c31.add(b1);
            c32 = c32.add(b2);
            c33 = c33.add(b3);
        }
        c00.intoArray(yd, y0);
        c01.intoArray(yd, y0 + L);
        c02.intoArray(yd, y0 + 2 * L);
        c03.intoArray(yd, y0 + 3 * L);
        if (rows > 1) {
            c10.intoArray(yd, y1);
            c11.intoArray(yd, y1 + L);
            c12.intoArray(yd, y1 + 2 * L);
            c13.intoArray(yd, y1 + 3 * L);
        }
        if (rows > 2) {
            c20.intoArray(yd, y2);
            c21.intoArray(yd, y2 + L);
            c22.intoArray(yd, y2 + 2 * L);
            c23.intoArray(yd, y2 + 3 * L);
        }
        if (rows > 3) {
            c30.intoArray(yd, y3);
            c31.intoArray(yd, y3 + L);
            c32.intoArray(yd, y3 + 2 * L);
            c33.intoArray(yd, y3 + 3 * L);
        }
    }

    /** 4 pixels x 2 vectors (32 filters with AVX-512, e.g. CIFAR-sized layers). */
    private static void tile4x2(float[] a, int[] aOff, int kLen, float[] kd, int wb, int ldk, float[] yd,
            int[] yOff, int col, int rows, boolean first, float[] bias, int bOff) {
        int y0 = yOff[0] + col, y1 = yOff[1] + col, y2 = yOff[2] + col, y3 = yOff[3] + col;
        // Selected as arrays and offsets, never as vectors: a vector chosen by a branch is boxed.
        float[] ys = first ? ZEROS : yd, bs = bias != null ? bias : ZEROS;
        int s0 = first ? 0 : y0, s1 = first ? 0 : y1, s2 = first ? 0 : y2, s3 = first ? 0 : y3;
        int bo = bias != null ? bOff : 0;
        FloatVector c00 = FloatVector.fromArray(S, ys, s0);
        FloatVector c01 = FloatVector.fromArray(S, ys, s0 + L);
        FloatVector c10 = FloatVector.fromArray(S, ys, s1);
        FloatVector c11 = FloatVector.fromArray(S, ys, s1 + L);
        FloatVector c20 = FloatVector.fromArray(S, ys, s2);
        FloatVector c21 = FloatVector.fromArray(S, ys, s2 + L);
        FloatVector c30 = FloatVector.fromArray(S, ys, s3);
        FloatVector c31 = FloatVector.fromArray(S, ys, s3 + L);
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        for (int k = 0; k < kLen; k++, wb += ldk) {
            FloatVector b0 = FloatVector.fromArray(S, kd, wb);
            FloatVector b1 = FloatVector.fromArray(S, kd, wb + L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
        }
        {
            FloatVector b0 = FloatVector.fromArray(S, bs, bo);
            FloatVector b1 = FloatVector.fromArray(S, bs, bo + L);
            c00 = c00.add(b0);
            c01 = c01.add(b1);
            c10 = c10.add(b0);
            c11 = c11.add(b1);
            c20 = c20.add(b0);
            c21 = c21.add(b1);
            c30 = c30.add(b0);
            c31 = c31.add(b1);
        }
        c00.intoArray(yd, y0);
        c01.intoArray(yd, y0 + L);
        if (rows > 1) {
            c10.intoArray(yd, y1);
            c11.intoArray(yd, y1 + L);
        }
        if (rows > 2) {
            c20.intoArray(yd, y2);
            c21.intoArray(yd, y2 + L);
        }
        if (rows > 3) {
            c30.intoArray(yd, y3);
            c31.intoArray(yd, y3 + L);
        }
    }

    /** 4 pixels x 1 vector. */
    private static void tile4x1(float[] a, int[] aOff, int kLen, float[] kd, int wb, int ldk, float[] yd,
            int[] yOff, int col, int rows, boolean first, float[] bias, int bOff) {
        int y0 = yOff[0] + col, y1 = yOff[1] + col, y2 = yOff[2] + col, y3 = yOff[3] + col;
        // Selected as arrays and offsets, never as vectors: a vector chosen by a branch is boxed.
        float[] ys = first ? ZEROS : yd, bs = bias != null ? bias : ZEROS;
        int s0 = first ? 0 : y0, s1 = first ? 0 : y1, s2 = first ? 0 : y2, s3 = first ? 0 : y3;
        int bo = bias != null ? bOff : 0;
        FloatVector c00 = FloatVector.fromArray(S, ys, s0);
        FloatVector c10 = FloatVector.fromArray(S, ys, s1);
        FloatVector c20 = FloatVector.fromArray(S, ys, s2);
        FloatVector c30 = FloatVector.fromArray(S, ys, s3);
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        for (int k = 0; k < kLen; k++, wb += ldk) {
            FloatVector b0 = FloatVector.fromArray(S, kd, wb);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
        }
        {
            FloatVector b0 = FloatVector.fromArray(S, bs, bo);
            c00 = c00.add(b0);
            c10 = c10.add(b0);
            c20 = c20.add(b0);
            c30 = c30.add(b0);
        }
        c00.intoArray(yd, y0);
        if (rows > 1) {
            c10.intoArray(yd, y1);
        }
        if (rows > 2) {
            c20.intoArray(yd, y2);
        }
        if (rows > 3) {
            c30.intoArray(yd, y3);
        }
    }

    /**
     * The last (fewer than L) filters, 1 to 4 of them, in scalar {@link Math#fma}: the same
     * rounding as a vector lane. Only the stored rows are computed.
     */
    private static void tailScalar(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int ldk, float[] yd,
            int[] yOff, int col, int nw, int rows, boolean first, float[] bias, int bOff) {
        for (int r = 0; r < rows; r++) {
            int yb = yOff[r] + col, ab = aOff[r];
            float c0 = first ? 0f : yd[yb];
            float c1 = first || nw < 2 ? 0f : yd[yb + 1];
            float c2 = first || nw < 3 ? 0f : yd[yb + 2];
            float c3 = first || nw < 4 ? 0f : yd[yb + 3];
            int wb = kOff;
            if (nw == 4) {
                for (int k = 0; k < kLen; k++, wb += ldk) {
                    float v = a[ab + k];
                    c0 = Math.fma(v, kd[wb], c0);
                    c1 = Math.fma(v, kd[wb + 1], c1);
                    c2 = Math.fma(v, kd[wb + 2], c2);
                    c3 = Math.fma(v, kd[wb + 3], c3);
                }
            } else {
                for (int k = 0; k < kLen; k++, wb += ldk) {
                    float v = a[ab + k];
                    c0 = Math.fma(v, kd[wb], c0);
                    if (nw > 1) {
                        c1 = Math.fma(v, kd[wb + 1], c1);
                    }
                    if (nw > 2) {
                        c2 = Math.fma(v, kd[wb + 2], c2);
                    }
                }
            }
            if (bias != null) {
                c0 += bias[bOff];
                c1 += nw > 1 ? bias[bOff + 1] : 0f;
                c2 += nw > 2 ? bias[bOff + 2] : 0f;
                c3 += nw > 3 ? bias[bOff + 3] : 0f;
            }
            yd[yb] = c0;
            if (nw > 1) {
                yd[yb + 1] = c1;
            }
            if (nw > 2) {
                yd[yb + 2] = c2;
            }
            if (nw > 3) {
                yd[yb + 3] = c3;
            }
        }
    }

    /**
     * {@link #convRowTile} takes a vector of input channels (its rows' pixel stride is the constant
     * L), with AVX-512's 32 vector registers only: its tiles keep up to 16 sums, 6 weights and a
     * value in registers, more than AVX2's 16 hold.
     */
    @Override
    public int convRowChannels() {
        return L >= 16 ? L : 0;
    }

    /** One or two vectors of filters ({@link VectorConvRows}); other widths stay on the GEMM tiles. */
    @Override
    public int convRowPixels(int filters) {
        if (convRowChannels() == 0) {
            return 0;
        }
        return filters == L ? VectorConvRows.PIXELS_ONE : filters == 2 * L ? VectorConvRows.PIXELS_TWO : 0;
    }

    /** At stride 2 across as at 1: one or two vectors of filters ({@link VectorConvRows}). */
    @Override
    public int convRowPixels(int filters, int stride) {
        if (stride == 1) {
            return convRowPixels(filters);
        }
        if (stride != 2 || convRowChannels() == 0) {
            return 0;
        }
        return filters == L ? VectorConvRows.PIXELS_ONE_STRIDE2
                : filters == 2 * L ? VectorConvRows.PIXELS_TWO_STRIDE2 : 0;
    }

    @Override
    public void convRowTile(float[] a, int aOff, int kLen, float[] b, int bOff, float[] y, int yOff, int ldy, int nw,
            int pixels, boolean first, float[] bias, int biasOff, float lo, float hi) {
        convRowTileSegmented(a, aOff, 0, 1, kLen, 1, b, bOff, y, yOff, ldy, nw, pixels, first, bias, biasOff, lo, hi);
    }

    @Override
    public void convRowTileSegmented(float[] a, int aOff, int segStride, int segments, int kLen, int stride,
            float[] b, int bOff, float[] y, int yOff, int ldy, int nw, int pixels, boolean first, float[] bias,
            int biasOff, float lo, float hi) {
        int p = convRowPixels(nw, stride);
        if (p == 0 || pixels < 1 || pixels > p) {
            throw new IllegalArgumentException("convRowTile: " + pixels + " pixels of " + nw + " filters at stride "
                    + stride + "; this kernel takes 1 to convRowPixels(nw, stride) pixels of " + L + " or " + 2 * L
                    + " filters at stride 1 or 2");
        }
        if (segments < 1) {
            throw new IllegalArgumentException("convRowTileSegmented: " + segments + " segments; pass 1 or more "
                    + "(convRowTile with kLen 0 gives the bias alone)");
        }
        if (stride == 2 && nw == L) {
            VectorConvRows.tile12x1Stride2(a, aOff, segStride, segments, kLen, b, bOff, y, yOff, ldy, pixels, first,
                    bias, biasOff, lo, hi);
        } else if (stride == 2) {
            VectorConvRows.tile8x2Stride2(a, aOff, segStride, segments, kLen, b, bOff, y, yOff, ldy, pixels, first,
                    bias, biasOff, lo, hi);
        } else if (nw == L) {
            VectorConvRows.tile12x1(a, aOff, segStride, segments, kLen, b, bOff, y, yOff, ldy, pixels, first, bias,
                    biasOff, lo, hi);
        } else {
            VectorConvRows.tile8x2(a, aOff, segStride, segments, kLen, b, bOff, y, yOff, ldy, pixels, first, bias,
                    biasOff, lo, hi);
        }
    }

    @Override
    public void planarTerms(float[] p, int[] pOff, float[] w, int[] wOff, int terms, float[] acc, int accOff, int lda,
            int nf, int n) {
        VectorPlanar.terms(p, pOff, w, wOff, terms, acc, accOff, lda, nf, n);
    }

    /** Half a vector of filters, kernel rows of 3, 6, 9... values that fit a vector with one pixel stride ({@link VectorPairTiles}). */
    @Override
    public int convPairPixels(int filters, int segLen, int lda) {
        return VectorPairTiles.takes(filters, segLen, lda) ? VectorPairTiles.PIXELS : 0;
    }

    @Override
    public void convPairTile(float[] a, int aOff, int lda, int segLen, int segStride, int segments, float[] b,
            int bOff, float[] y, int yOff, int nw, int pixels, float[] bias, int biasOff, float lo, float hi) {
        int p = convPairPixels(nw, segLen, lda);
        if (p == 0 || pixels < 0 || pixels > p || segments < 1) {
            throw new IllegalArgumentException("convPairTile: " + pixels + " pixels of " + nw + " filters, "
                    + segments + " segments of " + segLen + " values " + lda + " apart; this kernel takes 0 to "
                    + VectorPairTiles.PIXELS + " pixels of " + L / 2 + " filters, 1 or more segments of 3, 6, ... "
                    + "values, lda + segLen <= " + L + " (see convPairPixels)");
        }
        long lastRead = aOff + (long) (segments - 1) * segStride + (long) (p - 1) * lda + segLen + L;
        if (aOff < 0 || segStride < 0 || lastRead > a.length) {
            throw new IllegalArgumentException("convPairTile: a tile reads a[" + aOff + ", " + lastRead + ") of "
                    + a.length + " values; the driver's rows must reach (P - 1)*lda + segLen + " + L
                    + " values past each segment's start");
        }
        if (pixels == 0) {
            return;
        }
        VectorPairTiles.tile16(a, aOff, lda, segLen, segStride, segments, b, bOff, y, yOff, pixels, bias, biasOff,
                lo, hi);
    }

    /** Winograd F(2x2, 3x3) on the 3x3 convolutions at stride 1: their GEMMs on {@link #tileRows}. */
    @Override
    public boolean winograd() {
        return true;
    }

    @Override
    public void winogradInput(float[] a, int aOff, int lda, int c, int tiles, float[] v, int vOff, int vStride) {
        VectorWinograd.input(a, aOff, lda, c, tiles, v, vOff, vStride);
    }

    @Override
    public void winogradOutput(float[] m, int mOff, int mStride, int f, int tiles, float[] bias, int biasOff,
            float[] y, int yOff, int ldy, int rows, int cols, float lo, float hi) {
        VectorWinograd.output(m, mOff, mStride, f, tiles, bias, biasOff, y, yOff, ldy, rows, cols, lo, hi);
    }
}
