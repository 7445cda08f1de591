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
}
