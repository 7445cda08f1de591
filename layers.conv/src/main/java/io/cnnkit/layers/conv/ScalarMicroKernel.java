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
    public void tile(float[] a, int kLen, float[] kd, int kOff, int f, int n0, int nw, float[] bd, int bo,
            float[] yd, int[] yOff, int rows) {
        int n = n0;
        for (int end = n0 + nw; n + 4 <= end; n += 4) {
            tile4x4(a, kLen, kd, kOff, f, n, bd, bo, yd, yOff, rows);
        }
        for (int end = n0 + nw; n < end; n++) {
            tile4x1(a, kLen, kd, kOff, f, n, bd, bo, yd, yOff, rows);
        }
    }

    private static void tile4x4(float[] a, int kLen, float[] kd, int kOff, int f, int n, float[] bd, int bo,
            float[] yd, int[] yOff, int rows) {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            float b0 = kd[wb], b1 = kd[wb + 1], b2 = kd[wb + 2], b3 = kd[wb + 3];
            float v = a[k];
            c00 += v * b0;
            c01 += v * b1;
            c02 += v * b2;
            c03 += v * b3;
            v = a[kLen + k];
            c10 += v * b0;
            c11 += v * b1;
            c12 += v * b2;
            c13 += v * b3;
            v = a[2 * kLen + k];
            c20 += v * b0;
            c21 += v * b1;
            c22 += v * b2;
            c23 += v * b3;
            v = a[3 * kLen + k];
            c30 += v * b0;
            c31 += v * b1;
            c32 += v * b2;
            c33 += v * b3;
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
        yd[o] = v0 + bd[b];
        yd[o + 1] = v1 + bd[b + 1];
        yd[o + 2] = v2 + bd[b + 2];
        yd[o + 3] = v3 + bd[b + 3];
    }

    private static void tile4x1(float[] a, int kLen, float[] kd, int kOff, int f, int n, float[] bd, int bo,
            float[] yd, int[] yOff, int rows) {
        float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            float bv = kd[wb];
            c0 += a[k] * bv;
            c1 += a[kLen + k] * bv;
            c2 += a[2 * kLen + k] * bv;
            c3 += a[3 * kLen + k] * bv;
        }
        float bias = bd[bo + n];
        yd[yOff[0] + n] = c0 + bias;
        if (rows > 1) {
            yd[yOff[1] + n] = c1 + bias;
        }
        if (rows > 2) {
            yd[yOff[2] + n] = c2 + bias;
        }
        if (rows > 3) {
            yd[yOff[3] + n] = c3 + bias;
        }
    }
}
