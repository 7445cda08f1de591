package io.cnnkit.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm#convRowTile}: a 3-tap-wide, stride-1 convolution over L input channels, its
 * output pixels straight from a padded input row (value k of input pixel u at
 * {@code a[aOff + u*L + k]}). Each input value is broadcast once and multiplied into the up to
 * three output pixels whose taps cover it, so a tile of P pixels loads P + 2 values and 3 weight
 * vectors per k for 3P multiply-adds per vector of filters (the GEMM's tiles load a value per
 * multiply-add and, at one or two vectors of filters, lose their time to it). The pixel stride is
 * the constant L, so all loads of a k are one base plus constants (a row stride in a register
 * per pixel would not fit the registers).
 *
 * <p>Unrolled by hand: JDK 17 keeps vectors in registers only within one loop of one method
 * (sums that cross a method or an inner loop are boxed). Each output's chain runs over k, then
 * kx = 0, 1, 2, as the SPI fixes it.
 */
final class VectorConvRows {
    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = S.length();
    /** Pixels per tile at one and at two vectors of filters (24 and 16 sums in registers). */
    static final int PIXELS_ONE = 12, PIXELS_TWO = 8;
    /** Pixels per tile at stride 2 across, one and two vectors of filters. */
    static final int PIXELS_ONE_STRIDE2 = 12, PIXELS_TWO_STRIDE2 = 8;

    private static final float[] ZEROS = new float[2 * L];

    private VectorConvRows() {
    }

    /**
     * 12 output pixels by one vector of filters, over {@code segments} segments of kLen values,
     * segment s's row at {@code aOff + s*segStride}, its weights following the previous one's.
     */
    static void tile12x1(float[] a, int aOff, int segStride, int segments, int kLen, float[] b, int bOff,
            float[] y, int yOff, int ldy, int pixels, boolean first, float[] bias, int biasOff, float lo, float hi) {
        float[] y0 = first || pixels <= 0 ? ZEROS : y;
        int s0 = first || pixels <= 0 ? 0 : yOff;
        float[] y1 = first || pixels <= 1 ? ZEROS : y;
        int s1 = first || pixels <= 1 ? 0 : yOff + ldy;
        float[] y2 = first || pixels <= 2 ? ZEROS : y;
        int s2 = first || pixels <= 2 ? 0 : yOff + 2 * ldy;
        float[] y3 = first || pixels <= 3 ? ZEROS : y;
        int s3 = first || pixels <= 3 ? 0 : yOff + 3 * ldy;
        float[] y4 = first || pixels <= 4 ? ZEROS : y;
        int s4 = first || pixels <= 4 ? 0 : yOff + 4 * ldy;
        float[] y5 = first || pixels <= 5 ? ZEROS : y;
        int s5 = first || pixels <= 5 ? 0 : yOff + 5 * ldy;
        float[] y6 = first || pixels <= 6 ? ZEROS : y;
        int s6 = first || pixels <= 6 ? 0 : yOff + 6 * ldy;
        float[] y7 = first || pixels <= 7 ? ZEROS : y;
        int s7 = first || pixels <= 7 ? 0 : yOff + 7 * ldy;
        float[] y8 = first || pixels <= 8 ? ZEROS : y;
        int s8 = first || pixels <= 8 ? 0 : yOff + 8 * ldy;
        float[] y9 = first || pixels <= 9 ? ZEROS : y;
        int s9 = first || pixels <= 9 ? 0 : yOff + 9 * ldy;
        float[] y10 = first || pixels <= 10 ? ZEROS : y;
        int s10 = first || pixels <= 10 ? 0 : yOff + 10 * ldy;
        float[] y11 = first || pixels <= 11 ? ZEROS : y;
        int s11 = first || pixels <= 11 ? 0 : yOff + 11 * ldy;
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
        // one loop over every segment's values (a nested loop would box the sums): i steps to the
        // next segment's row after kLen values
        for (int k = 0, n = segments * kLen, i = aOff, wb = bOff, left = kLen; k < n; k++, wb += 3 * L) {
            FloatVector x;
            FloatVector w0 = FloatVector.fromArray(S, b, wb);
            FloatVector w1 = FloatVector.fromArray(S, b, wb + L);
            FloatVector w2 = FloatVector.fromArray(S, b, wb + 2 * L);
            x = FloatVector.broadcast(S, a[i]);
            c0 = x.fma(w0, c0);
            x = FloatVector.broadcast(S, a[i + L]);
            c1 = x.fma(w0, c1);
            c0 = x.fma(w1, c0);
            x = FloatVector.broadcast(S, a[i + 2 * L]);
            c2 = x.fma(w0, c2);
            c1 = x.fma(w1, c1);
            c0 = x.fma(w2, c0);
            x = FloatVector.broadcast(S, a[i + 3 * L]);
            c3 = x.fma(w0, c3);
            c2 = x.fma(w1, c2);
            c1 = x.fma(w2, c1);
            x = FloatVector.broadcast(S, a[i + 4 * L]);
            c4 = x.fma(w0, c4);
            c3 = x.fma(w1, c3);
            c2 = x.fma(w2, c2);
            x = FloatVector.broadcast(S, a[i + 5 * L]);
            c5 = x.fma(w0, c5);
            c4 = x.fma(w1, c4);
            c3 = x.fma(w2, c3);
            x = FloatVector.broadcast(S, a[i + 6 * L]);
            c6 = x.fma(w0, c6);
            c5 = x.fma(w1, c5);
            c4 = x.fma(w2, c4);
            x = FloatVector.broadcast(S, a[i + 7 * L]);
            c7 = x.fma(w0, c7);
            c6 = x.fma(w1, c6);
            c5 = x.fma(w2, c5);
            x = FloatVector.broadcast(S, a[i + 8 * L]);
            c8 = x.fma(w0, c8);
            c7 = x.fma(w1, c7);
            c6 = x.fma(w2, c6);
            x = FloatVector.broadcast(S, a[i + 9 * L]);
            c9 = x.fma(w0, c9);
            c8 = x.fma(w1, c8);
            c7 = x.fma(w2, c7);
            x = FloatVector.broadcast(S, a[i + 10 * L]);
            c10 = x.fma(w0, c10);
            c9 = x.fma(w1, c9);
            c8 = x.fma(w2, c8);
            x = FloatVector.broadcast(S, a[i + 11 * L]);
            c11 = x.fma(w0, c11);
            c10 = x.fma(w1, c10);
            c9 = x.fma(w2, c9);
            x = FloatVector.broadcast(S, a[i + 12 * L]);
            c11 = x.fma(w1, c11);
            c10 = x.fma(w2, c10);
            x = FloatVector.broadcast(S, a[i + 13 * L]);
            c11 = x.fma(w2, c11);
            left--;
            i += left == 0 ? segStride - kLen + 1 : 1;
            left = left == 0 ? kLen : left;
        }
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? biasOff : 0;
        FloatVector bv = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0.add(bv).max(vlo).intoArray(y, yOff);
        if (pixels > 1) {
            c1.add(bv).max(vlo).intoArray(y, yOff + ldy);
        }
        if (pixels > 2) {
            c2.add(bv).max(vlo).intoArray(y, yOff + 2 * ldy);
        }
        if (pixels > 3) {
            c3.add(bv).max(vlo).intoArray(y, yOff + 3 * ldy);
        }
        if (pixels > 4) {
            c4.add(bv).max(vlo).intoArray(y, yOff + 4 * ldy);
        }
        if (pixels > 5) {
            c5.add(bv).max(vlo).intoArray(y, yOff + 5 * ldy);
        }
        if (pixels > 6) {
            c6.add(bv).max(vlo).intoArray(y, yOff + 6 * ldy);
        }
        if (pixels > 7) {
            c7.add(bv).max(vlo).intoArray(y, yOff + 7 * ldy);
        }
        if (pixels > 8) {
            c8.add(bv).max(vlo).intoArray(y, yOff + 8 * ldy);
        }
        if (pixels > 9) {
            c9.add(bv).max(vlo).intoArray(y, yOff + 9 * ldy);
        }
        if (pixels > 10) {
            c10.add(bv).max(vlo).intoArray(y, yOff + 10 * ldy);
        }
        if (pixels > 11) {
            c11.add(bv).max(vlo).intoArray(y, yOff + 11 * ldy);
        }
        VectorRowTiles.cap(y, yOff, ldy, pixels, L, hi);
    }

    /**
     * 12 output pixels by one vector of filters at stride 2 across: output pixel q's taps are
     * input pixels 2q, 2q+1, 2q+2, so 25 values per k (an even one feeds two pixels), segments as
     * {@link #tile12x1}.
     */
    static void tile12x1Stride2(float[] a, int aOff, int segStride, int segments, int kLen, float[] b, int bOff,
            float[] y, int yOff, int ldy, int pixels, boolean first, float[] bias, int biasOff, float lo, float hi) {
        float[] y0 = first || pixels <= 0 ? ZEROS : y;
        int s0 = first || pixels <= 0 ? 0 : yOff;
        float[] y1 = first || pixels <= 1 ? ZEROS : y;
        int s1 = first || pixels <= 1 ? 0 : yOff + ldy;
        float[] y2 = first || pixels <= 2 ? ZEROS : y;
        int s2 = first || pixels <= 2 ? 0 : yOff + 2 * ldy;
        float[] y3 = first || pixels <= 3 ? ZEROS : y;
        int s3 = first || pixels <= 3 ? 0 : yOff + 3 * ldy;
        float[] y4 = first || pixels <= 4 ? ZEROS : y;
        int s4 = first || pixels <= 4 ? 0 : yOff + 4 * ldy;
        float[] y5 = first || pixels <= 5 ? ZEROS : y;
        int s5 = first || pixels <= 5 ? 0 : yOff + 5 * ldy;
        float[] y6 = first || pixels <= 6 ? ZEROS : y;
        int s6 = first || pixels <= 6 ? 0 : yOff + 6 * ldy;
        float[] y7 = first || pixels <= 7 ? ZEROS : y;
        int s7 = first || pixels <= 7 ? 0 : yOff + 7 * ldy;
        float[] y8 = first || pixels <= 8 ? ZEROS : y;
        int s8 = first || pixels <= 8 ? 0 : yOff + 8 * ldy;
        float[] y9 = first || pixels <= 9 ? ZEROS : y;
        int s9 = first || pixels <= 9 ? 0 : yOff + 9 * ldy;
        float[] y10 = first || pixels <= 10 ? ZEROS : y;
        int s10 = first || pixels <= 10 ? 0 : yOff + 10 * ldy;
        float[] y11 = first || pixels <= 11 ? ZEROS : y;
        int s11 = first || pixels <= 11 ? 0 : yOff + 11 * ldy;
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
        // one loop over every segment's values (a nested loop would box the sums): i steps to the
        // next segment's row after kLen values
        for (int k = 0, n = segments * kLen, i = aOff, wb = bOff, left = kLen; k < n; k++, wb += 3 * L) {
            FloatVector x;
            FloatVector w0 = FloatVector.fromArray(S, b, wb);
            FloatVector w1 = FloatVector.fromArray(S, b, wb + L);
            FloatVector w2 = FloatVector.fromArray(S, b, wb + 2 * L);
            x = FloatVector.broadcast(S, a[i]);
            c0 = x.fma(w0, c0);
            x = FloatVector.broadcast(S, a[i + L]);
            c0 = x.fma(w1, c0);
            x = FloatVector.broadcast(S, a[i + 2 * L]);
            c1 = x.fma(w0, c1);
            c0 = x.fma(w2, c0);
            x = FloatVector.broadcast(S, a[i + 3 * L]);
            c1 = x.fma(w1, c1);
            x = FloatVector.broadcast(S, a[i + 4 * L]);
            c2 = x.fma(w0, c2);
            c1 = x.fma(w2, c1);
            x = FloatVector.broadcast(S, a[i + 5 * L]);
            c2 = x.fma(w1, c2);
            x = FloatVector.broadcast(S, a[i + 6 * L]);
            c3 = x.fma(w0, c3);
            c2 = x.fma(w2, c2);
            x = FloatVector.broadcast(S, a[i + 7 * L]);
            c3 = x.fma(w1, c3);
            x = FloatVector.broadcast(S, a[i + 8 * L]);
            c4 = x.fma(w0, c4);
            c3 = x.fma(w2, c3);
            x = FloatVector.broadcast(S, a[i + 9 * L]);
            c4 = x.fma(w1, c4);
            x = FloatVector.broadcast(S, a[i + 10 * L]);
            c5 = x.fma(w0, c5);
            c4 = x.fma(w2, c4);
            x = FloatVector.broadcast(S, a[i + 11 * L]);
            c5 = x.fma(w1, c5);
            x = FloatVector.broadcast(S, a[i + 12 * L]);
            c6 = x.fma(w0, c6);
            c5 = x.fma(w2, c5);
            x = FloatVector.broadcast(S, a[i + 13 * L]);
            c6 = x.fma(w1, c6);
            x = FloatVector.broadcast(S, a[i + 14 * L]);
            c7 = x.fma(w0, c7);
            c6 = x.fma(w2, c6);
            x = FloatVector.broadcast(S, a[i + 15 * L]);
            c7 = x.fma(w1, c7);
            x = FloatVector.broadcast(S, a[i + 16 * L]);
            c8 = x.fma(w0, c8);
            c7 = x.fma(w2, c7);
            x = FloatVector.broadcast(S, a[i + 17 * L]);
            c8 = x.fma(w1, c8);
            x = FloatVector.broadcast(S, a[i + 18 * L]);
            c9 = x.fma(w0, c9);
            c8 = x.fma(w2, c8);
            x = FloatVector.broadcast(S, a[i + 19 * L]);
            c9 = x.fma(w1, c9);
            x = FloatVector.broadcast(S, a[i + 20 * L]);
            c10 = x.fma(w0, c10);
            c9 = x.fma(w2, c9);
            x = FloatVector.broadcast(S, a[i + 21 * L]);
            c10 = x.fma(w1, c10);
            x = FloatVector.broadcast(S, a[i + 22 * L]);
            c11 = x.fma(w0, c11);
            c10 = x.fma(w2, c10);
            x = FloatVector.broadcast(S, a[i + 23 * L]);
            c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(S, a[i + 24 * L]);
            c11 = x.fma(w2, c11);
            left--;
            i += left == 0 ? segStride - kLen + 1 : 1;
            left = left == 0 ? kLen : left;
        }
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? biasOff : 0;
        FloatVector bv = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0.add(bv).max(vlo).intoArray(y, yOff);
        if (pixels > 1) {
            c1.add(bv).max(vlo).intoArray(y, yOff + ldy);
        }
        if (pixels > 2) {
            c2.add(bv).max(vlo).intoArray(y, yOff + 2 * ldy);
        }
        if (pixels > 3) {
            c3.add(bv).max(vlo).intoArray(y, yOff + 3 * ldy);
        }
        if (pixels > 4) {
            c4.add(bv).max(vlo).intoArray(y, yOff + 4 * ldy);
        }
        if (pixels > 5) {
            c5.add(bv).max(vlo).intoArray(y, yOff + 5 * ldy);
        }
        if (pixels > 6) {
            c6.add(bv).max(vlo).intoArray(y, yOff + 6 * ldy);
        }
        if (pixels > 7) {
            c7.add(bv).max(vlo).intoArray(y, yOff + 7 * ldy);
        }
        if (pixels > 8) {
            c8.add(bv).max(vlo).intoArray(y, yOff + 8 * ldy);
        }
        if (pixels > 9) {
            c9.add(bv).max(vlo).intoArray(y, yOff + 9 * ldy);
        }
        if (pixels > 10) {
            c10.add(bv).max(vlo).intoArray(y, yOff + 10 * ldy);
        }
        if (pixels > 11) {
            c11.add(bv).max(vlo).intoArray(y, yOff + 11 * ldy);
        }
        VectorRowTiles.cap(y, yOff, ldy, pixels, L, hi);
    }


    /** 8 output pixels by two vectors of filters, segments as {@link #tile12x1}. */
    static void tile8x2(float[] a, int aOff, int segStride, int segments, int kLen, float[] b, int bOff,
            float[] y, int yOff, int ldy, int pixels, boolean first, float[] bias, int biasOff, float lo, float hi) {
        float[] y0 = first || pixels <= 0 ? ZEROS : y;
        int s0 = first || pixels <= 0 ? 0 : yOff;
        float[] y1 = first || pixels <= 1 ? ZEROS : y;
        int s1 = first || pixels <= 1 ? 0 : yOff + ldy;
        float[] y2 = first || pixels <= 2 ? ZEROS : y;
        int s2 = first || pixels <= 2 ? 0 : yOff + 2 * ldy;
        float[] y3 = first || pixels <= 3 ? ZEROS : y;
        int s3 = first || pixels <= 3 ? 0 : yOff + 3 * ldy;
        float[] y4 = first || pixels <= 4 ? ZEROS : y;
        int s4 = first || pixels <= 4 ? 0 : yOff + 4 * ldy;
        float[] y5 = first || pixels <= 5 ? ZEROS : y;
        int s5 = first || pixels <= 5 ? 0 : yOff + 5 * ldy;
        float[] y6 = first || pixels <= 6 ? ZEROS : y;
        int s6 = first || pixels <= 6 ? 0 : yOff + 6 * ldy;
        float[] y7 = first || pixels <= 7 ? ZEROS : y;
        int s7 = first || pixels <= 7 ? 0 : yOff + 7 * ldy;
        FloatVector c0_0 = FloatVector.fromArray(S, y0, s0);
        FloatVector c0_1 = FloatVector.fromArray(S, y0, s0 + L);
        FloatVector c1_0 = FloatVector.fromArray(S, y1, s1);
        FloatVector c1_1 = FloatVector.fromArray(S, y1, s1 + L);
        FloatVector c2_0 = FloatVector.fromArray(S, y2, s2);
        FloatVector c2_1 = FloatVector.fromArray(S, y2, s2 + L);
        FloatVector c3_0 = FloatVector.fromArray(S, y3, s3);
        FloatVector c3_1 = FloatVector.fromArray(S, y3, s3 + L);
        FloatVector c4_0 = FloatVector.fromArray(S, y4, s4);
        FloatVector c4_1 = FloatVector.fromArray(S, y4, s4 + L);
        FloatVector c5_0 = FloatVector.fromArray(S, y5, s5);
        FloatVector c5_1 = FloatVector.fromArray(S, y5, s5 + L);
        FloatVector c6_0 = FloatVector.fromArray(S, y6, s6);
        FloatVector c6_1 = FloatVector.fromArray(S, y6, s6 + L);
        FloatVector c7_0 = FloatVector.fromArray(S, y7, s7);
        FloatVector c7_1 = FloatVector.fromArray(S, y7, s7 + L);
        // one loop over every segment's values (a nested loop would box the sums): i steps to the
        // next segment's row after kLen values
        for (int k = 0, n = segments * kLen, i = aOff, wb = bOff, left = kLen; k < n; k++, wb += 6 * L) {
            FloatVector x;
            FloatVector w0_0 = FloatVector.fromArray(S, b, wb);
            FloatVector w0_1 = FloatVector.fromArray(S, b, wb + L);
            FloatVector w1_0 = FloatVector.fromArray(S, b, wb + 2 * L);
            FloatVector w1_1 = FloatVector.fromArray(S, b, wb + 3 * L);
            FloatVector w2_0 = FloatVector.fromArray(S, b, wb + 4 * L);
            FloatVector w2_1 = FloatVector.fromArray(S, b, wb + 5 * L);
            x = FloatVector.broadcast(S, a[i]);
            c0_0 = x.fma(w0_0, c0_0);
            c0_1 = x.fma(w0_1, c0_1);
            x = FloatVector.broadcast(S, a[i + L]);
            c1_0 = x.fma(w0_0, c1_0);
            c1_1 = x.fma(w0_1, c1_1);
            c0_0 = x.fma(w1_0, c0_0);
            c0_1 = x.fma(w1_1, c0_1);
            x = FloatVector.broadcast(S, a[i + 2 * L]);
            c2_0 = x.fma(w0_0, c2_0);
            c2_1 = x.fma(w0_1, c2_1);
            c1_0 = x.fma(w1_0, c1_0);
            c1_1 = x.fma(w1_1, c1_1);
            c0_0 = x.fma(w2_0, c0_0);
            c0_1 = x.fma(w2_1, c0_1);
            x = FloatVector.broadcast(S, a[i + 3 * L]);
            c3_0 = x.fma(w0_0, c3_0);
            c3_1 = x.fma(w0_1, c3_1);
            c2_0 = x.fma(w1_0, c2_0);
            c2_1 = x.fma(w1_1, c2_1);
            c1_0 = x.fma(w2_0, c1_0);
            c1_1 = x.fma(w2_1, c1_1);
            x = FloatVector.broadcast(S, a[i + 4 * L]);
            c4_0 = x.fma(w0_0, c4_0);
            c4_1 = x.fma(w0_1, c4_1);
            c3_0 = x.fma(w1_0, c3_0);
            c3_1 = x.fma(w1_1, c3_1);
            c2_0 = x.fma(w2_0, c2_0);
            c2_1 = x.fma(w2_1, c2_1);
            x = FloatVector.broadcast(S, a[i + 5 * L]);
            c5_0 = x.fma(w0_0, c5_0);
            c5_1 = x.fma(w0_1, c5_1);
            c4_0 = x.fma(w1_0, c4_0);
            c4_1 = x.fma(w1_1, c4_1);
            c3_0 = x.fma(w2_0, c3_0);
            c3_1 = x.fma(w2_1, c3_1);
            x = FloatVector.broadcast(S, a[i + 6 * L]);
            c6_0 = x.fma(w0_0, c6_0);
            c6_1 = x.fma(w0_1, c6_1);
            c5_0 = x.fma(w1_0, c5_0);
            c5_1 = x.fma(w1_1, c5_1);
            c4_0 = x.fma(w2_0, c4_0);
            c4_1 = x.fma(w2_1, c4_1);
            x = FloatVector.broadcast(S, a[i + 7 * L]);
            c7_0 = x.fma(w0_0, c7_0);
            c7_1 = x.fma(w0_1, c7_1);
            c6_0 = x.fma(w1_0, c6_0);
            c6_1 = x.fma(w1_1, c6_1);
            c5_0 = x.fma(w2_0, c5_0);
            c5_1 = x.fma(w2_1, c5_1);
            x = FloatVector.broadcast(S, a[i + 8 * L]);
            c7_0 = x.fma(w1_0, c7_0);
            c7_1 = x.fma(w1_1, c7_1);
            c6_0 = x.fma(w2_0, c6_0);
            c6_1 = x.fma(w2_1, c6_1);
            x = FloatVector.broadcast(S, a[i + 9 * L]);
            c7_0 = x.fma(w2_0, c7_0);
            c7_1 = x.fma(w2_1, c7_1);
            left--;
            i += left == 0 ? segStride - kLen + 1 : 1;
            left = left == 0 ? kLen : left;
        }
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? biasOff : 0;
        FloatVector bv0 = FloatVector.fromArray(S, bs, bo);
        FloatVector bv1 = FloatVector.fromArray(S, bs, bo + L);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0_0.add(bv0).max(vlo).intoArray(y, yOff);
        c0_1.add(bv1).max(vlo).intoArray(y, yOff + L);
        if (pixels > 1) {
            c1_0.add(bv0).max(vlo).intoArray(y, yOff + ldy);
            c1_1.add(bv1).max(vlo).intoArray(y, yOff + ldy + L);
        }
        if (pixels > 2) {
            c2_0.add(bv0).max(vlo).intoArray(y, yOff + 2 * ldy);
            c2_1.add(bv1).max(vlo).intoArray(y, yOff + 2 * ldy + L);
        }
        if (pixels > 3) {
            c3_0.add(bv0).max(vlo).intoArray(y, yOff + 3 * ldy);
            c3_1.add(bv1).max(vlo).intoArray(y, yOff + 3 * ldy + L);
        }
        if (pixels > 4) {
            c4_0.add(bv0).max(vlo).intoArray(y, yOff + 4 * ldy);
            c4_1.add(bv1).max(vlo).intoArray(y, yOff + 4 * ldy + L);
        }
        if (pixels > 5) {
            c5_0.add(bv0).max(vlo).intoArray(y, yOff + 5 * ldy);
            c5_1.add(bv1).max(vlo).intoArray(y, yOff + 5 * ldy + L);
        }
        if (pixels > 6) {
            c6_0.add(bv0).max(vlo).intoArray(y, yOff + 6 * ldy);
            c6_1.add(bv1).max(vlo).intoArray(y, yOff + 6 * ldy + L);
        }
        if (pixels > 7) {
            c7_0.add(bv0).max(vlo).intoArray(y, yOff + 7 * ldy);
            c7_1.add(bv1).max(vlo).intoArray(y, yOff + 7 * ldy + L);
        }
        VectorRowTiles.cap(y, yOff, ldy, pixels, 2 * L, hi);
    }

    /**
     * 8 output pixels by two vectors of filters at stride 2 across: output pixel q's taps are
     * input pixels 2q, 2q+1, 2q+2, so 17 values per k (an even one feeds two pixels), segments as
     * {@link #tile12x1}.
     */
    static void tile8x2Stride2(float[] a, int aOff, int segStride, int segments, int kLen, float[] b, int bOff,
            float[] y, int yOff, int ldy, int pixels, boolean first, float[] bias, int biasOff, float lo, float hi) {
        float[] y0 = first || pixels <= 0 ? ZEROS : y;
        int s0 = first || pixels <= 0 ? 0 : yOff;
        float[] y1 = first || pixels <= 1 ? ZEROS : y;
        int s1 = first || pixels <= 1 ? 0 : yOff + ldy;
        float[] y2 = first || pixels <= 2 ? ZEROS : y;
        int s2 = first || pixels <= 2 ? 0 : yOff + 2 * ldy;
        float[] y3 = first || pixels <= 3 ? ZEROS : y;
        int s3 = first || pixels <= 3 ? 0 : yOff + 3 * ldy;
        float[] y4 = first || pixels <= 4 ? ZEROS : y;
        int s4 = first || pixels <= 4 ? 0 : yOff + 4 * ldy;
        float[] y5 = first || pixels <= 5 ? ZEROS : y;
        int s5 = first || pixels <= 5 ? 0 : yOff + 5 * ldy;
        float[] y6 = first || pixels <= 6 ? ZEROS : y;
        int s6 = first || pixels <= 6 ? 0 : yOff + 6 * ldy;
        float[] y7 = first || pixels <= 7 ? ZEROS : y;
        int s7 = first || pixels <= 7 ? 0 : yOff + 7 * ldy;
        FloatVector c0_0 = FloatVector.fromArray(S, y0, s0);
        FloatVector c0_1 = FloatVector.fromArray(S, y0, s0 + L);
        FloatVector c1_0 = FloatVector.fromArray(S, y1, s1);
        FloatVector c1_1 = FloatVector.fromArray(S, y1, s1 + L);
        FloatVector c2_0 = FloatVector.fromArray(S, y2, s2);
        FloatVector c2_1 = FloatVector.fromArray(S, y2, s2 + L);
        FloatVector c3_0 = FloatVector.fromArray(S, y3, s3);
        FloatVector c3_1 = FloatVector.fromArray(S, y3, s3 + L);
        FloatVector c4_0 = FloatVector.fromArray(S, y4, s4);
        FloatVector c4_1 = FloatVector.fromArray(S, y4, s4 + L);
        FloatVector c5_0 = FloatVector.fromArray(S, y5, s5);
        FloatVector c5_1 = FloatVector.fromArray(S, y5, s5 + L);
        FloatVector c6_0 = FloatVector.fromArray(S, y6, s6);
        FloatVector c6_1 = FloatVector.fromArray(S, y6, s6 + L);
        FloatVector c7_0 = FloatVector.fromArray(S, y7, s7);
        FloatVector c7_1 = FloatVector.fromArray(S, y7, s7 + L);
        // one loop over every segment's values (a nested loop would box the sums): i steps to the
        // next segment's row after kLen values
        for (int k = 0, n = segments * kLen, i = aOff, wb = bOff, left = kLen; k < n; k++, wb += 6 * L) {
            FloatVector x;
            FloatVector w0_0 = FloatVector.fromArray(S, b, wb);
            FloatVector w0_1 = FloatVector.fromArray(S, b, wb + L);
            FloatVector w1_0 = FloatVector.fromArray(S, b, wb + 2 * L);
            FloatVector w1_1 = FloatVector.fromArray(S, b, wb + 3 * L);
            FloatVector w2_0 = FloatVector.fromArray(S, b, wb + 4 * L);
            FloatVector w2_1 = FloatVector.fromArray(S, b, wb + 5 * L);
            x = FloatVector.broadcast(S, a[i]);
            c0_0 = x.fma(w0_0, c0_0);
            c0_1 = x.fma(w0_1, c0_1);
            x = FloatVector.broadcast(S, a[i + L]);
            c0_0 = x.fma(w1_0, c0_0);
            c0_1 = x.fma(w1_1, c0_1);
            x = FloatVector.broadcast(S, a[i + 2 * L]);
            c1_0 = x.fma(w0_0, c1_0);
            c1_1 = x.fma(w0_1, c1_1);
            c0_0 = x.fma(w2_0, c0_0);
            c0_1 = x.fma(w2_1, c0_1);
            x = FloatVector.broadcast(S, a[i + 3 * L]);
            c1_0 = x.fma(w1_0, c1_0);
            c1_1 = x.fma(w1_1, c1_1);
            x = FloatVector.broadcast(S, a[i + 4 * L]);
            c2_0 = x.fma(w0_0, c2_0);
            c2_1 = x.fma(w0_1, c2_1);
            c1_0 = x.fma(w2_0, c1_0);
            c1_1 = x.fma(w2_1, c1_1);
            x = FloatVector.broadcast(S, a[i + 5 * L]);
            c2_0 = x.fma(w1_0, c2_0);
            c2_1 = x.fma(w1_1, c2_1);
            x = FloatVector.broadcast(S, a[i + 6 * L]);
            c3_0 = x.fma(w0_0, c3_0);
            c3_1 = x.fma(w0_1, c3_1);
            c2_0 = x.fma(w2_0, c2_0);
            c2_1 = x.fma(w2_1, c2_1);
            x = FloatVector.broadcast(S, a[i + 7 * L]);
            c3_0 = x.fma(w1_0, c3_0);
            c3_1 = x.fma(w1_1, c3_1);
            x = FloatVector.broadcast(S, a[i + 8 * L]);
            c4_0 = x.fma(w0_0, c4_0);
            c4_1 = x.fma(w0_1, c4_1);
            c3_0 = x.fma(w2_0, c3_0);
            c3_1 = x.fma(w2_1, c3_1);
            x = FloatVector.broadcast(S, a[i + 9 * L]);
            c4_0 = x.fma(w1_0, c4_0);
            c4_1 = x.fma(w1_1, c4_1);
            x = FloatVector.broadcast(S, a[i + 10 * L]);
            c5_0 = x.fma(w0_0, c5_0);
            c5_1 = x.fma(w0_1, c5_1);
            c4_0 = x.fma(w2_0, c4_0);
            c4_1 = x.fma(w2_1, c4_1);
            x = FloatVector.broadcast(S, a[i + 11 * L]);
            c5_0 = x.fma(w1_0, c5_0);
            c5_1 = x.fma(w1_1, c5_1);
            x = FloatVector.broadcast(S, a[i + 12 * L]);
            c6_0 = x.fma(w0_0, c6_0);
            c6_1 = x.fma(w0_1, c6_1);
            c5_0 = x.fma(w2_0, c5_0);
            c5_1 = x.fma(w2_1, c5_1);
            x = FloatVector.broadcast(S, a[i + 13 * L]);
            c6_0 = x.fma(w1_0, c6_0);
            c6_1 = x.fma(w1_1, c6_1);
            x = FloatVector.broadcast(S, a[i + 14 * L]);
            c7_0 = x.fma(w0_0, c7_0);
            c7_1 = x.fma(w0_1, c7_1);
            c6_0 = x.fma(w2_0, c6_0);
            c6_1 = x.fma(w2_1, c6_1);
            x = FloatVector.broadcast(S, a[i + 15 * L]);
            c7_0 = x.fma(w1_0, c7_0);
            c7_1 = x.fma(w1_1, c7_1);
            x = FloatVector.broadcast(S, a[i + 16 * L]);
            c7_0 = x.fma(w2_0, c7_0);
            c7_1 = x.fma(w2_1, c7_1);
            left--;
            i += left == 0 ? segStride - kLen + 1 : 1;
            left = left == 0 ? kLen : left;
        }
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? biasOff : 0;
        FloatVector bv0 = FloatVector.fromArray(S, bs, bo);
        FloatVector bv1 = FloatVector.fromArray(S, bs, bo + L);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0_0.add(bv0).max(vlo).intoArray(y, yOff);
        c0_1.add(bv1).max(vlo).intoArray(y, yOff + L);
        if (pixels > 1) {
            c1_0.add(bv0).max(vlo).intoArray(y, yOff + ldy);
            c1_1.add(bv1).max(vlo).intoArray(y, yOff + ldy + L);
        }
        if (pixels > 2) {
            c2_0.add(bv0).max(vlo).intoArray(y, yOff + 2 * ldy);
            c2_1.add(bv1).max(vlo).intoArray(y, yOff + 2 * ldy + L);
        }
        if (pixels > 3) {
            c3_0.add(bv0).max(vlo).intoArray(y, yOff + 3 * ldy);
            c3_1.add(bv1).max(vlo).intoArray(y, yOff + 3 * ldy + L);
        }
        if (pixels > 4) {
            c4_0.add(bv0).max(vlo).intoArray(y, yOff + 4 * ldy);
            c4_1.add(bv1).max(vlo).intoArray(y, yOff + 4 * ldy + L);
        }
        if (pixels > 5) {
            c5_0.add(bv0).max(vlo).intoArray(y, yOff + 5 * ldy);
            c5_1.add(bv1).max(vlo).intoArray(y, yOff + 5 * ldy + L);
        }
        if (pixels > 6) {
            c6_0.add(bv0).max(vlo).intoArray(y, yOff + 6 * ldy);
            c6_1.add(bv1).max(vlo).intoArray(y, yOff + 6 * ldy + L);
        }
        if (pixels > 7) {
            c7_0.add(bv0).max(vlo).intoArray(y, yOff + 7 * ldy);
            c7_1.add(bv1).max(vlo).intoArray(y, yOff + 7 * ldy + L);
        }
        VectorRowTiles.cap(y, yOff, ldy, pixels, 2 * L, hi);
    }
}
