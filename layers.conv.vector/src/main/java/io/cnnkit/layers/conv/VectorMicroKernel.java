package io.cnnkit.layers.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmConv.MicroKernel} on jdk.incubator.vector: 4 pixels x 4 vectors of filters (64
 * filters with AVX-512) in 16 vector accumulators, one broadcast per pixel and channel, one
 * fused multiply-add per accumulator; then 4 x 1 vector, the last one masked. Every output
 * element is the same fused multiply-add chain over taps and channels in order, then + bias,
 * whichever of the variants computes it.
 */
final class VectorMicroKernel implements GemmConv.MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final VectorMicroKernel INSTANCE = new VectorMicroKernel();

    private VectorMicroKernel() {
    }

    @Override
    public void tile(float[][] src, int[] off, int taps, int cg, float[] kd, int wOff, int f, int n0, int nw,
            float[] bd, int bo, float[] yd, int[] yOff, int rows) {
        int n = n0, end = n0 + nw;
        for (; n + 4 * L <= end; n += 4 * L) {
            tile4x4(src, off, taps, cg, kd, wOff, f, n, bd, bo, yd, yOff, rows);
        }
        for (; n < end; n += L) {
            tile4x1(src, off, taps, cg, kd, wOff, f, n, S.indexInRange(n, end), bd, bo, yd, yOff, rows);
        }
    }

    private static void tile4x4(float[][] src, int[] off, int taps, int cg, float[] kd, int wOff, int f, int n,
            float[] bd, int bo, float[] yd, int[] yOff, int rows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int t = 0; t < taps; t++) {
            float[] s0 = src[t * 4], s1 = src[t * 4 + 1], s2 = src[t * 4 + 2], s3 = src[t * 4 + 3];
            int o0 = off[t * 4], o1 = off[t * 4 + 1], o2 = off[t * 4 + 2], o3 = off[t * 4 + 3];
            int wb = wOff + t * cg * f + n;
            for (int ci = 0; ci < cg; ci++, wb += f) {
                FloatVector b0 = FloatVector.fromArray(S, kd, wb);
                FloatVector b1 = FloatVector.fromArray(S, kd, wb + L);
                FloatVector b2 = FloatVector.fromArray(S, kd, wb + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, kd, wb + 3 * L);
                FloatVector a = FloatVector.broadcast(S, s0[o0 + ci]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                c02 = a.fma(b2, c02);
                c03 = a.fma(b3, c03);
                a = FloatVector.broadcast(S, s1[o1 + ci]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                c12 = a.fma(b2, c12);
                c13 = a.fma(b3, c13);
                a = FloatVector.broadcast(S, s2[o2 + ci]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                c22 = a.fma(b2, c22);
                c23 = a.fma(b3, c23);
                a = FloatVector.broadcast(S, s3[o3 + ci]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                c32 = a.fma(b2, c32);
                c33 = a.fma(b3, c33);
            }
        }
        if (bd != null) {
            FloatVector d0 = FloatVector.fromArray(S, bd, bo + n);
            FloatVector d1 = FloatVector.fromArray(S, bd, bo + n + L);
            FloatVector d2 = FloatVector.fromArray(S, bd, bo + n + 2 * L);
            FloatVector d3 = FloatVector.fromArray(S, bd, bo + n + 3 * L);
            c00 = c00.add(d0);
            c01 = c01.add(d1);
            c02 = c02.add(d2);
            c03 = c03.add(d3);
            c10 = c10.add(d0);
            c11 = c11.add(d1);
            c12 = c12.add(d2);
            c13 = c13.add(d3);
            c20 = c20.add(d0);
            c21 = c21.add(d1);
            c22 = c22.add(d2);
            c23 = c23.add(d3);
            c30 = c30.add(d0);
            c31 = c31.add(d1);
            c32 = c32.add(d2);
            c33 = c33.add(d3);
        }
        store4(yd, yOff[0] + n, c00, c01, c02, c03);
        if (rows > 1) {
            store4(yd, yOff[1] + n, c10, c11, c12, c13);
        }
        if (rows > 2) {
            store4(yd, yOff[2] + n, c20, c21, c22, c23);
        }
        if (rows > 3) {
            store4(yd, yOff[3] + n, c30, c31, c32, c33);
        }
    }

    private static void store4(float[] yd, int o, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(yd, o);
        v1.intoArray(yd, o + L);
        v2.intoArray(yd, o + 2 * L);
        v3.intoArray(yd, o + 3 * L);
    }

    /** Up to L filters from n (lanes outside {@code m} are neither read nor written). */
    private static void tile4x1(float[][] src, int[] off, int taps, int cg, float[] kd, int wOff, int f, int n,
            VectorMask<Float> m, float[] bd, int bo, float[] yd, int[] yOff, int rows) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int t = 0; t < taps; t++) {
            float[] s0 = src[t * 4], s1 = src[t * 4 + 1], s2 = src[t * 4 + 2], s3 = src[t * 4 + 3];
            int o0 = off[t * 4], o1 = off[t * 4 + 1], o2 = off[t * 4 + 2], o3 = off[t * 4 + 3];
            int wb = wOff + t * cg * f + n;
            for (int ci = 0; ci < cg; ci++, wb += f) {
                FloatVector bv = FloatVector.fromArray(S, kd, wb, m);
                c0 = FloatVector.broadcast(S, s0[o0 + ci]).fma(bv, c0);
                c1 = FloatVector.broadcast(S, s1[o1 + ci]).fma(bv, c1);
                c2 = FloatVector.broadcast(S, s2[o2 + ci]).fma(bv, c2);
                c3 = FloatVector.broadcast(S, s3[o3 + ci]).fma(bv, c3);
            }
        }
        if (bd != null) {
            FloatVector d = FloatVector.fromArray(S, bd, bo + n, m);
            c0 = c0.add(d);
            c1 = c1.add(d);
            c2 = c2.add(d);
            c3 = c3.add(d);
        }
        c0.intoArray(yd, yOff[0] + n, m);
        if (rows > 1) {
            c1.intoArray(yd, yOff[1] + n, m);
        }
        if (rows > 2) {
            c2.intoArray(yd, yOff[2] + n, m);
        }
        if (rows > 3) {
            c3.intoArray(yd, yOff[3] + n, m);
        }
    }
}
