package io.cnnkit.layers.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmConv.MicroKernel} on jdk.incubator.vector: 4 pixels x 4 vectors of filters (64
 * filters with AVX-512) in 16 vector accumulators, one broadcast per pixel and k, one
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
    public void tile(float[] a, int kLen, float[] kd, int kOff, int f, int n0, int nw, float[] bd, int bo,
            float[] yd, int[] yOff, int rows) {
        int n = n0, end = n0 + nw;
        for (; n + 4 * L <= end; n += 4 * L) {
            tile4x4(a, kLen, kd, kOff, f, n, bd, bo, yd, yOff, rows);
        }
        for (; n < end; n += L) {
            tile4x1(a, kLen, kd, kOff, f, n, S.indexInRange(n, end), bd, bo, yd, yOff, rows);
        }
    }

    private static void tile4x4(float[] a, int kLen, float[] kd, int kOff, int f, int n, float[] bd, int bo,
            float[] yd, int[] yOff, int rows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        int a1 = kLen, a2 = 2 * kLen, a3 = 3 * kLen;
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            FloatVector b0 = FloatVector.fromArray(S, kd, wb);
            FloatVector b1 = FloatVector.fromArray(S, kd, wb + L);
            FloatVector b2 = FloatVector.fromArray(S, kd, wb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, kd, wb + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[k]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        // Stores written out (no helper taking vectors: an out-of-line call would box them).
        FloatVector d0 = FloatVector.fromArray(S, bd, bo + n);
        FloatVector d1 = FloatVector.fromArray(S, bd, bo + n + L);
        FloatVector d2 = FloatVector.fromArray(S, bd, bo + n + 2 * L);
        FloatVector d3 = FloatVector.fromArray(S, bd, bo + n + 3 * L);
        int o = yOff[0] + n;
        c00.add(d0).intoArray(yd, o);
        c01.add(d1).intoArray(yd, o + L);
        c02.add(d2).intoArray(yd, o + 2 * L);
        c03.add(d3).intoArray(yd, o + 3 * L);
        if (rows > 1) {
            o = yOff[1] + n;
            c10.add(d0).intoArray(yd, o);
            c11.add(d1).intoArray(yd, o + L);
            c12.add(d2).intoArray(yd, o + 2 * L);
            c13.add(d3).intoArray(yd, o + 3 * L);
        }
        if (rows > 2) {
            o = yOff[2] + n;
            c20.add(d0).intoArray(yd, o);
            c21.add(d1).intoArray(yd, o + L);
            c22.add(d2).intoArray(yd, o + 2 * L);
            c23.add(d3).intoArray(yd, o + 3 * L);
        }
        if (rows > 3) {
            o = yOff[3] + n;
            c30.add(d0).intoArray(yd, o);
            c31.add(d1).intoArray(yd, o + L);
            c32.add(d2).intoArray(yd, o + 2 * L);
            c33.add(d3).intoArray(yd, o + 3 * L);
        }
    }

    /** Up to L filters from n (lanes outside {@code m} are neither read nor written). */
    private static void tile4x1(float[] a, int kLen, float[] kd, int kOff, int f, int n, VectorMask<Float> m,
            float[] bd, int bo, float[] yd, int[] yOff, int rows) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int a1 = kLen, a2 = 2 * kLen, a3 = 3 * kLen;
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            FloatVector bv = FloatVector.fromArray(S, kd, wb, m);
            c0 = FloatVector.broadcast(S, a[k]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(bv, c3);
        }
        FloatVector d = FloatVector.fromArray(S, bd, bo + n, m);
        c0.add(d).intoArray(yd, yOff[0] + n, m);
        if (rows > 1) {
            c1.add(d).intoArray(yd, yOff[1] + n, m);
        }
        if (rows > 2) {
            c2.add(d).intoArray(yd, yOff[2] + n, m);
        }
        if (rows > 3) {
            c3.add(d).intoArray(yd, yOff[3] + n, m);
        }
    }
}
