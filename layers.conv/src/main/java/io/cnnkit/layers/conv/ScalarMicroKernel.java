package io.cnnkit.layers.conv;

/**
 * The plain-Java {@link GemmConv.MicroKernel}: 4 pixels x 4 filters of accumulators in locals
 * (16 independent multiply-add chains, each input and weight loaded once per 4 uses), then
 * 4 x 1 for the last filters. Products and sums round separately ({@code acc += a * b}).
 */
final class ScalarMicroKernel implements GemmConv.MicroKernel {
    static final ScalarMicroKernel INSTANCE = new ScalarMicroKernel();

    private ScalarMicroKernel() {
    }

    @Override
    public void tile(float[][] src, int[] off, int taps, int cg, float[] kd, int wOff, int f, int n0, int nw,
            float[] bd, int bo, float[] yd, int[] yOff, int rows) {
        int n = n0;
        for (int end = n0 + nw; n + 4 <= end; n += 4) {
            tile4x4(src, off, taps, cg, kd, wOff, f, n, bd, bo, yd, yOff, rows);
        }
        for (int end = n0 + nw; n < end; n++) {
            tile4x1(src, off, taps, cg, kd, wOff, f, n, bd, bo, yd, yOff, rows);
        }
    }

    private static void tile4x4(float[][] src, int[] off, int taps, int cg, float[] kd, int wOff, int f, int n,
            float[] bd, int bo, float[] yd, int[] yOff, int rows) {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int t = 0; t < taps; t++) {
            float[] s0 = src[t * 4], s1 = src[t * 4 + 1], s2 = src[t * 4 + 2], s3 = src[t * 4 + 3];
            int o0 = off[t * 4], o1 = off[t * 4 + 1], o2 = off[t * 4 + 2], o3 = off[t * 4 + 3];
            int wb = wOff + t * cg * f + n;
            for (int ci = 0; ci < cg; ci++, wb += f) {
                float b0 = kd[wb], b1 = kd[wb + 1], b2 = kd[wb + 2], b3 = kd[wb + 3];
                float a = s0[o0 + ci];
                c00 += a * b0;
                c01 += a * b1;
                c02 += a * b2;
                c03 += a * b3;
                a = s1[o1 + ci];
                c10 += a * b0;
                c11 += a * b1;
                c12 += a * b2;
                c13 += a * b3;
                a = s2[o2 + ci];
                c20 += a * b0;
                c21 += a * b1;
                c22 += a * b2;
                c23 += a * b3;
                a = s3[o3 + ci];
                c30 += a * b0;
                c31 += a * b1;
                c32 += a * b2;
                c33 += a * b3;
            }
        }
        store4(yd, yOff[0] + n, c00, c01, c02, c03, bd, bo + n);
        if (rows > 1) {
            store4(yd, yOff[1] + n, c10, c11, c12, c13, bd, bo + n);
        }
        if (rows > 2) {
            store4(yd, yOff[2] + n, c20, c21, c22, c23, bd, bo + n);
        }
        if (rows > 3) {
            store4(yd, yOff[3] + n, c30, c31, c32, c33, bd, bo + n);
        }
    }

    private static void store4(float[] yd, int o, float v0, float v1, float v2, float v3, float[] bd, int b) {
        if (bd != null) {
            v0 += bd[b];
            v1 += bd[b + 1];
            v2 += bd[b + 2];
            v3 += bd[b + 3];
        }
        yd[o] = v0;
        yd[o + 1] = v1;
        yd[o + 2] = v2;
        yd[o + 3] = v3;
    }

    private static void tile4x1(float[][] src, int[] off, int taps, int cg, float[] kd, int wOff, int f, int n,
            float[] bd, int bo, float[] yd, int[] yOff, int rows) {
        float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
        for (int t = 0; t < taps; t++) {
            float[] s0 = src[t * 4], s1 = src[t * 4 + 1], s2 = src[t * 4 + 2], s3 = src[t * 4 + 3];
            int o0 = off[t * 4], o1 = off[t * 4 + 1], o2 = off[t * 4 + 2], o3 = off[t * 4 + 3];
            int wb = wOff + t * cg * f + n;
            for (int ci = 0; ci < cg; ci++, wb += f) {
                float bv = kd[wb];
                c0 += s0[o0 + ci] * bv;
                c1 += s1[o1 + ci] * bv;
                c2 += s2[o2 + ci] * bv;
                c3 += s3[o3 + ci] * bv;
            }
        }
        float bias = bd == null ? 0f : bd[bo + n];
        yd[yOff[0] + n] = bd == null ? c0 : c0 + bias;
        if (rows > 1) {
            yd[yOff[1] + n] = bd == null ? c1 : c1 + bias;
        }
        if (rows > 2) {
            yd[yOff[2] + n] = bd == null ? c2 : c2 + bias;
        }
        if (rows > 3) {
            yd[yOff[3] + n] = bd == null ? c3 : c3 + bias;
        }
    }
}
