package io.cnnkit.layers.conv;

/**
 * The plain-Java {@link GemmConv.MicroKernel}: 4 pixels x 4 filters of accumulators in locals
 * (16 independent multiply-add chains, each input and weight loaded once per 4 uses), then
 * 4 x 1 for the last filters. Products and sums round separately ({@code acc += a * b}), in
 * the naive kernel's order, so the scalar GEMM is exact.
 */
final class ScalarMicroKernel implements GemmConv.MicroKernel {
    static final ScalarMicroKernel INSTANCE = new ScalarMicroKernel();

    private ScalarMicroKernel() {
    }

    @Override
    public void tile(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n0, int nw, float[] yd,
            int[] yOff, int rows) {
        int n = n0;
        for (int end = n0 + nw; n + 4 <= end; n += 4) {
            tile4x4(a, aOff, kLen, kd, kOff, f, n, yd, yOff, rows);
        }
        for (int end = n0 + nw; n < end; n++) {
            tile4x1(a, aOff, kLen, kd, kOff, f, n, yd, yOff, rows);
        }
    }

    private static void tile4x4(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n, float[] yd,
            int[] yOff, int rows) {
        int y0 = yOff[0] + n, y1 = yOff[1] + n, y2 = yOff[2] + n, y3 = yOff[3] + n;
        float c00 = yd[y0], c01 = yd[y0 + 1], c02 = yd[y0 + 2], c03 = yd[y0 + 3];
        float c10 = yd[y1], c11 = yd[y1 + 1], c12 = yd[y1 + 2], c13 = yd[y1 + 3];
        float c20 = yd[y2], c21 = yd[y2 + 1], c22 = yd[y2 + 2], c23 = yd[y2 + 3];
        float c30 = yd[y3], c31 = yd[y3 + 1], c32 = yd[y3 + 2], c33 = yd[y3 + 3];
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
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

    private static void tile4x1(float[] a, int[] aOff, int kLen, float[] kd, int kOff, int f, int n, float[] yd,
            int[] yOff, int rows) {
        int y0 = yOff[0] + n, y1 = yOff[1] + n, y2 = yOff[2] + n, y3 = yOff[3] + n;
        float c0 = yd[y0], c1 = yd[y1], c2 = yd[y2], c3 = yd[y3];
        int a0 = aOff[0], a1 = aOff[1], a2 = aOff[2], a3 = aOff[3];
        int wb = kOff + n;
        for (int k = 0; k < kLen; k++, wb += f) {
            float bv = kd[wb];
            c0 += a[a0 + k] * bv;
            c1 += a[a1 + k] * bv;
            c2 += a[a2 + k] * bv;
            c3 += a[a3 + k] * bv;
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
}
