package io.cnnkit.engine.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The inner block of a matrix product, as conv2d (im2col rows x kernel) and dense (batch rows x
 * kernel) drive it: adds one K-slice of products into a micro-tile of up to {@link #ROWS} rows
 * by {@code nw} columns, keeping the sums in registers.
 *
 * <p>Since 1.1 a kernel may also offer {@link #tileRows}: up to {@link #blockRows()} rows that
 * lie {@code lda} apart (no offset arrays; a kernel with 6 or more rows keeps more sums in
 * registers per value loaded), writing rows {@code ldy} apart, with a clamp (relu, relu6)
 * applied in the final store. A kernel that does not override {@link #blockRows()} (it returns
 * 0) is driven through {@link #tile} as before.
 */
@ConsumerType
public interface GemmMicroKernel {
    /** Rows per micro-tile. */
    int ROWS = 4;

    /**
     * For r &lt; rows and j in [0, nw): {@code y[yOff[r] + yCol + j] += a[aOff[r] + k] * b[bOff + k*ldb + j]}
     * for k = 0..kLen-1 in order, as one chain per output started from the stored value, or from
     * +0 when {@code first} (the stored value is then never read). When {@code bias} is not null
     * (the K-slice is the last one) {@code bias[biasOff + j]} is added after the chain, before the
     * store. {@code aOff} and {@code yOff} have {@link #ROWS} entries; rows r &gt;= rows repeat row
     * rows-1 (the driver fills them so) and are not stored. The order of the chain is fixed, so
     * results do not depend on how the driver splits the work.
     */
    void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff, int yCol, int nw,
            int rows, boolean first, float[] bias, int biasOff);

    /**
     * Rows per micro-tile of {@link #tileRows}, or 0 (the default) when this kernel has no such
     * variant: drivers then use {@link #tile}.
     *
     * @since 1.1
     */
    default int blockRows() {
        return 0;
    }

    /**
     * Rows per micro-tile of {@link #tileRows} for a GEMM whose tiles are at most {@code filters}
     * wide (a driver's filter block): a kernel may take more rows for narrow tiles, whose few
     * independent sums per row would leave the multiply-add units waiting. A property of the
     * shapes, never of the thread count. The default is {@link #blockRows()}.
     *
     * @since 1.3
     */
    default int blockRows(int filters) {
        return blockRows();
    }

    /**
     * A micro-tile of up to R = {@link #blockRows(int)} rows lying {@code lda} apart: value k of row
     * r &lt; rows is {@code a[aOff + r*lda + k]} (nothing past row rows-1 is read). For r &lt; rows
     * and j in [0, nw): {@code v} = the chain of products {@code a(r, k) * b[bOff + k*ldb + j]}
     * for k = 0..kLen-1 in order, started from the stored {@code y[yOff + r*ldy + j]}, or from +0
     * when {@code first} (then never read), rounded as {@link #tile} rounds it; then
     * {@code + bias[biasOff + j]} when {@code bias} is not null; then
     * {@code y[yOff + r*ldy + j] = Math.min(Math.max(v, lo), hi)} ({@code lo} = -infinity and
     * {@code hi} = +infinity store v as it is; see {@link ClampActivation}). Rows r &gt;= rows are
     * neither read nor written.
     *
     * @throws UnsupportedOperationException from the default, which has no such variant
     * @since 1.1
     */
    default void tileRows(float[] a, int aOff, int lda, int kLen, float[] b, int bOff, int ldb, float[] y, int yOff,
            int ldy, int nw, int rows, boolean first, float[] bias, int biasOff, float lo, float hi) {
        throw new UnsupportedOperationException(getClass().getName()
                + " has no tileRows variant (blockRows() is 0); drive it through tile()");
    }

    /**
     * {@link #tileRows} with each row's K values in segments: value k of row r is
     * {@code a[aOff + r*lda + (k / segLen) * segStride + k % segLen]}, so a convolution's kernel
     * rows, each one contiguous stretch of its own input row, are read in place in one call
     * (the sums stay in registers across them). The same chains, so the same results, as
     * {@link #tileRows} over a packed copy of those values. The default makes one
     * {@link #tileRows} call per segment (the sums are stored and reloaded between them).
     *
     * @throws IllegalArgumentException when {@code segLen < 1} and {@code kLen > 0}
     * @since 1.4
     */
    default void tileRowsSegmented(float[] a, int aOff, int lda, int segLen, int segStride, int kLen, float[] b,
            int bOff, int ldb, float[] y, int yOff, int ldy, int nw, int rows, boolean first, float[] bias,
            int biasOff, float lo, float hi) {
        if (segLen < 1 && kLen > 0) {
            throw new IllegalArgumentException("tileRowsSegmented: segments of " + segLen + " values cannot hold "
                    + kLen + " values; pass segLen >= 1");
        }
        if (kLen == 0) {
            tileRows(a, aOff, lda, 0, b, bOff, ldb, y, yOff, ldy, nw, rows, first, bias, biasOff, lo, hi);
            return;
        }
        for (int k0 = 0; k0 < kLen; k0 += segLen) {
            int kc = Math.min(segLen, kLen - k0);
            boolean last = k0 + kc == kLen;
            tileRows(a, aOff + k0 / segLen * segStride, lda, kc, b, bOff + k0 * ldb, ldb, y, yOff, ldy, nw, rows,
                    first && k0 == 0, last ? bias : null, biasOff, last ? lo : Float.NEGATIVE_INFINITY,
                    last ? hi : Float.POSITIVE_INFINITY);
        }
    }

    /**
     * Input channels of the convolutions {@link #convRowTile} takes (the pixel stride of the rows
     * it reads), or 0 (the default) when this kernel has no such variant.
     *
     * @since 1.5
     */
    default int convRowChannels() {
        return 0;
    }

    /**
     * Output pixels per tile of {@link #convRowTile} for {@code filters} filters, or 0 (the
     * default) when this kernel has no such variant for that width. A property of the shapes,
     * never of the thread count.
     *
     * @since 1.5
     */
    default int convRowPixels(int filters) {
        return 0;
    }

    /**
     * A tile of up to P = {@link #convRowPixels convRowPixels(nw)} output pixels of a convolution
     * three taps wide at horizontal stride 1 over C = {@link #convRowChannels()} input channels,
     * read from an input row with its zero padding: value k of input pixel u is
     * {@code a[aOff + u*C + k]} (u = p + kx for output pixel p and tap kx). For p &lt; pixels and
     * j in [0, nw): {@code v} = the chain of products {@code a[aOff + (p + kx)*C + k] *
     * b[bOff + (k*3 + kx)*nw + j]} for k = 0..kLen-1 and, within each k, kx = 0, 1, 2, each
     * rounded once (fused multiply-add), started from the stored {@code y[yOff + p*ldy + j]}, or
     * from +0 when {@code first} (then never read); then {@code + bias[biasOff + j]} when
     * {@code bias} is not null; then {@code y[yOff + p*ldy + j] = Math.min(Math.max(v, lo), hi)}.
     * A driver calls it once per kernel row, so each output's chain runs over (kernel row,
     * channel, tap) in that fixed order. Pixels p &gt;= pixels are neither read from nor written
     * to {@code y}, but the kernel may read {@code a} for all P + 2 input pixels: the driver's
     * rows are that long.
     *
     * @throws UnsupportedOperationException from the default, which has no such variant
     * @since 1.5
     */
    default void convRowTile(float[] a, int aOff, int kLen, float[] b, int bOff, float[] y, int yOff, int ldy,
            int nw, int pixels, boolean first, float[] bias, int biasOff, float lo, float hi) {
        throw new UnsupportedOperationException(getClass().getName()
                + " has no convRowTile variant (convRowPixels is 0); drive it through tileRows()");
    }

    /**
     * Output pixels per tile of {@link #convRowTileSegmented} for {@code filters} filters at
     * horizontal stride {@code stride}, or 0 when this kernel has no such variant. The default:
     * {@link #convRowPixels(int)} at stride 1, none otherwise.
     *
     * @since 1.6
     */
    default int convRowPixels(int filters, int stride) {
        return stride == 1 ? convRowPixels(filters) : 0;
    }

    /**
     * {@code segments} calls of {@link #convRowTile} in one, the sums kept in registers between
     * them, at horizontal stride {@code stride} (output pixel p's tap kx reads input pixel
     * {@code stride*p + kx}; the kernel may read {@code a} for all {@code stride*(P-1) + 3}
     * input pixels of a tile of P = {@link #convRowPixels(int, int)}): segment s reads its input
     * row at {@code aOff + s*segStride} and its kLen values' weights at
     * {@code bOff + s*kLen*3*nw} (each segment's weights follow the previous one's), so each
     * output's chain runs over (segment, k, tap) in that order; {@code first} applies to the
     * first segment, the bias and the clamp to the last. A driver passes a convolution's kernel
     * rows as segments. The default makes one {@link #convRowTile} call per segment at stride 1.
     *
     * @throws IllegalArgumentException when {@code segments < 1}
     * @throws UnsupportedOperationException from the default at a stride other than 1, or when
     *                                       there is no {@link #convRowTile} variant
     * @since 1.6
     */
    default void convRowTileSegmented(float[] a, int aOff, int segStride, int segments, int kLen, int stride,
            float[] b, int bOff, float[] y, int yOff, int ldy, int nw, int pixels, boolean first, float[] bias,
            int biasOff, float lo, float hi) {
        if (segments < 1) {
            throw new IllegalArgumentException("convRowTileSegmented: " + segments + " segments; pass 1 or more "
                    + "(convRowTile with kLen 0 gives the bias alone)");
        }
        if (stride != 1) {
            throw new UnsupportedOperationException(getClass().getName() + " has no convRowTile variant at stride "
                    + stride + " (convRowPixels(filters, stride) is 0)");
        }
        for (int s = 0; s < segments; s++) {
            boolean last = s == segments - 1;
            convRowTile(a, aOff + s * segStride, kLen, b, bOff + s * kLen * 3 * nw, y, yOff, ldy, nw, pixels,
                    first && s == 0, last ? bias : null, biasOff, last ? lo : Float.NEGATIVE_INFINITY,
                    last ? hi : Float.POSITIVE_INFINITY);
        }
    }

    /**
     * The few-filter convolution's sums over planes (one input channel's row laid out alone, so
     * a vector spans output pixels): for each filter fo &lt; nf and i &lt; n,
     * {@code acc[accOff + fo*lda + i]} gains {@code p[pOff[t] + i] * w[wOff[t] + fo]} for t = 0 ..
     * terms-1 in that order, each product and each sum rounded on its own (no fused
     * multiply-add), so every backend gives the plain loop's bits, which are the definition's.
     * {@code acc} must not overlap what is read of {@code p}. The default is that plain loop.
     *
     * @since 1.6
     */
    default void planarTerms(float[] p, int[] pOff, float[] w, int[] wOff, int terms, float[] acc, int accOff,
            int lda, int nf, int n) {
        for (int fo = 0; fo < nf; fo++) {
            int a = accOff + fo * lda;
            for (int t = 0; t < terms; t++) {
                int po = pOff[t];
                float wv = w[wOff[t] + fo];
                for (int i = 0; i < n; i++) {
                    acc[a + i] += p[po + i] * wv;
                }
            }
        }
    }

    /**
     * Output pixels per tile of {@link #convPairTile} for {@code filters} filters, kernel rows of
     * {@code segLen} values and input pixels {@code lda} values apart, or 0 (the default) when
     * this kernel has no such variant for those shapes. A property of the shapes, never of the
     * thread count.
     *
     * @since 1.7
     */
    default int convPairPixels(int filters, int segLen, int lda) {
        return 0;
    }

    /**
     * A tile of up to P = {@link #convPairPixels convPairPixels(nw, segLen, lda)} output pixels
     * of a convolution with few filters (a kernel may hold two pixels' sums in one vector), read
     * in place: value k of segment s (a kernel row) of output pixel p is
     * {@code a[aOff + s*segStride + p*lda + k]}, k &lt; segLen. For p &lt; pixels and j in [0,
     * nw): {@code v} = the chain of products of those values and
     * {@code b[bOff + (s*segLen + k)*2*nw + j]} for s = 0..segments-1 and, within each, k =
     * 0..segLen-1, each rounded once (fused multiply-add), started from +0; then
     * {@code + bias[biasOff + j]} when {@code bias} is not null; then
     * {@code y[yOff + p*nw + j] = Math.min(Math.max(v, lo), hi)}. {@code b} holds each k's nw
     * weights twice in a row, and {@code bias} its nw values twice (2*nw floats; a vector then
     * serves two pixels). Pixels p &gt;= pixels are not written. The kernel may read
     * {@code a[aOff + s*segStride + i]} for every i &lt; (P - 1)*lda + segLen + 2*nw (past a full
     * tile's last value by a vector): the driver's rows are that long. The default is the plain loop ({@link Math#fma}), whichever P the kernel names.
     *
     * @throws IllegalArgumentException when {@code segments < 1} or {@code pixels} is not in [0, P]
     *                                  for a kernel with P &gt; 0
     * @since 1.7
     */
    default void convPairTile(float[] a, int aOff, int lda, int segLen, int segStride, int segments, float[] b,
            int bOff, float[] y, int yOff, int nw, int pixels, float[] bias, int biasOff, float lo, float hi) {
        int tile = convPairPixels(nw, segLen, lda);
        if (segments < 1 || pixels < 0 || tile > 0 && pixels > tile) {
            throw new IllegalArgumentException("convPairTile: " + segments + " segments and " + pixels
                    + " pixels; pass 1 or more segments and at most convPairPixels(nw, segLen, lda) = " + tile
                    + " pixels");
        }
        for (int p = 0; p < pixels; p++) {
            for (int j = 0; j < nw; j++) {
                float v = 0f;
                for (int s = 0; s < segments; s++) {
                    int ai = aOff + s * segStride + p * lda, bi = bOff + s * segLen * 2 * nw + j;
                    for (int k = 0; k < segLen; k++, bi += 2 * nw) {
                        v = Math.fma(a[ai + k], b[bi], v);
                    }
                }
                if (bias != null) {
                    v += bias[biasOff + j];
                }
                y[yOff + p * nw + j] = Math.min(Math.max(v, lo), hi);
            }
        }
    }

    /**
     * Whether drivers take 3x3 convolutions at stride 1 (ungrouped, undilated) through
     * Winograd's F(2x2, 3x3) on this kernel: {@link #winogradInput}, then one {@link #tileRows}
     * GEMM per transform element (16 products of c values where the direct sum takes 36 for
     * each 2x2 block of outputs), then {@link #winogradOutput}. The results are the convolution's
     * up to rounding, not the direct sum's bits. The default is false (a kernel whose transforms
     * would not be faster than its direct tiles keeps drivers on those).
     *
     * @since 1.8
     */
    default boolean winograd() {
        return false;
    }

    /**
     * Winograd F(2x2, 3x3)'s input transform V = B<sup>T</sup> d B of {@code tiles} tiles side
     * by side (each two input columns right of the last): value k of d(i, j) (i, j &lt; 4) of
     * tile t is {@code a[aOff + i*lda + (2t + j)*c + k]}, k &lt; c. With e(i, j) = d(0, j) -
     * d(2, j), d(1, j) + d(2, j), d(2, j) - d(1, j), d(1, j) - d(3, j) for i = 0, 1, 2, 3, V(i, 0..3)
     * = e(i, 0) - e(i, 2), e(i, 1) + e(i, 2), e(i, 2) - e(i, 1), e(i, 1) - e(i, 3), each operation
     * rounded on its own; value k of V(i, j) of tile t goes to
     * {@code v[vOff + (4i + j)*vStride + t*c + k]}. The default is that plain loop.
     *
     * @since 1.8
     */
    default void winogradInput(float[] a, int aOff, int lda, int c, int tiles, float[] v, int vOff, int vStride) {
        for (int t = 0; t < tiles; t++) {
            for (int k = 0; k < c; k++) {
                int d = aOff + 2 * t * c + k, o = vOff + t * c + k;
                for (int i = 0; i < 4; i++) {
                    // e(i) combines input rows p and q: d(0)-d(2), d(1)+d(2), d(2)-d(1), d(1)-d(3)
                    int p = d + (i == 0 ? 0 : i == 2 ? 2 : 1) * lda;
                    int q = d + (i == 0 || i == 1 ? 2 : i == 2 ? 1 : 3) * lda;
                    float e0, e1, e2, e3;
                    if (i == 1) {
                        e0 = a[p] + a[q];
                        e1 = a[p + c] + a[q + c];
                        e2 = a[p + 2 * c] + a[q + 2 * c];
                        e3 = a[p + 3 * c] + a[q + 3 * c];
                    } else {
                        e0 = a[p] - a[q];
                        e1 = a[p + c] - a[q + c];
                        e2 = a[p + 2 * c] - a[q + 2 * c];
                        e3 = a[p + 3 * c] - a[q + 3 * c];
                    }
                    v[o + 4 * i * vStride] = e0 - e2;
                    v[o + (4 * i + 1) * vStride] = e1 + e2;
                    v[o + (4 * i + 2) * vStride] = e2 - e1;
                    v[o + (4 * i + 3) * vStride] = e1 - e3;
                }
            }
        }
    }

    /**
     * Winograd F(2x2, 3x3)'s output transform Y = A<sup>T</sup> M A of {@code tiles} tiles, then
     * the bias and a clamp: value j &lt; f of M(i, jj) of tile t is
     * {@code m[mOff + (4i + jj)*mStride + t*f + j]}. With s(0, jj) = (M(0, jj) + M(1, jj)) +
     * M(2, jj) and s(1, jj) = (M(1, jj) - M(2, jj)) - M(3, jj), output row r &lt; 2 of the tile
     * is v(r, 0) = (s(r, 0) + s(r, 1)) + s(r, 2) and v(r, 1) = (s(r, 1) - s(r, 2)) - s(r, 3), then
     * {@code + bias[biasOff + j]} when {@code bias} is not null, each operation rounded on its
     * own; {@code y[yOff + r*ldy + (2t + col)*f + j] = Math.min(Math.max(v(r, col), lo), hi)} for
     * r &lt; {@code rows} and 2t + col &lt; {@code cols} (an image's last row or column may end
     * inside a tile); nothing else of {@code y} is written. The default is that plain loop.
     *
     * @since 1.8
     */
    default void winogradOutput(float[] m, int mOff, int mStride, int f, int tiles, float[] bias, int biasOff,
            float[] y, int yOff, int ldy, int rows, int cols, float lo, float hi) {
        float[] s = new float[8];
        for (int t = 0; t < tiles; t++) {
            for (int j = 0; j < f; j++) {
                int q = mOff + t * f + j;
                for (int jj = 0; jj < 4; jj++) {
                    float m0 = m[q + jj * mStride], m1 = m[q + (4 + jj) * mStride];
                    float m2 = m[q + (8 + jj) * mStride], m3 = m[q + (12 + jj) * mStride];
                    s[jj] = m0 + m1 + m2;
                    s[4 + jj] = m1 - m2 - m3;
                }
                for (int r = 0; r < rows; r++) {
                    for (int col = 0; col < 2 && 2 * t + col < cols; col++) {
                        int o = 4 * r;
                        float v = col == 0 ? s[o] + s[o + 1] + s[o + 2] : s[o + 1] - s[o + 2] - s[o + 3];
                        if (bias != null) {
                            v += bias[biasOff + j];
                        }
                        y[yOff + r * ldy + (2 * t + col) * f + j] = Math.min(Math.max(v, lo), hi);
                    }
                }
            }
        }
    }
}
