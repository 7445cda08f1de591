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
 * <p>With and without bias are separate loops: a vector chosen by a branch is boxed by JDK 17's C2.
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
        int i = bias == null ? noBias(S, x, xOff, w, wOff, taps, y, yOff, 0, n)
                : withBias(S, x, xOff, w, wOff, taps, bias, biasOff, y, yOff, 0, n);
        if (S.length() > S256.length()) {
            i = bias == null ? noBias(S256, x, xOff, w, wOff, taps, y, yOff, i, n)
                    : withBias(S256, x, xOff, w, wOff, taps, bias, biasOff, y, yOff, i, n);
        }
        if (S.length() > S128.length()) {
            i = bias == null ? noBias(S128, x, xOff, w, wOff, taps, y, yOff, i, n)
                    : withBias(S128, x, xOff, w, wOff, taps, bias, biasOff, y, yOff, i, n);
        }
        for (; i < n; i++) {
            float acc = 0f;
            for (int t = 0; t < taps; t++) {
                acc = Math.fma(x[xOff[t] + i], w[wOff[t] + i], acc);
            }
            y[yOff + i] = bias == null ? acc : acc + bias[biasOff + i];
        }
    }

    /** Full vectors of {@code s} from channel i on; returns the first channel not done. */
    private static int noBias(VectorSpecies<Float> s, float[] x, int[] xOff, float[] w, int[] wOff, int taps,
            float[] y, int yOff, int i, int n) {
        int l = s.length();
        for (; i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(s);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(s, x, xOff[t] + i).fma(FloatVector.fromArray(s, w, wOff[t] + i), acc);
            }
            acc.intoArray(y, yOff + i);
        }
        return i;
    }

    private static int withBias(VectorSpecies<Float> s, float[] x, int[] xOff, float[] w, int[] wOff, int taps,
            float[] bias, int biasOff, float[] y, int yOff, int i, int n) {
        int l = s.length();
        for (; i + l <= n; i += l) {
            FloatVector acc = FloatVector.zero(s);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(s, x, xOff[t] + i).fma(FloatVector.fromArray(s, w, wOff[t] + i), acc);
            }
            acc.add(FloatVector.fromArray(s, bias, biasOff + i)).intoArray(y, yOff + i);
        }
        return i;
    }
}
