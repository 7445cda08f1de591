package io.cnnkit.kernels.vector;

import io.cnnkit.engine.kernel.DepthwiseMicroKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DepthwiseMicroKernel} on jdk.incubator.vector: one accumulator vector per run of
 * channels, a fused multiply-add per tap, stored once (the scalar loops of layers.conv load and
 * store the outputs once per tap). The channels past the last full vector are scalar fused
 * multiply-adds: every output is the same chain (taps in order from +0, then + bias) either way.
 * (A whole vector through scratch for them, as the GEMM's last filters take, measured no faster
 * on a MobileNet whose first layers have 8 channels: row runs cover all but two pixels a row.)
 *
 * <p>One vector width only, and with / without bias each its own loop over a constant species:
 * JDK 17's C2 only intrinsifies vector operations whose species is a compile-time constant, and
 * a second species anywhere in the JVM makes the type profiles of the shared vector methods
 * bimorphic, after which vector stores run as Java loops (see {@link VectorRowTiles#tile6x1Padded}).
 */
final class VectorDepthwise implements DepthwiseMicroKernel {
    static final VectorDepthwise INSTANCE = new VectorDepthwise();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorDepthwise() {
    }

    @Override
    public void pixel(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] bias, int biasOff, float[] y,
            int yOff, int n) {
        int i = bias == null ? noBiasPreferred(x, xOff, w, wOff, taps, y, yOff, 0, n)
                : withBiasPreferred(x, xOff, w, wOff, taps, bias, biasOff, y, yOff, 0, n);
        for (; i < n; i++) {
            float acc = 0f;
            for (int t = 0; t < taps; t++) {
                acc = Math.fma(x[xOff[t] + i], w[wOff[t] + i], acc);
            }
            y[yOff + i] = bias == null ? acc : acc + bias[biasOff + i];
        }
    }

    private static int noBiasPreferred(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] y, int yOff,
            int i, int n) {
        for (int l = S.length(); i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(S, x, xOff[t] + i).fma(FloatVector.fromArray(S, w, wOff[t] + i), acc);
            }
            acc.intoArray(y, yOff + i);
        }
        return i;
    }

    private static int withBiasPreferred(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] bias,
            int biasOff, float[] y, int yOff, int i, int n) {
        for (int l = S.length(); i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(S, x, xOff[t] + i).fma(FloatVector.fromArray(S, w, wOff[t] + i), acc);
            }
            acc.add(FloatVector.fromArray(S, bias, biasOff + i)).intoArray(y, yOff + i);
        }
        return i;
    }

    /** Read as the bias of a row without one (+0: a no-op on a chain from +0, which never holds -0). */
    private static final float[] ZEROS = new float[S.length()];

    /**
     * 3x3 kernels with all three kernel rows inside the input (every row of a MobileNet but the
     * first and last): the 9 weight vectors of a run of channels stay in registers across the
     * row's pixels, so a tap is one load and one fused multiply-add, at any stride. Other shapes
     * take the default (a pixel at a time).
     */
    @Override
    public void row(float[] x, int[] xRow, int rows, int kw, int sw, float[] w, int[] wRow, float[] bias,
            int biasOff, float[] y, int yOff, int pixels, int c, float lo, float hi) {
        if (rows != 3 || kw != 3) {
            DepthwiseMicroKernel.super.row(x, xRow, rows, kw, sw, w, wRow, bias, biasOff, y, yOff, pixels, c, lo, hi);
            return;
        }
        int l = S.length(), step = sw * c;
        int x0 = xRow[0], x1 = xRow[1], x2 = xRow[2], w0 = wRow[0], w1 = wRow[1], w2 = wRow[2];
        if (c * 2 == l && sw == 1) {
            // half a vector of channels (8 with AVX-512): two neighbouring pixels per vector
            float[] t = PAIRS.get();
            for (int tap = 0; tap < 9; tap++) {
                int src = (tap < 3 ? w0 : tap < 6 ? w1 : w2) + (tap % 3) * c;
                System.arraycopy(w, src, t, tap * l, c);
                System.arraycopy(w, src, t, tap * l + c, c);
            }
            if (bias != null) {
                System.arraycopy(bias, biasOff, t, 9 * l, c);
                System.arraycopy(bias, biasOff, t, 9 * l + c, c);
            } else {
                java.util.Arrays.fill(t, 9 * l, 10 * l, 0f);
            }
            int pairs = pixels / 2 * 2;
            row3x3(x, x0, x1, x2, 2 * c, c, t, 0, 3 * l, 6 * l, l, t, 9 * l, y, yOff, 2 * c, pixels / 2, lo, hi);
            x0 += pairs * c;
            x1 += pairs * c;
            x2 += pairs * c;
            yOff += pairs * c;
            pixels -= pairs;
        }
        int cv = 0;
        for (; cv + l <= c; cv += l) {
            row3x3(x, x0 + cv, x1 + cv, x2 + cv, step, c, w, w0 + cv, w1 + cv, w2 + cv, c,
                    bias != null ? bias : ZEROS, bias != null ? biasOff + cv : 0, y, yOff + cv, c, pixels, lo, hi);
        }
        for (; cv < c; cv++) {
            for (int j = 0; j < pixels; j++) {
                float acc = 0f;
                for (int kx = 0; kx < 3; kx++) {
                    acc = Math.fma(x[x0 + j * step + kx * c + cv], w[w0 + kx * c + cv], acc);
                }
                for (int kx = 0; kx < 3; kx++) {
                    acc = Math.fma(x[x1 + j * step + kx * c + cv], w[w1 + kx * c + cv], acc);
                }
                for (int kx = 0; kx < 3; kx++) {
                    acc = Math.fma(x[x2 + j * step + kx * c + cv], w[w2 + kx * c + cv], acc);
                }
                if (bias != null) {
                    acc += bias[biasOff + cv];
                }
                y[yOff + j * c + cv] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }

    /** Scratch of the paired rows: the 9 taps' weights and the bias, each repeated to a whole vector. */
    private static final ThreadLocal<float[]> PAIRS = ThreadLocal.withInitial(() -> new float[10 * S.length()]);

    /**
     * One vector of channels along the row: x0..x2 and w0..w2 already at the channel run, the
     * input's taps c apart and the kernel's wc apart; each step moves the input by step and the
     * output by yStep. At stride 1 (step = c) four pixels at a time: they share input columns, so
     * a kernel row loads 6 column vectors for their 12 taps instead of 12 (a MobileNet's stride-1
     * layers 25-40% faster alone); each pixel's chain is still its taps in order.
     */
    private static void row3x3(float[] x, int x0, int x1, int x2, int step, int c, float[] w, int w0, int w1, int w2,
            int wc, float[] bs, int bo, float[] y, int yo, int yStep, int pixels, float lo, float hi) {
        FloatVector k00 = FloatVector.fromArray(S, w, w0);
        FloatVector k01 = FloatVector.fromArray(S, w, w0 + wc);
        FloatVector k02 = FloatVector.fromArray(S, w, w0 + 2 * wc);
        FloatVector k10 = FloatVector.fromArray(S, w, w1);
        FloatVector k11 = FloatVector.fromArray(S, w, w1 + wc);
        FloatVector k12 = FloatVector.fromArray(S, w, w1 + 2 * wc);
        FloatVector k20 = FloatVector.fromArray(S, w, w2);
        FloatVector k21 = FloatVector.fromArray(S, w, w2 + wc);
        FloatVector k22 = FloatVector.fromArray(S, w, w2 + 2 * wc);
        FloatVector bv = FloatVector.fromArray(S, bs, bo);
        FloatVector zero = FloatVector.zero(S);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        int j = 0, y0 = yo;
        if (step == c && yStep == c) {
            for (; j + 4 <= pixels; j += 4, x0 += 4 * c, x1 += 4 * c, x2 += 4 * c, yo += 4 * c) {
                FloatVector p0 = FloatVector.fromArray(S, x, x0);
                FloatVector p1 = FloatVector.fromArray(S, x, x0 + c);
                FloatVector p2 = FloatVector.fromArray(S, x, x0 + 2 * c);
                FloatVector p3 = FloatVector.fromArray(S, x, x0 + 3 * c);
                FloatVector p4 = FloatVector.fromArray(S, x, x0 + 4 * c);
                FloatVector p5 = FloatVector.fromArray(S, x, x0 + 5 * c);
                FloatVector a0 = p0.fma(k00, zero);
                FloatVector a1 = p1.fma(k00, zero);
                FloatVector a2 = p2.fma(k00, zero);
                FloatVector a3 = p3.fma(k00, zero);
                a0 = p1.fma(k01, a0);
                a1 = p2.fma(k01, a1);
                a2 = p3.fma(k01, a2);
                a3 = p4.fma(k01, a3);
                a0 = p2.fma(k02, a0);
                a1 = p3.fma(k02, a1);
                a2 = p4.fma(k02, a2);
                a3 = p5.fma(k02, a3);
                p0 = FloatVector.fromArray(S, x, x1);
                p1 = FloatVector.fromArray(S, x, x1 + c);
                p2 = FloatVector.fromArray(S, x, x1 + 2 * c);
                p3 = FloatVector.fromArray(S, x, x1 + 3 * c);
                p4 = FloatVector.fromArray(S, x, x1 + 4 * c);
                p5 = FloatVector.fromArray(S, x, x1 + 5 * c);
                a0 = p0.fma(k10, a0);
                a1 = p1.fma(k10, a1);
                a2 = p2.fma(k10, a2);
                a3 = p3.fma(k10, a3);
                a0 = p1.fma(k11, a0);
                a1 = p2.fma(k11, a1);
                a2 = p3.fma(k11, a2);
                a3 = p4.fma(k11, a3);
                a0 = p2.fma(k12, a0);
                a1 = p3.fma(k12, a1);
                a2 = p4.fma(k12, a2);
                a3 = p5.fma(k12, a3);
                p0 = FloatVector.fromArray(S, x, x2);
                p1 = FloatVector.fromArray(S, x, x2 + c);
                p2 = FloatVector.fromArray(S, x, x2 + 2 * c);
                p3 = FloatVector.fromArray(S, x, x2 + 3 * c);
                p4 = FloatVector.fromArray(S, x, x2 + 4 * c);
                p5 = FloatVector.fromArray(S, x, x2 + 5 * c);
                a0 = p0.fma(k20, a0);
                a1 = p1.fma(k20, a1);
                a2 = p2.fma(k20, a2);
                a3 = p3.fma(k20, a3);
                a0 = p1.fma(k21, a0);
                a1 = p2.fma(k21, a1);
                a2 = p3.fma(k21, a2);
                a3 = p4.fma(k21, a3);
                a0 = p2.fma(k22, a0);
                a1 = p3.fma(k22, a1);
                a2 = p4.fma(k22, a2);
                a3 = p5.fma(k22, a3);
                a0.add(bv).max(vlo).intoArray(y, yo);
                a1.add(bv).max(vlo).intoArray(y, yo + c);
                a2.add(bv).max(vlo).intoArray(y, yo + 2 * c);
                a3.add(bv).max(vlo).intoArray(y, yo + 3 * c);
            }
        }
        for (; j < pixels; j++, x0 += step, x1 += step, x2 += step, yo += yStep) {
            FloatVector acc = FloatVector.fromArray(S, x, x0).fma(k00, zero);
            acc = FloatVector.fromArray(S, x, x0 + c).fma(k01, acc);
            acc = FloatVector.fromArray(S, x, x0 + 2 * c).fma(k02, acc);
            acc = FloatVector.fromArray(S, x, x1).fma(k10, acc);
            acc = FloatVector.fromArray(S, x, x1 + c).fma(k11, acc);
            acc = FloatVector.fromArray(S, x, x1 + 2 * c).fma(k12, acc);
            acc = FloatVector.fromArray(S, x, x2).fma(k20, acc);
            acc = FloatVector.fromArray(S, x, x2 + c).fma(k21, acc);
            acc = FloatVector.fromArray(S, x, x2 + 2 * c).fma(k22, acc);
            acc.add(bv).max(vlo).intoArray(y, yo);
        }
        VectorRowTiles.cap(y, y0, yStep, pixels, S.length(), hi);
    }
}
