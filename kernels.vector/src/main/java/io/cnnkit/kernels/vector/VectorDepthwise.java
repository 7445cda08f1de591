package io.cnnkit.kernels.vector;

import io.cnnkit.engine.kernel.DepthwiseMicroKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DepthwiseMicroKernel} on jdk.incubator.vector: one accumulator vector per run of
 * channels, a fused multiply-add per tap, stored once (the scalar loops of layers.conv load and
 * store the outputs once per tap). Channels past the last full preferred vector take one
 * 256-bit, then one 128-bit step, then scalar fused multiply-adds: every output is the same
 * chain (taps in order from +0, then + bias) whichever step computes it.
 *
 * <p>Each species and with / without bias is its own loop over a constant species: JDK 17's C2
 * only intrinsifies vector operations whose species is a compile-time constant (a species passed
 * as an argument runs the Java fallback, about 20 times slower), and a vector chosen by a branch
 * is boxed.
 */
final class VectorDepthwise implements DepthwiseMicroKernel {
    static final VectorDepthwise INSTANCE = new VectorDepthwise();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> S128 = FloatVector.SPECIES_128;

    private VectorDepthwise() {
    }

    @Override
    public void pixel(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] bias, int biasOff, float[] y,
            int yOff, int n) {
        int i = bias == null ? noBiasPreferred(x, xOff, w, wOff, taps, y, yOff, 0, n)
                : withBiasPreferred(x, xOff, w, wOff, taps, bias, biasOff, y, yOff, 0, n);
        if (S.length() > S256.length()) {
            i = bias == null ? noBias256(x, xOff, w, wOff, taps, y, yOff, i, n)
                    : withBias256(x, xOff, w, wOff, taps, bias, biasOff, y, yOff, i, n);
        }
        if (S.length() > S128.length()) {
            i = bias == null ? noBias128(x, xOff, w, wOff, taps, y, yOff, i, n)
                    : withBias128(x, xOff, w, wOff, taps, bias, biasOff, y, yOff, i, n);
        }
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

    private static int noBias256(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] y, int yOff,
            int i, int n) {
        for (int l = S256.length(); i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(S256);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(S256, x, xOff[t] + i).fma(FloatVector.fromArray(S256, w, wOff[t] + i), acc);
            }
            acc.intoArray(y, yOff + i);
        }
        return i;
    }

    private static int withBias256(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] bias,
            int biasOff, float[] y, int yOff, int i, int n) {
        for (int l = S256.length(); i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(S256);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(S256, x, xOff[t] + i).fma(FloatVector.fromArray(S256, w, wOff[t] + i), acc);
            }
            acc.add(FloatVector.fromArray(S256, bias, biasOff + i)).intoArray(y, yOff + i);
        }
        return i;
    }

    private static int noBias128(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] y, int yOff,
            int i, int n) {
        for (int l = S128.length(); i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(S128);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(S128, x, xOff[t] + i).fma(FloatVector.fromArray(S128, w, wOff[t] + i), acc);
            }
            acc.intoArray(y, yOff + i);
        }
        return i;
    }

    private static int withBias128(float[] x, int[] xOff, float[] w, int[] wOff, int taps, float[] bias,
            int biasOff, float[] y, int yOff, int i, int n) {
        for (int l = S128.length(); i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(S128);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(S128, x, xOff[t] + i).fma(FloatVector.fromArray(S128, w, wOff[t] + i), acc);
            }
            acc.add(FloatVector.fromArray(S128, bias, biasOff + i)).intoArray(y, yOff + i);
        }
        return i;
    }
}
