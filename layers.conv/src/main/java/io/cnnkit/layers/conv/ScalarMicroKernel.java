package io.cnnkit.layers.conv;

import io.cnnkit.engine.kernel.GemmMicroKernel;

/**
 * The plain-Java {@link GemmMicroKernel}: 4 pixels x 4 filters of accumulators in locals
 * (16 independent multiply-add chains, each input and weight loaded once per 4 uses), then
 * 4 x 1 for the last filters. Products and sums round separately ({@code acc += a * b}), in
 * the naive kernel's order, then the bias, so the scalar GEMM is exact.
 */
final class ScalarMicroKernel implements GemmMicroKernel {
    static final ScalarMicroKernel INSTANCE = new ScalarMicroKernel();

    private ScalarMicroKernel() {
    }

    @Override
    public void tile(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int ldk, float[] yd, int[] yOff,
            int yCol, int nw, int rows, boolean first, float[] bias, int bOff) {
        int j = 0;
        for (; j + 4 <= nw; j += 4) {
            tile4x4(a, aOff, kLen, kd, kOff + j, ldk, yd, yOff, yCol + j, rows, first, bias, bOff + j);
        }
        for (; j < nw; j++) {
            tile4x1(a, aOff, kLen, kd, kOff + j, ldk, yd, yOff, yCol + j, rows, first, bias, bOff + j);
        }
    }

    private static void tile4x4(float[] a, int[] aOff, int kLen, float[] kd, int wb, int ldk, float[] yd,
            int[] yOff, int col, int rows, boolean first, float[] bias, int bOff) {
        int y0 = yOff[0] + col, y1 = yOff[1] + col, y2 = yOff[2] + col, y3 = yOff[3] + col;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        if (!first) {
            c00 = yd[y0];
            c01 = yd[y0 + 1];
            c02 = yd[y0 + 2];
            c03 = yd[y0 + 3];
            c10 = yd[y1];
            c11 = yd[y1 + 1];
            c12 = yd[y1 + 2];
            c13 = yd[y1 + 3];
            c20 = yd[y2];
            c21 = yd[y2 + 1];
            c22 = yd[y2 + 2];
            c23 = yd[y2 + 3];
            c30 = yd[y3];
            c31 = yd[y3 + 1];
            c32 = yd[y3 + 2];
            c33 = yd[y3 + 3];
        }
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        for (int k = 0; k < kLen; k++, wb += ldk) {
            float b0 = kd[wb], b1 = kd[wb + 1], b2 = kd[wb + 2], b3 = kd[wb + 3];
            float v = a[a0 + k];
            c00 += v * b0;
            c01 += v * b1;
            c02 += v * b2;
            c03 += v * b3;
            v = a[a1 + k];
            c10 += v * b0;
            c11 += v * b1;
            c12 += v * b2;
            c13 += v * b3;
            v = a[a2 + k];
            c20 += v * b0;
            c21 += v * b1;
            c22 += v * b2;
            c23 += v * b3;
            v = a[a3 + k];
            c30 += v * b0;
            c31 += v * b1;
            c32 += v * b2;
            c33 += v * b3;
        }
        if (bias != null) {
            float b0 = bias[bOff], b1 = bias[bOff + 1], b2 = bias[bOff + 2], b3 = bias[bOff + 3];
            c00 += b0;
            c01 += b1;
            c02 += b2;
            c03 += b3;
            c10 += b0;
            c11 += b1;
            c12 += b2;
            c13 += b3;
            c20 += b0;
            c21 += b1;
            c22 += b2;
            c23 += b3;
            c30 += b0;
            c31 += b1;
            c32 += b2;
            c33 += b3;
        }
        store4(yd, y0, c00, c01, c02, c03);
        if (rows > 1) {
            store4(yd, y1, c10, c11, c12, c13);
        }
        if (rows > 2) {
            store4(yd, y2, c20, c21, c22, c23);
        }
        if (rows > 3) {
            store4(yd, y3, c30, c31, c32, c33);
        }
    }

    private static void store4(float[] yd, int o, float v0, float v1, float v2, float v3) {
        yd[o] = v0;
        yd[o + 1] = v1;
        yd[o + 2] = v2;
        yd[o + 3] = v3;
    }

    private static void tile4x1(float[] a, int[] aOff, int kLen, float[] kd, int wb, int ldk, float[] yd,
            int[] yOff, int col, int rows, boolean first, float[] bias, int bOff) {
        int y0 = yOff[0] + col, y1 = yOff[1] + col, y2 = yOff[2] + col, y3 = yOff[3] + col;
        float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
        if (!first) {
            c0 = yd[y0];
            c1 = yd[y1];
            c2 = yd[y2];
            c3 = yd[y3];
        }
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        for (int k = 0; k < kLen; k++, wb += ldk) {
            float bv = kd[wb];
            c0 += a[a0 + k] * bv;
            c1 += a[a1 + k] * bv;
            c2 += a[a2 + k] * bv;
            c3 += a[a3 + k] * bv;
        }
        if (bias != null) {
            float bv = bias[bOff];
            c0 += bv;
            c1 += bv;
            c2 += bv;
            c3 += bv;
        }
        yd[y0] = c0;
        if (rows > 1) {
            yd[y1] = c1;
        }
        if (rows > 2) {
            yd[y2] = c2;
        }
        if (rows > 3) {
            yd[y3] = c3;
        }
    }

    /** Per thread, {@link #planarTerms}'s scratch rows at index 0: three of planes, then one per filter. */
    private static final ThreadLocal<float[][]> PLANAR = new ThreadLocal<>();

    /**
     * Three terms per pass over an accumulator row (fewer loads and stores of it). Each term's
     * plane row, and each accumulator row, is copied to index 0 of a scratch row of its own:
     * C2 (JDK 17) vectorises {@code a[i] += p[i] * w} but not {@code a[i] += p[po + i] * w} with
     * po unknown (nor with offsets into one array: 2.4 times slower).
     */
    @Override
    public void planarTerms(float[] p, int[] pOff, float[] w, int[] wOff, int terms, float[] acc, int accOff,
            int lda, int nf, int n) {
        float[][] rows = PLANAR.get();
        if (rows == null || rows[0].length < n || rows.length < 3 + nf) {
            rows = new float[3 + Math.max(nf, FewFilterConv.MAX_FILTERS)][n];
            PLANAR.set(rows);
        }
        float[] t0 = rows[0], t1 = rows[1], t2 = rows[2];
        for (int fo = 0; fo < nf; fo++) {
            System.arraycopy(acc, accOff + fo * lda, rows[3 + fo], 0, n);
        }
        int t = 0;
        for (; t + 3 <= terms; t += 3) {
            System.arraycopy(p, pOff[t], t0, 0, n);
            System.arraycopy(p, pOff[t + 1], t1, 0, n);
            System.arraycopy(p, pOff[t + 2], t2, 0, n);
            int w0 = wOff[t], w1 = wOff[t + 1], w2 = wOff[t + 2];
            for (int fo = 0; fo < nf; fo++) {
                add3(t0, t1, t2, w[w0 + fo], w[w1 + fo], w[w2 + fo], rows[3 + fo], n);
            }
        }
        for (; t < terms; t++) {
            System.arraycopy(p, pOff[t], t0, 0, n);
            int w0 = wOff[t];
            for (int fo = 0; fo < nf; fo++) {
                add1(t0, w[w0 + fo], rows[3 + fo], n);
            }
        }
        for (int fo = 0; fo < nf; fo++) {
            System.arraycopy(rows[3 + fo], 0, acc, accOff + fo * lda, n);
        }
    }

    // Plain loops over index i that C2 vectorises; products and sums rounded separately, in order.

    private static void add1(float[] p, float w0, float[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] += p[i] * w0;
        }
    }

    private static void add3(float[] p0, float[] p1, float[] p2, float w0, float w1, float w2, float[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = a[i] + p0[i] * w0 + p1[i] * w1 + p2[i] * w2;
        }
    }
}
