package io.cnnkit.io.image;

/**
 * Bilinear resize of an HWC float image with half-pixel centres (source coordinate
 * {@code (dst + 0.5) * in / out - 0.5}, clamped at the borders), as OpenCV's INTER_LINEAR
 * and TensorFlow's {@code resize(..., 'bilinear')} without antialiasing. Downscaling by
 * large factors therefore samples rather than averages.
 */
public final class Resize {
    private Resize() {
    }

    public static float[] bilinear(float[] src, int h, int w, int c, int outH, int outW) {
        float[] dst = new float[outH * outW * c];
        double sy = (double) h / outH;
        double sx = (double) w / outW;
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        double[] fx = new double[outW];
        for (int x = 0; x < outW; x++) {
            double s = Math.max(0.0, (x + 0.5) * sx - 0.5);
            x0[x] = Math.min((int) s, w - 1);
            x1[x] = Math.min(x0[x] + 1, w - 1);
            fx[x] = s - x0[x];
            if (x0[x] == w - 1) {
                fx[x] = 0;
            }
        }
        for (int y = 0; y < outH; y++) {
            double s = Math.max(0.0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) s, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = y0 == h - 1 ? 0 : s - y0;
            for (int x = 0; x < outW; x++) {
                for (int k = 0; k < c; k++) {
                    double a = src[(y0 * w + x0[x]) * c + k];
                    double b = src[(y0 * w + x1[x]) * c + k];
                    double d = src[(y1 * w + x0[x]) * c + k];
                    double e = src[(y1 * w + x1[x]) * c + k];
                    double top = a + (b - a) * fx[x];
                    double bottom = d + (e - d) * fx[x];
                    dst[(y * outW + x) * c + k] = (float) (top + (bottom - top) * fy);
                }
            }
        }
        return dst;
    }
}
