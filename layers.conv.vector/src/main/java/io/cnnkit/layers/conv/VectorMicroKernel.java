package io.cnnkit.layers.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmConv.MicroKernel} on jdk.incubator.vector: 4 pixels x 4 vectors of filters (64
 * filters with AVX-512) in 16 vector accumulators, one broadcast per pixel and k, one
 * fused multiply-add per accumulator; then 4 x 2 and 4 x 1 vectors, and scalar fused multiply-adds for the
 * last filters. Every output
 * element is the same fused multiply-add chain over k in order, whichever variant computes it.
 */
final class VectorMicroKernel implements GemmConv.MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final VectorMicroKernel INSTANCE = new VectorMicroKernel();

    private VectorMicroKernel() {
    }

    @Override
    public void tile(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n0, int nw, float[] yd,
            int[] yOff, int rows) {
        int n = n0, end = n0 + nw;
        for (; n + 4 * L <= end; n += 4 * L) {
            tile4x4(a, aOff, kLen, kd, kOff, f, n, yd, yOff, rows);
        }
        if (n + 2 * L <= end) {
            tile4x2(a, aOff, kLen, kd, kOff, f, n, yd, yOff, rows);
            n += 2 * L;
        }
        for (; n + L <= end; n += L) {
            tile4x1(a, aOff, kLen, kd, kOff, f, n, yd, yOff, rows);
        }
        for (; n < end; n += 4) {
            tailScalar(a, aOff, kLen, kd, kOff, f, n, Math.min(4, end - n), yd, yOff, rows);
        }
    }

    /** 4 pixels x 2 vectors (32 filters with AVX-512, e.g. CIFAR-sized layers). */
    private static void tile4x2(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n, float[] yd,
            int[] yOff, int rows) {
        int y0 = yOff[0] + n, y1 = yOff[1] + n, y2 = yOff[2] + n, y3 = yOff[3] + n;
        FloatVector c00 = FloatVector.fromArray(S, yd, y0), c01 = FloatVector.fromArray(S, yd, y0 + L);
        FloatVector c10 = FloatVector.fromArray(S, yd, y1), c11 = FloatVector.fromArray(S, yd, y1 + L);
        FloatVector c20 = FloatVector.fromArray(S, yd, y2), c21 = FloatVector.fromArray(S, yd, y2 + L);
        FloatVector c30 = FloatVector.fromArray(S, yd, y3), c31 = FloatVector.fromArray(S, yd, y3 + L);
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            FloatVector b0 = FloatVector.fromArray(S, kd, wb);
            FloatVector b1 = FloatVector.fromArray(S, kd, wb + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
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

    // Everything is written out in one method: a helper taking or returning vectors out of line
    // would box them (JDK 17's C2 keeps vectors in registers only within one compiled body).
    private static void tile4x4(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n, float[] yd,
            int[] yOff, int rows) {
        int y0 = yOff[0] + n, y1 = yOff[1] + n, y2 = yOff[2] + n, y3 = yOff[3] + n;
        FloatVector c00 = FloatVector.fromArray(S, yd, y0), c01 = FloatVector.fromArray(S, yd, y0 + L);
        FloatVector c02 = FloatVector.fromArray(S, yd, y0 + 2 * L), c03 = FloatVector.fromArray(S, yd, y0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, yd, y1), c11 = FloatVector.fromArray(S, yd, y1 + L);
        FloatVector c12 = FloatVector.fromArray(S, yd, y1 + 2 * L), c13 = FloatVector.fromArray(S, yd, y1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, yd, y2), c21 = FloatVector.fromArray(S, yd, y2 + L);
        FloatVector c22 = FloatVector.fromArray(S, yd, y2 + 2 * L), c23 = FloatVector.fromArray(S, yd, y2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, yd, y3), c31 = FloatVector.fromArray(S, yd, y3 + L);
        FloatVector c32 = FloatVector.fromArray(S, yd, y3 + 2 * L), c33 = FloatVector.fromArray(S, yd, y3 + 3 * L);
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            FloatVector b0 = FloatVector.fromArray(S, kd, wb);
            FloatVector b1 = FloatVector.fromArray(S, kd, wb + L);
            FloatVector b2 = FloatVector.fromArray(S, kd, wb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, kd, wb + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
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

    /** L filters from n. */
    private static void tile4x1(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n, float[] yd,
            int[] yOff, int rows) {
        int y0 = yOff[0] + n, y1 = yOff[1] + n, y2 = yOff[2] + n, y3 = yOff[3] + n;
        FloatVector c0 = FloatVector.fromArray(S, yd, y0), c1 = FloatVector.fromArray(S, yd, y1);
        FloatVector c2 = FloatVector.fromArray(S, yd, y2), c3 = FloatVector.fromArray(S, yd, y3);
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            FloatVector bv = FloatVector.fromArray(S, kd, wb);
            c0 = FloatVector.broadcast(S, a[a0 + k]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + k]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + k]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + k]).fma(bv, c3);
        }
        c0.intoArray(yd, y0);
        if (rows > 1) {
            c1.intoArray(yd, y1);
        }
        if (rows > 2) {
            c2.intoArray(yd, y2);
        }
        if (rows > 3) {
            c3.intoArray(yd, y3);
        }
    }

    /**
     * The last (fewer than L) filters, 1 to 4 of them from n, in scalar {@link Math#fma}: the
     * same rounding as a vector lane. JDK 17 does not compile masked vector loads and stores
     * into instructions (it runs them element by element through lambdas, hundreds of times
     * slower), so tails never use masks. Only the stored rows are computed.
     */
    private static void tailScalar(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n, int nw,
            float[] yd, int[] yOff, int rows) {
        for (int r = 0; r < rows; r++) {
            int yb = yOff[r] + n, ab = aOff[r];
            float c0 = yd[yb];
            float c1 = nw > 1 ? yd[yb + 1] : 0f;
            float c2 = nw > 2 ? yd[yb + 2] : 0f;
            float c3 = nw > 3 ? yd[yb + 3] : 0f;
            int wb = kOff + n;
            if (nw == 4) {
                for (int k = 0; k < kLen; k++, wb += f) {
                    float v = a[ab + k];
                    c0 = Math.fma(v, kd[wb], c0);
                    c1 = Math.fma(v, kd[wb + 1], c1);
                    c2 = Math.fma(v, kd[wb + 2], c2);
                    c3 = Math.fma(v, kd[wb + 3], c3);
                }
            } else {
                for (int k = 0; k < kLen; k++, wb += f) {
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
}
