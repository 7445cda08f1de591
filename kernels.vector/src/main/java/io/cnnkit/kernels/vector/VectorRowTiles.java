package io.cnnkit.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-tiles of {@link VectorGemm#tileRows}: {@value #R} rows of A (lda apart) times 4, 2
 * or 1 vectors of filters, all sums in registers: 6 x 4 = 24 of AVX-512's 32 vector registers
 * hold sums, 4 the kernel row, one a broadcast; per k, 10 loads feed 24 fused multiply-adds
 * (the 4-row tile: 8 for 16). Each output element is one fused multiply-add chain over k in
 * order (from +0 or the stored value), then + bias (+0 when there is none, a no-op on a chain
 * that never holds -0), then max(lo), min(hi): the fused relu or relu6 (-infinity and
 * +infinity leave every value, NaN included, as it is).
 *
 * <p>Written out per variant: every vector is a local of one method, since JDK 17 boxes a vector
 * that crosses a method or loop boundary or is chosen by a branch. And no method bigger than
 * about 80 vector operations: one that C1's profiling tier cannot compile ("out of virtual
 * registers") can stay on C1's code for good, its vectors objects, and one that runs out of
 * C2's inlining budget (NodeCountInliningCutoff) leaves some operations as calls on boxed
 * vectors (README, "The JIT and the Vector kernels"; the e2e check jit-every-kernel).
 */
final class VectorRowTiles {
    /** Rows per micro-tile. */
    static final int R = 6;
    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = S.length();
    /** Read instead of the outputs on the first K-slice and for rows past the last, and for a missing bias. */
    private static final float[] ZEROS = new float[4 * L];

    private VectorRowTiles() {
    }

    /**
     * min(v, hi) over the rows x width floats a tile has just stored from y[yo] (rows ldy apart):
     * the upper bound of relu6 and other capped clamps. The tiles' stores apply only the lower
     * bound: Java's max and min on a vector are six instructions each (NaN and signed zeros), and
     * relu, the common clamp, has no upper bound (min with +inf is v itself), so its stores skip
     * that half (a MobileNet's relu layers up to 17% faster). min(max(v, lo), hi) either way:
     * the same bits as both in the store.
     */
    static void cap(float[] y, int yo, int ldy, int rows, int width, float hi) {
        if (hi == Float.POSITIVE_INFINITY) {
            return;
        }
        FloatVector vhi = FloatVector.broadcast(S, hi);
        for (int r = 0; r < rows; r++, yo += ldy) {
            int j = 0;
            for (; j + L <= width; j += L) {
                FloatVector.fromArray(S, y, yo + j).min(vhi).intoArray(y, yo + j);
            }
            for (; j < width; j++) {
                y[yo + j] = Math.min(y[yo + j], hi);
            }
        }
    }

    /**
     * 6 rows x 4 vectors (64 filters with AVX-512): sums from +0 ({@code first}) or from the
     * stored ones, stored as they are; {@link #finish} adds the bias and applies the clamp after
     * the last K-slice. Two methods where there was one: the 6 x 4 tile with its bias and clamp
     * in the store (about 130 vector operations) sometimes ran out of C2's inlining budget
     * (NodeCountInliningCutoff in LogCompilation), which then left its 24 stores as calls and
     * boxed every sum: W3 1.5x slower in the processes where it happened.
     */
    static void tile6x4(float[] a, int ao, int lda, int kLen, float[] b, int wb, int ldb, float[] y, int yo,
            int ldy, int rows, boolean first) {
        float[] y0 = first ? ZEROS : y;
        int s0 = first ? 0 : yo;
        float[] y1 = first || rows <= 1 ? ZEROS : y;
        int s1 = first || rows <= 1 ? 0 : yo + ldy;
        float[] y2 = first || rows <= 2 ? ZEROS : y;
        int s2 = first || rows <= 2 ? 0 : yo + 2 * ldy;
        float[] y3 = first || rows <= 3 ? ZEROS : y;
        int s3 = first || rows <= 3 ? 0 : yo + 3 * ldy;
        float[] y4 = first || rows <= 4 ? ZEROS : y;
        int s4 = first || rows <= 4 ? 0 : yo + 4 * ldy;
        float[] y5 = first || rows <= 5 ? ZEROS : y;
        int s5 = first || rows <= 5 ? 0 : yo + 5 * ldy;
        FloatVector c00 = FloatVector.fromArray(S, y0, s0);
        FloatVector c01 = FloatVector.fromArray(S, y0, s0 + L);
        FloatVector c02 = FloatVector.fromArray(S, y0, s0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, y0, s0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, y1, s1);
        FloatVector c11 = FloatVector.fromArray(S, y1, s1 + L);
        FloatVector c12 = FloatVector.fromArray(S, y1, s1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, y1, s1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, y2, s2);
        FloatVector c21 = FloatVector.fromArray(S, y2, s2 + L);
        FloatVector c22 = FloatVector.fromArray(S, y2, s2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, y2, s2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, y3, s3);
        FloatVector c31 = FloatVector.fromArray(S, y3, s3 + L);
        FloatVector c32 = FloatVector.fromArray(S, y3, s3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, y3, s3 + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, y4, s4);
        FloatVector c41 = FloatVector.fromArray(S, y4, s4 + L);
        FloatVector c42 = FloatVector.fromArray(S, y4, s4 + 2 * L);
        FloatVector c43 = FloatVector.fromArray(S, y4, s4 + 3 * L);
        FloatVector c50 = FloatVector.fromArray(S, y5, s5);
        FloatVector c51 = FloatVector.fromArray(S, y5, s5 + L);
        FloatVector c52 = FloatVector.fromArray(S, y5, s5 + 2 * L);
        FloatVector c53 = FloatVector.fromArray(S, y5, s5 + 3 * L);
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * lda;
        int a2 = ao + Math.min(2, rows - 1) * lda;
        int a3 = ao + Math.min(3, rows - 1) * lda;
        int a4 = ao + Math.min(4, rows - 1) * lda;
        int a5 = ao + Math.min(5, rows - 1) * lda;
        for (int k = 0; k < kLen; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector b1 = FloatVector.fromArray(S, b, wb + L);
            FloatVector b2 = FloatVector.fromArray(S, b, wb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, wb + 3 * L);
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
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            c53 = x5.fma(b3, c53);
        }
        c00.intoArray(y, yo);
        c01.intoArray(y, yo + L);
        c02.intoArray(y, yo + 2 * L);
        c03.intoArray(y, yo + 3 * L);
        if (rows > 1) {
            c10.intoArray(y, yo + ldy);
            c11.intoArray(y, yo + ldy + L);
            c12.intoArray(y, yo + ldy + 2 * L);
            c13.intoArray(y, yo + ldy + 3 * L);
        }
        if (rows > 2) {
            c20.intoArray(y, yo + 2 * ldy);
            c21.intoArray(y, yo + 2 * ldy + L);
            c22.intoArray(y, yo + 2 * ldy + 2 * L);
            c23.intoArray(y, yo + 2 * ldy + 3 * L);
        }
        if (rows > 3) {
            c30.intoArray(y, yo + 3 * ldy);
            c31.intoArray(y, yo + 3 * ldy + L);
            c32.intoArray(y, yo + 3 * ldy + 2 * L);
            c33.intoArray(y, yo + 3 * ldy + 3 * L);
        }
        if (rows > 4) {
            c40.intoArray(y, yo + 4 * ldy);
            c41.intoArray(y, yo + 4 * ldy + L);
            c42.intoArray(y, yo + 4 * ldy + 2 * L);
            c43.intoArray(y, yo + 4 * ldy + 3 * L);
        }
        if (rows > 5) {
            c50.intoArray(y, yo + 5 * ldy);
            c51.intoArray(y, yo + 5 * ldy + L);
            c52.intoArray(y, yo + 5 * ldy + 2 * L);
            c53.intoArray(y, yo + 5 * ldy + 3 * L);
        }
    }

    /**
     * The last K-slice's finish for a tile of {@code rows} x {@code width} stored sums (width a
     * whole number of vectors): v + bias (+0 when there is none, a no-op on sums that never hold
     * -0), max(lo), min(hi): the bits {@link #tile6x2} and the others give in their stores.
     */
    static void finish(float[] y, int yo, int ldy, int rows, int width, float[] bias, int bOff, float lo, float hi) {
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? bOff : 0;
        FloatVector vlo = FloatVector.broadcast(S, lo);
        for (int r = 0; r < rows; r++) {
            int o = yo + r * ldy;
            for (int j = 0; j < width; j += L) {
                FloatVector.fromArray(S, y, o + j).add(FloatVector.fromArray(S, bs, bo + j)).max(vlo).intoArray(y, o + j);
            }
        }
        cap(y, yo, ldy, rows, width, hi);
    }

    /** 6 rows x 2 vectors (32 filters with AVX-512). */
    static void tile6x2(float[] a, int ao, int lda, int kLen, float[] b, int wb, int ldb, float[] y, int yo,
            int ldy, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        float[] ys = first ? ZEROS : y, bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? bOff : 0;
        int s0 = first ? 0 : yo;
        float[] y1 = first || rows <= 1 ? ZEROS : y;
        int s1 = first || rows <= 1 ? 0 : yo + ldy;
        float[] y2 = first || rows <= 2 ? ZEROS : y;
        int s2 = first || rows <= 2 ? 0 : yo + 2 * ldy;
        float[] y3 = first || rows <= 3 ? ZEROS : y;
        int s3 = first || rows <= 3 ? 0 : yo + 3 * ldy;
        float[] y4 = first || rows <= 4 ? ZEROS : y;
        int s4 = first || rows <= 4 ? 0 : yo + 4 * ldy;
        float[] y5 = first || rows <= 5 ? ZEROS : y;
        int s5 = first || rows <= 5 ? 0 : yo + 5 * ldy;
        FloatVector c00 = FloatVector.fromArray(S, ys, s0);
        FloatVector c01 = FloatVector.fromArray(S, ys, s0 + L);
        FloatVector c10 = FloatVector.fromArray(S, y1, s1);
        FloatVector c11 = FloatVector.fromArray(S, y1, s1 + L);
        FloatVector c20 = FloatVector.fromArray(S, y2, s2);
        FloatVector c21 = FloatVector.fromArray(S, y2, s2 + L);
        FloatVector c30 = FloatVector.fromArray(S, y3, s3);
        FloatVector c31 = FloatVector.fromArray(S, y3, s3 + L);
        FloatVector c40 = FloatVector.fromArray(S, y4, s4);
        FloatVector c41 = FloatVector.fromArray(S, y4, s4 + L);
        FloatVector c50 = FloatVector.fromArray(S, y5, s5);
        FloatVector c51 = FloatVector.fromArray(S, y5, s5 + L);
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * lda;
        int a2 = ao + Math.min(2, rows - 1) * lda;
        int a3 = ao + Math.min(3, rows - 1) * lda;
        int a4 = ao + Math.min(4, rows - 1) * lda;
        int a5 = ao + Math.min(5, rows - 1) * lda;
        for (int k = 0; k < kLen; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector b1 = FloatVector.fromArray(S, b, wb + L);
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
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
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
            c40 = c40.add(b0);
            c41 = c41.add(b1);
            c50 = c50.add(b0);
            c51 = c51.add(b1);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c00.max(vlo).intoArray(y, yo);
        c01.max(vlo).intoArray(y, yo + L);
        if (rows > 1) {
            c10.max(vlo).intoArray(y, yo + ldy);
            c11.max(vlo).intoArray(y, yo + ldy + L);
        }
        if (rows > 2) {
            c20.max(vlo).intoArray(y, yo + 2 * ldy);
            c21.max(vlo).intoArray(y, yo + 2 * ldy + L);
        }
        if (rows > 3) {
            c30.max(vlo).intoArray(y, yo + 3 * ldy);
            c31.max(vlo).intoArray(y, yo + 3 * ldy + L);
        }
        if (rows > 4) {
            c40.max(vlo).intoArray(y, yo + 4 * ldy);
            c41.max(vlo).intoArray(y, yo + 4 * ldy + L);
        }
        if (rows > 5) {
            c50.max(vlo).intoArray(y, yo + 5 * ldy);
            c51.max(vlo).intoArray(y, yo + 5 * ldy + L);
        }
        cap(y, yo, ldy, rows, 2 * L, hi);
    }

    /** 6 rows x 1 vector. */
    static void tile6x1(float[] a, int ao, int lda, int kLen, float[] b, int wb, int ldb, float[] y, int yo,
            int ldy, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        float[] ys = first ? ZEROS : y, bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? bOff : 0;
        int s0 = first ? 0 : yo;
        float[] y1 = first || rows <= 1 ? ZEROS : y;
        int s1 = first || rows <= 1 ? 0 : yo + ldy;
        float[] y2 = first || rows <= 2 ? ZEROS : y;
        int s2 = first || rows <= 2 ? 0 : yo + 2 * ldy;
        float[] y3 = first || rows <= 3 ? ZEROS : y;
        int s3 = first || rows <= 3 ? 0 : yo + 3 * ldy;
        float[] y4 = first || rows <= 4 ? ZEROS : y;
        int s4 = first || rows <= 4 ? 0 : yo + 4 * ldy;
        float[] y5 = first || rows <= 5 ? ZEROS : y;
        int s5 = first || rows <= 5 ? 0 : yo + 5 * ldy;
        FloatVector c00 = FloatVector.fromArray(S, ys, s0);
        FloatVector c10 = FloatVector.fromArray(S, y1, s1);
        FloatVector c20 = FloatVector.fromArray(S, y2, s2);
        FloatVector c30 = FloatVector.fromArray(S, y3, s3);
        FloatVector c40 = FloatVector.fromArray(S, y4, s4);
        FloatVector c50 = FloatVector.fromArray(S, y5, s5);
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * lda;
        int a2 = ao + Math.min(2, rows - 1) * lda;
        int a3 = ao + Math.min(3, rows - 1) * lda;
        int a4 = ao + Math.min(4, rows - 1) * lda;
        int a5 = ao + Math.min(5, rows - 1) * lda;
        for (int k = 0; k < kLen; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
        }
        {
            FloatVector b0 = FloatVector.fromArray(S, bs, bo);
            c00 = c00.add(b0);
            c10 = c10.add(b0);
            c20 = c20.add(b0);
            c30 = c30.add(b0);
            c40 = c40.add(b0);
            c50 = c50.add(b0);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c00.max(vlo).intoArray(y, yo);
        if (rows > 1) {
            c10.max(vlo).intoArray(y, yo + ldy);
        }
        if (rows > 2) {
            c20.max(vlo).intoArray(y, yo + 2 * ldy);
        }
        if (rows > 3) {
            c30.max(vlo).intoArray(y, yo + 3 * ldy);
        }
        if (rows > 4) {
            c40.max(vlo).intoArray(y, yo + 4 * ldy);
        }
        if (rows > 5) {
            c50.max(vlo).intoArray(y, yo + 5 * ldy);
        }
        cap(y, yo, ldy, rows, L, hi);
    }

    /**
     * 12 rows x 1 vector: a tile one vector wide (16 filters with AVX-512) has one sum per row,
     * and 6 rows are fewer independent chains than the multiply-add units need to stay busy; 12
     * are enough (timed alone at K = 48: 139 against 120 GFLOP/s for two 6 x 1 tiles). Each output
     * is the same chain as in {@link #tile6x1}.
     */
    static void tile12x1(float[] a, int ao, int lda, int kLen, float[] b, int wb, int ldb, float[] y, int yo,
            int ldy, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? bOff : 0;
        float[] y0 = first ? ZEROS : y;
        int s0 = first ? 0 : yo;
        float[] y1 = first || rows <= 1 ? ZEROS : y;
        int s1 = first || rows <= 1 ? 0 : yo + ldy;
        float[] y2 = first || rows <= 2 ? ZEROS : y;
        int s2 = first || rows <= 2 ? 0 : yo + 2 * ldy;
        float[] y3 = first || rows <= 3 ? ZEROS : y;
        int s3 = first || rows <= 3 ? 0 : yo + 3 * ldy;
        float[] y4 = first || rows <= 4 ? ZEROS : y;
        int s4 = first || rows <= 4 ? 0 : yo + 4 * ldy;
        float[] y5 = first || rows <= 5 ? ZEROS : y;
        int s5 = first || rows <= 5 ? 0 : yo + 5 * ldy;
        float[] y6 = first || rows <= 6 ? ZEROS : y;
        int s6 = first || rows <= 6 ? 0 : yo + 6 * ldy;
        float[] y7 = first || rows <= 7 ? ZEROS : y;
        int s7 = first || rows <= 7 ? 0 : yo + 7 * ldy;
        float[] y8 = first || rows <= 8 ? ZEROS : y;
        int s8 = first || rows <= 8 ? 0 : yo + 8 * ldy;
        float[] y9 = first || rows <= 9 ? ZEROS : y;
        int s9 = first || rows <= 9 ? 0 : yo + 9 * ldy;
        float[] y10 = first || rows <= 10 ? ZEROS : y;
        int s10 = first || rows <= 10 ? 0 : yo + 10 * ldy;
        float[] y11 = first || rows <= 11 ? ZEROS : y;
        int s11 = first || rows <= 11 ? 0 : yo + 11 * ldy;
        FloatVector c0 = FloatVector.fromArray(S, y0, s0);
        FloatVector c1 = FloatVector.fromArray(S, y1, s1);
        FloatVector c2 = FloatVector.fromArray(S, y2, s2);
        FloatVector c3 = FloatVector.fromArray(S, y3, s3);
        FloatVector c4 = FloatVector.fromArray(S, y4, s4);
        FloatVector c5 = FloatVector.fromArray(S, y5, s5);
        FloatVector c6 = FloatVector.fromArray(S, y6, s6);
        FloatVector c7 = FloatVector.fromArray(S, y7, s7);
        FloatVector c8 = FloatVector.fromArray(S, y8, s8);
        FloatVector c9 = FloatVector.fromArray(S, y9, s9);
        FloatVector c10 = FloatVector.fromArray(S, y10, s10);
        FloatVector c11 = FloatVector.fromArray(S, y11, s11);
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * lda;
        int a2 = ao + Math.min(2, rows - 1) * lda;
        int a3 = ao + Math.min(3, rows - 1) * lda;
        int a4 = ao + Math.min(4, rows - 1) * lda;
        int a5 = ao + Math.min(5, rows - 1) * lda;
        int a6 = ao + Math.min(6, rows - 1) * lda;
        int a7 = ao + Math.min(7, rows - 1) * lda;
        int a8 = ao + Math.min(8, rows - 1) * lda;
        int a9 = ao + Math.min(9, rows - 1) * lda;
        int a10 = ao + Math.min(10, rows - 1) * lda;
        int a11 = ao + Math.min(11, rows - 1) * lda;
        for (int k = 0; k < kLen; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + k]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + k]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + k]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + k]).fma(b0, c7);
            c8 = FloatVector.broadcast(S, a[a8 + k]).fma(b0, c8);
            c9 = FloatVector.broadcast(S, a[a9 + k]).fma(b0, c9);
            c10 = FloatVector.broadcast(S, a[a10 + k]).fma(b0, c10);
            c11 = FloatVector.broadcast(S, a[a11 + k]).fma(b0, c11);
        }
        FloatVector bv = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0.add(bv).max(vlo).intoArray(y, yo);
        if (rows > 1) {
            c1.add(bv).max(vlo).intoArray(y, yo + ldy);
        }
        if (rows > 2) {
            c2.add(bv).max(vlo).intoArray(y, yo + 2 * ldy);
        }
        if (rows > 3) {
            c3.add(bv).max(vlo).intoArray(y, yo + 3 * ldy);
        }
        if (rows > 4) {
            c4.add(bv).max(vlo).intoArray(y, yo + 4 * ldy);
        }
        if (rows > 5) {
            c5.add(bv).max(vlo).intoArray(y, yo + 5 * ldy);
        }
        if (rows > 6) {
            c6.add(bv).max(vlo).intoArray(y, yo + 6 * ldy);
        }
        if (rows > 7) {
            c7.add(bv).max(vlo).intoArray(y, yo + 7 * ldy);
        }
        if (rows > 8) {
            c8.add(bv).max(vlo).intoArray(y, yo + 8 * ldy);
        }
        if (rows > 9) {
            c9.add(bv).max(vlo).intoArray(y, yo + 9 * ldy);
        }
        if (rows > 10) {
            c10.add(bv).max(vlo).intoArray(y, yo + 10 * ldy);
        }
        if (rows > 11) {
            c11.add(bv).max(vlo).intoArray(y, yo + 11 * ldy);
        }
        cap(y, yo, ldy, rows, L, hi);
    }

    // Segmented twins of the tiles a convolution with short kernel rows uses (few input channels:
    // a network's first layer): its up to three kernel rows, each read in place, in one call,
    // each segment a plain counted loop. The tiles themselves keep one loop: a loop that jumps
    // between segments keeps the JIT from hoisting its bounds checks, nested loops box the sums,
    // and three loops in the plain tiles cost 3 to 10% on the large layers.

    /** {@link #tile6x2} over up to three segments ({@link VectorGemm#tileRowsSegmented}). */
    static void tile6x2Segments(float[] a, int ao, int lda, int segLen, int segStride, int kLen, float[] b, int wb,
            int ldb, float[] y, int yo, int ldy, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        float[] ys = first ? ZEROS : y, bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? bOff : 0;
        int s0 = first ? 0 : yo;
        float[] y1 = first || rows <= 1 ? ZEROS : y;
        int s1 = first || rows <= 1 ? 0 : yo + ldy;
        float[] y2 = first || rows <= 2 ? ZEROS : y;
        int s2 = first || rows <= 2 ? 0 : yo + 2 * ldy;
        float[] y3 = first || rows <= 3 ? ZEROS : y;
        int s3 = first || rows <= 3 ? 0 : yo + 3 * ldy;
        float[] y4 = first || rows <= 4 ? ZEROS : y;
        int s4 = first || rows <= 4 ? 0 : yo + 4 * ldy;
        float[] y5 = first || rows <= 5 ? ZEROS : y;
        int s5 = first || rows <= 5 ? 0 : yo + 5 * ldy;
        FloatVector c00 = FloatVector.fromArray(S, ys, s0);
        FloatVector c01 = FloatVector.fromArray(S, ys, s0 + L);
        FloatVector c10 = FloatVector.fromArray(S, y1, s1);
        FloatVector c11 = FloatVector.fromArray(S, y1, s1 + L);
        FloatVector c20 = FloatVector.fromArray(S, y2, s2);
        FloatVector c21 = FloatVector.fromArray(S, y2, s2 + L);
        FloatVector c30 = FloatVector.fromArray(S, y3, s3);
        FloatVector c31 = FloatVector.fromArray(S, y3, s3 + L);
        FloatVector c40 = FloatVector.fromArray(S, y4, s4);
        FloatVector c41 = FloatVector.fromArray(S, y4, s4 + L);
        FloatVector c50 = FloatVector.fromArray(S, y5, s5);
        FloatVector c51 = FloatVector.fromArray(S, y5, s5 + L);
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * lda;
        int a2 = ao + Math.min(2, rows - 1) * lda;
        int a3 = ao + Math.min(3, rows - 1) * lda;
        int a4 = ao + Math.min(4, rows - 1) * lda;
        int a5 = ao + Math.min(5, rows - 1) * lda;
        int n0 = Math.min(segLen, kLen), n1 = Math.min(segLen, kLen - n0), n2 = kLen - n0 - n1;
        for (int k = 0; k < n0; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector b1 = FloatVector.fromArray(S, b, wb + L);
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
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        for (int k = 0; k < n1; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector b1 = FloatVector.fromArray(S, b, wb + L);
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
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        for (int k = 0; k < n2; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector b1 = FloatVector.fromArray(S, b, wb + L);
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
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
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
            c40 = c40.add(b0);
            c41 = c41.add(b1);
            c50 = c50.add(b0);
            c51 = c51.add(b1);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c00.max(vlo).intoArray(y, yo);
        c01.max(vlo).intoArray(y, yo + L);
        if (rows > 1) {
            c10.max(vlo).intoArray(y, yo + ldy);
            c11.max(vlo).intoArray(y, yo + ldy + L);
        }
        if (rows > 2) {
            c20.max(vlo).intoArray(y, yo + 2 * ldy);
            c21.max(vlo).intoArray(y, yo + 2 * ldy + L);
        }
        if (rows > 3) {
            c30.max(vlo).intoArray(y, yo + 3 * ldy);
            c31.max(vlo).intoArray(y, yo + 3 * ldy + L);
        }
        if (rows > 4) {
            c40.max(vlo).intoArray(y, yo + 4 * ldy);
            c41.max(vlo).intoArray(y, yo + 4 * ldy + L);
        }
        if (rows > 5) {
            c50.max(vlo).intoArray(y, yo + 5 * ldy);
            c51.max(vlo).intoArray(y, yo + 5 * ldy + L);
        }
        cap(y, yo, ldy, rows, 2 * L, hi);
    }

    /** {@link #tile6x1} over up to three segments ({@link VectorGemm#tileRowsSegmented}). */
    static void tile6x1Segments(float[] a, int ao, int lda, int segLen, int segStride, int kLen, float[] b, int wb,
            int ldb, float[] y, int yo, int ldy, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        float[] ys = first ? ZEROS : y, bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? bOff : 0;
        int s0 = first ? 0 : yo;
        float[] y1 = first || rows <= 1 ? ZEROS : y;
        int s1 = first || rows <= 1 ? 0 : yo + ldy;
        float[] y2 = first || rows <= 2 ? ZEROS : y;
        int s2 = first || rows <= 2 ? 0 : yo + 2 * ldy;
        float[] y3 = first || rows <= 3 ? ZEROS : y;
        int s3 = first || rows <= 3 ? 0 : yo + 3 * ldy;
        float[] y4 = first || rows <= 4 ? ZEROS : y;
        int s4 = first || rows <= 4 ? 0 : yo + 4 * ldy;
        float[] y5 = first || rows <= 5 ? ZEROS : y;
        int s5 = first || rows <= 5 ? 0 : yo + 5 * ldy;
        FloatVector c00 = FloatVector.fromArray(S, ys, s0);
        FloatVector c10 = FloatVector.fromArray(S, y1, s1);
        FloatVector c20 = FloatVector.fromArray(S, y2, s2);
        FloatVector c30 = FloatVector.fromArray(S, y3, s3);
        FloatVector c40 = FloatVector.fromArray(S, y4, s4);
        FloatVector c50 = FloatVector.fromArray(S, y5, s5);
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * lda;
        int a2 = ao + Math.min(2, rows - 1) * lda;
        int a3 = ao + Math.min(3, rows - 1) * lda;
        int a4 = ao + Math.min(4, rows - 1) * lda;
        int a5 = ao + Math.min(5, rows - 1) * lda;
        int n0 = Math.min(segLen, kLen), n1 = Math.min(segLen, kLen - n0), n2 = kLen - n0 - n1;
        for (int k = 0; k < n0; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        for (int k = 0; k < n1; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        for (int k = 0; k < n2; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + k]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + k]);
            c50 = x5.fma(b0, c50);
        }
        {
            FloatVector b0 = FloatVector.fromArray(S, bs, bo);
            c00 = c00.add(b0);
            c10 = c10.add(b0);
            c20 = c20.add(b0);
            c30 = c30.add(b0);
            c40 = c40.add(b0);
            c50 = c50.add(b0);
        }
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c00.max(vlo).intoArray(y, yo);
        if (rows > 1) {
            c10.max(vlo).intoArray(y, yo + ldy);
        }
        if (rows > 2) {
            c20.max(vlo).intoArray(y, yo + 2 * ldy);
        }
        if (rows > 3) {
            c30.max(vlo).intoArray(y, yo + 3 * ldy);
        }
        if (rows > 4) {
            c40.max(vlo).intoArray(y, yo + 4 * ldy);
        }
        if (rows > 5) {
            c50.max(vlo).intoArray(y, yo + 5 * ldy);
        }
        cap(y, yo, ldy, rows, L, hi);
    }

    /** {@link #tile12x1} over up to three segments ({@link VectorGemm#tileRowsSegmented}). */
    static void tile12x1Segments(float[] a, int ao, int lda, int segLen, int segStride, int kLen, float[] b, int wb,
            int ldb, float[] y, int yo, int ldy, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? bOff : 0;
        float[] y0 = first ? ZEROS : y;
        int s0 = first ? 0 : yo;
        float[] y1 = first || rows <= 1 ? ZEROS : y;
        int s1 = first || rows <= 1 ? 0 : yo + ldy;
        float[] y2 = first || rows <= 2 ? ZEROS : y;
        int s2 = first || rows <= 2 ? 0 : yo + 2 * ldy;
        float[] y3 = first || rows <= 3 ? ZEROS : y;
        int s3 = first || rows <= 3 ? 0 : yo + 3 * ldy;
        float[] y4 = first || rows <= 4 ? ZEROS : y;
        int s4 = first || rows <= 4 ? 0 : yo + 4 * ldy;
        float[] y5 = first || rows <= 5 ? ZEROS : y;
        int s5 = first || rows <= 5 ? 0 : yo + 5 * ldy;
        float[] y6 = first || rows <= 6 ? ZEROS : y;
        int s6 = first || rows <= 6 ? 0 : yo + 6 * ldy;
        float[] y7 = first || rows <= 7 ? ZEROS : y;
        int s7 = first || rows <= 7 ? 0 : yo + 7 * ldy;
        float[] y8 = first || rows <= 8 ? ZEROS : y;
        int s8 = first || rows <= 8 ? 0 : yo + 8 * ldy;
        float[] y9 = first || rows <= 9 ? ZEROS : y;
        int s9 = first || rows <= 9 ? 0 : yo + 9 * ldy;
        float[] y10 = first || rows <= 10 ? ZEROS : y;
        int s10 = first || rows <= 10 ? 0 : yo + 10 * ldy;
        float[] y11 = first || rows <= 11 ? ZEROS : y;
        int s11 = first || rows <= 11 ? 0 : yo + 11 * ldy;
        FloatVector c0 = FloatVector.fromArray(S, y0, s0);
        FloatVector c1 = FloatVector.fromArray(S, y1, s1);
        FloatVector c2 = FloatVector.fromArray(S, y2, s2);
        FloatVector c3 = FloatVector.fromArray(S, y3, s3);
        FloatVector c4 = FloatVector.fromArray(S, y4, s4);
        FloatVector c5 = FloatVector.fromArray(S, y5, s5);
        FloatVector c6 = FloatVector.fromArray(S, y6, s6);
        FloatVector c7 = FloatVector.fromArray(S, y7, s7);
        FloatVector c8 = FloatVector.fromArray(S, y8, s8);
        FloatVector c9 = FloatVector.fromArray(S, y9, s9);
        FloatVector c10 = FloatVector.fromArray(S, y10, s10);
        FloatVector c11 = FloatVector.fromArray(S, y11, s11);
        int a0 = ao;
        int a1 = ao + Math.min(1, rows - 1) * lda;
        int a2 = ao + Math.min(2, rows - 1) * lda;
        int a3 = ao + Math.min(3, rows - 1) * lda;
        int a4 = ao + Math.min(4, rows - 1) * lda;
        int a5 = ao + Math.min(5, rows - 1) * lda;
        int a6 = ao + Math.min(6, rows - 1) * lda;
        int a7 = ao + Math.min(7, rows - 1) * lda;
        int a8 = ao + Math.min(8, rows - 1) * lda;
        int a9 = ao + Math.min(9, rows - 1) * lda;
        int a10 = ao + Math.min(10, rows - 1) * lda;
        int a11 = ao + Math.min(11, rows - 1) * lda;
        int n0 = Math.min(segLen, kLen), n1 = Math.min(segLen, kLen - n0), n2 = kLen - n0 - n1;
        for (int k = 0; k < n0; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + k]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + k]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + k]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + k]).fma(b0, c7);
            c8 = FloatVector.broadcast(S, a[a8 + k]).fma(b0, c8);
            c9 = FloatVector.broadcast(S, a[a9 + k]).fma(b0, c9);
            c10 = FloatVector.broadcast(S, a[a10 + k]).fma(b0, c10);
            c11 = FloatVector.broadcast(S, a[a11 + k]).fma(b0, c11);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        a6 += segStride; a7 += segStride; a8 += segStride; a9 += segStride; a10 += segStride; a11 += segStride;
        for (int k = 0; k < n1; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + k]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + k]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + k]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + k]).fma(b0, c7);
            c8 = FloatVector.broadcast(S, a[a8 + k]).fma(b0, c8);
            c9 = FloatVector.broadcast(S, a[a9 + k]).fma(b0, c9);
            c10 = FloatVector.broadcast(S, a[a10 + k]).fma(b0, c10);
            c11 = FloatVector.broadcast(S, a[a11 + k]).fma(b0, c11);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        a6 += segStride; a7 += segStride; a8 += segStride; a9 += segStride; a10 += segStride; a11 += segStride;
        for (int k = 0; k < n2; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + k]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + k]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + k]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + k]).fma(b0, c7);
            c8 = FloatVector.broadcast(S, a[a8 + k]).fma(b0, c8);
            c9 = FloatVector.broadcast(S, a[a9 + k]).fma(b0, c9);
            c10 = FloatVector.broadcast(S, a[a10 + k]).fma(b0, c10);
            c11 = FloatVector.broadcast(S, a[a11 + k]).fma(b0, c11);
        }
        FloatVector bv = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0.add(bv).max(vlo).intoArray(y, yo);
        if (rows > 1) {
            c1.add(bv).max(vlo).intoArray(y, yo + ldy);
        }
        if (rows > 2) {
            c2.add(bv).max(vlo).intoArray(y, yo + 2 * ldy);
        }
        if (rows > 3) {
            c3.add(bv).max(vlo).intoArray(y, yo + 3 * ldy);
        }
        if (rows > 4) {
            c4.add(bv).max(vlo).intoArray(y, yo + 4 * ldy);
        }
        if (rows > 5) {
            c5.add(bv).max(vlo).intoArray(y, yo + 5 * ldy);
        }
        if (rows > 6) {
            c6.add(bv).max(vlo).intoArray(y, yo + 6 * ldy);
        }
        if (rows > 7) {
            c7.add(bv).max(vlo).intoArray(y, yo + 7 * ldy);
        }
        if (rows > 8) {
            c8.add(bv).max(vlo).intoArray(y, yo + 8 * ldy);
        }
        if (rows > 9) {
            c9.add(bv).max(vlo).intoArray(y, yo + 9 * ldy);
        }
        if (rows > 10) {
            c10.add(bv).max(vlo).intoArray(y, yo + 10 * ldy);
        }
        if (rows > 11) {
            c11.add(bv).max(vlo).intoArray(y, yo + 11 * ldy);
        }
        cap(y, yo, ldy, rows, L, hi);
    }

    /**
     * 6 rows of half a vector of filters (8 with AVX-512, as a MobileNet-0.25's first layers) in
     * contiguous rows (ldy = L/2): each row's sums are a whole vector read and written in place,
     * its upper half the next row's outputs, whose sums are computed and dropped (the kernel's
     * rows are read a whole vector wide, see {@link #fitsPadded}). Rows are stored first to last,
     * each over the previous one's upper half; the last row, whose upper half lies past the tile,
     * goes through scratch, so nothing past the tile is written (or read when y ends there). Lane
     * for lane the chain of {@link #tile6x1}, so the same bits; faster than two rows per vector,
     * whose halves take a blend per k. Its only form, plain calls included (segLen = kLen): it
     * serves the few packed pixels of 8-filter layers, where a second copy would not pay.
     */
    static void tile6x1HalfSegments(float[] a, int ao, int lda, int segLen, int segStride, int kLen, float[] b, int wb,
            int ldb, float[] y, int yo, boolean first, float[] bias, int bOff, float lo, float hi) {
        final int h = L / 2;
        float[] s = HALF_SCRATCH.get();
        float[] bs = ZEROS;
        int bo = 0;
        if (bias != null) {
            System.arraycopy(bias, bOff, s, L, h);
            bs = s;
            bo = L;
        }
        float[] ys = first ? ZEROS : y;
        int s0 = first ? 0 : yo;
        int s1 = first ? 0 : yo + h;
        int s2 = first ? 0 : yo + 2 * h;
        int s3 = first ? 0 : yo + 3 * h;
        int s4 = first ? 0 : yo + 4 * h;
        float[] y5 = ys;
        int s5 = first ? 0 : yo + 5 * h;
        if (!first && s5 + L > y.length) {
            // the last row's whole vector would reach past y
            System.arraycopy(y, s5, s, 0, h);
            y5 = s;
            s5 = 0;
        }
        FloatVector c0 = FloatVector.fromArray(S, ys, s0);
        FloatVector c1 = FloatVector.fromArray(S, ys, s1);
        FloatVector c2 = FloatVector.fromArray(S, ys, s2);
        FloatVector c3 = FloatVector.fromArray(S, ys, s3);
        FloatVector c4 = FloatVector.fromArray(S, ys, s4);
        FloatVector c5 = FloatVector.fromArray(S, y5, s5);
        int a0 = ao, a1 = ao + lda, a2 = ao + 2 * lda, a3 = ao + 3 * lda, a4 = ao + 4 * lda, a5 = ao + 5 * lda;
        int n0 = Math.min(segLen, kLen), n1 = Math.min(segLen, kLen - n0), n2 = kLen - n0 - n1;
        for (int k = 0; k < n0; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + k]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + k]).fma(b0, c5);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        for (int k = 0; k < n1; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + k]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + k]).fma(b0, c5);
        }
        a0 += segStride; a1 += segStride; a2 += segStride; a3 += segStride; a4 += segStride; a5 += segStride;
        for (int k = 0; k < n2; k++, wb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + k]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + k]).fma(b0, c5);
        }
        FloatVector bv = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0.add(bv).max(vlo).intoArray(y, yo);
        c1.add(bv).max(vlo).intoArray(y, yo + h);
        c2.add(bv).max(vlo).intoArray(y, yo + 2 * h);
        c3.add(bv).max(vlo).intoArray(y, yo + 3 * h);
        c4.add(bv).max(vlo).intoArray(y, yo + 4 * h);
        c5.add(bv).max(vlo).intoArray(s, 0);
        System.arraycopy(s, 0, y, yo + 5 * h, h);
        cap(y, yo, 0, 1, 6 * h, hi);
    }

    /** Scratch of {@link #tile6x1HalfSegments}: the last row's sums, then the bias, a vector wide each. */
    private static final ThreadLocal<float[]> HALF_SCRATCH = ThreadLocal.withInitial(() -> new float[2 * L]);

    /** Scratch of {@link #tile6x1Padded}: R output rows and a bias, a vector wide each. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[(R + 1) * L]);

    /** Whether each of the kLen kernel rows from b[wb] (ldb apart) can be read a whole vector wide. */
    static boolean fitsPadded(int kLen, float[] b, int wb, int ldb) {
        return kLen > 0 && wb >= 0 && (long) wb + (long) (kLen - 1) * ldb + L <= b.length;
    }

    /**
     * The last nw (fewer than L) filters as one whole vector, {@link #tile6x1} on scratch rows: the
     * kernel's rows are read a vector wide (lanes past nw hold other filters' or rows' weights,
     * whose sums are computed and dropped), the outputs (when not the first slice) are copied in
     * and the nw real ones copied back. The same chains as a full vector's lanes, so the same bits
     * as {@link #tailScalar}, without a second vector width: on JDK 17 a second species at the
     * same call sites makes the JIT's type profile of the shared vector methods bimorphic, and
     * the vector stores of every kernel then run as Java loops (about a third of a MobileNet's
     * time).
     */
    static void tile6x1Padded(float[] a, int ao, int lda, int kLen, float[] b, int wb, int ldb, float[] y, int yo,
            int ldy, int nw, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        float[] s = SCRATCH.get();
        int sb = R * L;
        if (!first) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(y, yo + r * ldy, s, r * L, nw);
            }
        }
        if (bias != null) {
            System.arraycopy(bias, bOff, s, sb, nw);
        }
        tile6x1(a, ao, lda, kLen, b, wb, ldb, s, 0, L, rows, first, bias != null ? s : null, sb, lo, hi);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s, r * L, y, yo + r * ldy, nw);
        }
    }

    /**
     * The last (fewer than a vector's) filters in scalar {@link Math#fma}, which rounds like a
     * vector lane; only the stored rows are computed.
     */
    static void tailScalar(float[] a, int ao, int lda, int kLen, float[] b, int wb, int ldb, float[] y, int yo,
            int ldy, int nw, int rows, boolean first, float[] bias, int bOff, float lo, float hi) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < nw; j++) {
                int yi = yo + r * ldy + j;
                float c = first ? 0f : y[yi];
                for (int k = 0, ai = ao + r * lda, bi = wb + j; k < kLen; k++, bi += ldb) {
                    c = Math.fma(a[ai + k], b[bi], c);
                }
                c += bias != null ? bias[bOff + j] : 0f;
                y[yi] = Math.min(Math.max(c, lo), hi);
            }
        }
    }
}
