package io.cnnkit.kernels.vector;

import static io.cnnkit.kernels.vector.VectorGemm.L;
import static io.cnnkit.kernels.vector.VectorGemm.S;

import io.cnnkit.engine.kernel.GemmMicroKernel;
import jdk.incubator.vector.FloatVector;

/**
 * Winograd F(2x2, 3x3)'s input and output transforms ({@link GemmMicroKernel#winogradInput},
 * {@link GemmMicroKernel#winogradOutput}) a vector of channels or filters at a time, the last
 * fewer than a vector one by one: the contracts' operations in their order, so the SPI defaults'
 * bits. Each method holds one vector of half a tile (at most 12 loads, 16 sums, 8 stores): small
 * for C1's profiling tier (see {@link VectorRowTiles}) and within C2's inlining budget.
 */
final class VectorWinograd {
    private VectorWinograd() {
    }

    static void input(float[] a, int aOff, int lda, int c, int tiles, float[] v, int vOff, int vStride) {
        int cv = c / L * L;
        for (int t = 0; t < tiles; t++) {
            int d = aOff + 2 * t * c, o = vOff + t * c;
            for (int k = 0; k < cv; k += L) {
                inputRows01(a, d + k, lda, c, v, o + k, vStride);
                inputRows23(a, d + k, lda, c, v, o + k, vStride);
            }
            for (int k = cv; k < c; k++) {
                inputValue(a, d + k, lda, c, v, o + k, vStride);
            }
        }
    }

    /**
     * V(0, .) and V(1, .) of one vector of channels of one tile. Straight-line, each vector
     * assigned once, no helper taking vectors (C2 boxes a vector that crosses a call it does not
     * inline or is chosen by a branch), and half a tile per method: with the whole tile (64
     * vector operations) C2's incremental inlining ran out of nodes in some processes and left
     * four stores as calls, boxing their vectors (LogCompilation: 12 of 16 _VectorStoreOp).
     */
    private static void inputRows01(float[] a, int d, int lda, int c, float[] v, int o, int vs) {
        int d1 = d + lda, d2 = d1 + lda;
        FloatVector x10 = FloatVector.fromArray(S, a, d1), x11 = FloatVector.fromArray(S, a, d1 + c);
        FloatVector x12 = FloatVector.fromArray(S, a, d1 + 2 * c), x13 = FloatVector.fromArray(S, a, d1 + 3 * c);
        FloatVector x20 = FloatVector.fromArray(S, a, d2), x21 = FloatVector.fromArray(S, a, d2 + c);
        FloatVector x22 = FloatVector.fromArray(S, a, d2 + 2 * c), x23 = FloatVector.fromArray(S, a, d2 + 3 * c);
        // e(0) = d(0) - d(2); V(0, 0..3) = e0 - e2, e1 + e2, e2 - e1, e1 - e3
        FloatVector e0 = FloatVector.fromArray(S, a, d).sub(x20), e1 = FloatVector.fromArray(S, a, d + c).sub(x21);
        FloatVector e2 = FloatVector.fromArray(S, a, d + 2 * c).sub(x22);
        FloatVector e3 = FloatVector.fromArray(S, a, d + 3 * c).sub(x23);
        e0.sub(e2).intoArray(v, o);
        e1.add(e2).intoArray(v, o + vs);
        e2.sub(e1).intoArray(v, o + 2 * vs);
        e1.sub(e3).intoArray(v, o + 3 * vs);
        // e(1) = d(1) + d(2)
        FloatVector f0 = x10.add(x20), f1 = x11.add(x21), f2 = x12.add(x22), f3 = x13.add(x23);
        f0.sub(f2).intoArray(v, o + 4 * vs);
        f1.add(f2).intoArray(v, o + 5 * vs);
        f2.sub(f1).intoArray(v, o + 6 * vs);
        f1.sub(f3).intoArray(v, o + 7 * vs);
    }

    /** V(2, .) and V(3, .), as {@link #inputRows01}. */
    private static void inputRows23(float[] a, int d, int lda, int c, float[] v, int o, int vs) {
        int d1 = d + lda, d2 = d1 + lda, d3 = d2 + lda;
        FloatVector x10 = FloatVector.fromArray(S, a, d1), x11 = FloatVector.fromArray(S, a, d1 + c);
        FloatVector x12 = FloatVector.fromArray(S, a, d1 + 2 * c), x13 = FloatVector.fromArray(S, a, d1 + 3 * c);
        // e(2) = d(2) - d(1)
        FloatVector e0 = FloatVector.fromArray(S, a, d2).sub(x10), e1 = FloatVector.fromArray(S, a, d2 + c).sub(x11);
        FloatVector e2 = FloatVector.fromArray(S, a, d2 + 2 * c).sub(x12);
        FloatVector e3 = FloatVector.fromArray(S, a, d2 + 3 * c).sub(x13);
        e0.sub(e2).intoArray(v, o + 8 * vs);
        e1.add(e2).intoArray(v, o + 9 * vs);
        e2.sub(e1).intoArray(v, o + 10 * vs);
        e1.sub(e3).intoArray(v, o + 11 * vs);
        // e(3) = d(1) - d(3)
        FloatVector f0 = x10.sub(FloatVector.fromArray(S, a, d3)), f1 = x11.sub(FloatVector.fromArray(S, a, d3 + c));
        FloatVector f2 = x12.sub(FloatVector.fromArray(S, a, d3 + 2 * c));
        FloatVector f3 = x13.sub(FloatVector.fromArray(S, a, d3 + 3 * c));
        f0.sub(f2).intoArray(v, o + 12 * vs);
        f1.add(f2).intoArray(v, o + 13 * vs);
        f2.sub(f1).intoArray(v, o + 14 * vs);
        f1.sub(f3).intoArray(v, o + 15 * vs);
    }

    /** One channel of one tile, as the SPI's default computes it. */
    private static void inputValue(float[] a, int d, int lda, int c, float[] v, int o, int vs) {
        for (int i = 0; i < 4; i++) {
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
            v[o + 4 * i * vs] = e0 - e2;
            v[o + (4 * i + 1) * vs] = e1 + e2;
            v[o + (4 * i + 2) * vs] = e2 - e1;
            v[o + (4 * i + 3) * vs] = e1 - e3;
        }
    }

    static void output(float[] m, int mOff, int ms, int f, int tiles, float[] bias, int biasOff, float[] y, int yOff,
            int ldy, int rows, int cols, float lo, float hi) {
        int fv = f / L * L;
        // no bias: -0 added leaves every value's bits as they are (+0 would turn -0 into +0)
        float[] bs = bias != null ? bias : NEGATIVE_ZEROS;
        for (int t = 0; t < tiles; t++) {
            int q = mOff + t * f, yo = yOff + 2 * t * f;
            boolean second = 2 * t + 1 < cols;
            for (int j = 0; j < fv; j += L) {
                outputRow0(m, q + j, ms, bs, bias != null ? biasOff + j : 0, y, yo + j, f, second, lo);
                if (rows > 1) {
                    outputRow1(m, q + j, ms, bs, bias != null ? biasOff + j : 0, y, yo + ldy + j, f, second, lo);
                }
            }
            for (int j = fv; j < f; j++) {
                outputValue(m, q + j, ms, bias, biasOff + j, y, yo + j, ldy, f, rows, second, lo, hi);
            }
            if (hi != Float.POSITIVE_INFINITY) {
                // the upper bound as the GEMM tiles apply it: a pass over what was stored (same bits)
                VectorRowTiles.cap(y, yo, ldy, rows, fv, hi);
                if (second) {
                    VectorRowTiles.cap(y, yo + f, ldy, rows, fv, hi);
                }
            }
        }
    }

    /** -0 in every lane: the bias of a layer without one. */
    private static final float[] NEGATIVE_ZEROS = negativeZeros();

    private static float[] negativeZeros() {
        float[] z = new float[L];
        java.util.Arrays.fill(z, -0f);
        return z;
    }

    /**
     * Output row 0 of one vector of filters of one tile, max(lo) applied (max with -infinity
     * keeps every value's bits). Straight-line, each vector assigned once (see {@link #inputRows01}).
     */
    private static void outputRow0(float[] m, int q, int ms, float[] bs, int bo, float[] y, int yo, int f,
            boolean second, float lo) {
        // s(0) = (M(0) + M(1)) + M(2)
        FloatVector s0 = FloatVector.fromArray(S, m, q).add(FloatVector.fromArray(S, m, q + 4 * ms))
                .add(FloatVector.fromArray(S, m, q + 8 * ms));
        FloatVector s1 = FloatVector.fromArray(S, m, q + ms).add(FloatVector.fromArray(S, m, q + 5 * ms))
                .add(FloatVector.fromArray(S, m, q + 9 * ms));
        FloatVector s2 = FloatVector.fromArray(S, m, q + 2 * ms).add(FloatVector.fromArray(S, m, q + 6 * ms))
                .add(FloatVector.fromArray(S, m, q + 10 * ms));
        FloatVector s3 = FloatVector.fromArray(S, m, q + 3 * ms).add(FloatVector.fromArray(S, m, q + 7 * ms))
                .add(FloatVector.fromArray(S, m, q + 11 * ms));
        FloatVector b = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        s0.add(s1).add(s2).add(b).max(vlo).intoArray(y, yo);
        if (second) {
            s1.sub(s2).sub(s3).add(b).max(vlo).intoArray(y, yo + f);
        }
    }

    /** Output row 1, as {@link #outputRow0}. */
    private static void outputRow1(float[] m, int q, int ms, float[] bs, int bo, float[] y, int yo, int f,
            boolean second, float lo) {
        // s(1) = (M(1) - M(2)) - M(3)
        FloatVector s0 = FloatVector.fromArray(S, m, q + 4 * ms).sub(FloatVector.fromArray(S, m, q + 8 * ms))
                .sub(FloatVector.fromArray(S, m, q + 12 * ms));
        FloatVector s1 = FloatVector.fromArray(S, m, q + 5 * ms).sub(FloatVector.fromArray(S, m, q + 9 * ms))
                .sub(FloatVector.fromArray(S, m, q + 13 * ms));
        FloatVector s2 = FloatVector.fromArray(S, m, q + 6 * ms).sub(FloatVector.fromArray(S, m, q + 10 * ms))
                .sub(FloatVector.fromArray(S, m, q + 14 * ms));
        FloatVector s3 = FloatVector.fromArray(S, m, q + 7 * ms).sub(FloatVector.fromArray(S, m, q + 11 * ms))
                .sub(FloatVector.fromArray(S, m, q + 15 * ms));
        FloatVector b = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        s0.add(s1).add(s2).add(b).max(vlo).intoArray(y, yo);
        if (second) {
            s1.sub(s2).sub(s3).add(b).max(vlo).intoArray(y, yo + f);
        }
    }

    /** One filter of one tile, as the SPI's default computes it. */
    private static void outputValue(float[] m, int q, int ms, float[] bias, int bo, float[] y, int yo, int ldy, int f,
            int rows, boolean second, float lo, float hi) {
        for (int r = 0; r < rows; r++) {
            float s0, s1, s2, s3;
            if (r == 0) {
                s0 = m[q] + m[q + 4 * ms] + m[q + 8 * ms];
                s1 = m[q + ms] + m[q + 5 * ms] + m[q + 9 * ms];
                s2 = m[q + 2 * ms] + m[q + 6 * ms] + m[q + 10 * ms];
                s3 = m[q + 3 * ms] + m[q + 7 * ms] + m[q + 11 * ms];
            } else {
                s0 = m[q + 4 * ms] - m[q + 8 * ms] - m[q + 12 * ms];
                s1 = m[q + 5 * ms] - m[q + 9 * ms] - m[q + 13 * ms];
                s2 = m[q + 6 * ms] - m[q + 10 * ms] - m[q + 14 * ms];
                s3 = m[q + 7 * ms] - m[q + 11 * ms] - m[q + 15 * ms];
            }
            float v = s0 + s1 + s2, w = s1 - s2 - s3;
            if (bias != null) {
                v += bias[bo];
                w += bias[bo];
            }
            y[yo + r * ldy] = Math.min(Math.max(v, lo), hi);
            if (second) {
                y[yo + r * ldy + f] = Math.min(Math.max(w, lo), hi);
            }
        }
    }
}
