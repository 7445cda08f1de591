package io.cnnkit.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm#convPairTile}: a convolution with half a vector of filters (8 at AVX-512:
 * MobileNet's RGB first layer), two output pixels per vector, its lower half one pixel's sums
 * and its upper half the next pixel's. A vector load at pixel 2q's first value also holds pixel
 * 2q+1's values (lda further on) when lda + segLen fits a vector; a lane shuffle spreads value k
 * of the one over the lower half and of the other over the upper half, and the weights are held
 * twice in a row, so one fused multiply-add serves both pixels. Half a vector of filters the
 * usual way (one pixel per vector, half its lanes idle) would take twice the multiply-adds; a
 * second, narrower species would make the JIT's profile of the shared vector methods bimorphic
 * (see {@link VectorRowTiles#tile6x1Padded}).
 *
 * <p>Three values per load (segLen a multiple of 3: an RGB pixel's channels, or three taps of one
 * channel): per step 8 loads, 24 shuffles and 24 multiply-adds for 16 pixels. On the Zen 4 VMs
 * this project measures on, MobileNet's 96x96x3 -> 48x48x8 stride-2 layer took 15.5 us against
 * 28.5 with two broadcasts and a blend per pixel pair and 20 us with one value per load.
 *
 * <p>Unrolled by hand (JDK 17 keeps vectors in registers only within one loop of one method);
 * each output's chain runs over (segment, k) in order, as the SPI fixes it.
 */
final class VectorPairTiles {
    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = S.length();
    /** Output pixels per tile: 8 vectors of two pixels. */
    static final int PIXELS = 16;
    /** Shuffles by pixel stride lda (1 .. L - 3) and value t (0..2): lanes [0, L/2) take t, the rest t + lda. */
    private static final VectorShuffle<Float>[][] SPREAD = spreads();

    private VectorPairTiles() {
    }

    /** Whether the tile takes nw filters over kernel rows of segLen values, pixels lda apart. */
    static boolean takes(int nw, int segLen, int lda) {
        return L >= 8 && nw == L / 2 && segLen >= 3 && segLen % 3 == 0 && lda >= 1 && lda + segLen <= L;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[][] spreads() {
        VectorShuffle<Float>[][] s = new VectorShuffle[L][];
        for (int lda = 1; lda <= L - 3; lda++) {
            s[lda] = new VectorShuffle[3];
            for (int t = 0; t < 3; t++) {
                int[] lanes = new int[L];
                for (int i = 0; i < L; i++) {
                    lanes[i] = i < L / 2 ? t : t + lda;
                }
                s[lda][t] = VectorShuffle.fromArray(S, lanes, 0);
            }
        }
        return s;
    }

    /**
     * Up to {@link #PIXELS} pixels; the caller has checked {@link #takes} and that
     * {@code a} holds every value a full tile reads.
     */
    static void tile16(float[] a, int aOff, int lda, int segLen, int segStride, int segments, float[] b, int bOff,
            float[] y, int yOff, int pixels, float[] bias, int biasOff, float lo, float hi) {
        VectorShuffle<Float> t0 = SPREAD[lda][0], t1 = SPREAD[lda][1], t2 = SPREAD[lda][2];
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int p2 = 2 * lda;
        // one loop over every segment's values, three at a time: i steps to the next segment's row
        // after segLen values (a nested loop would box the sums)
        for (int k = 0, n = segments * segLen, i = aOff, wb = bOff, left = segLen; k < n; k += 3, wb += 3 * L) {
            FloatVector w0 = FloatVector.fromArray(S, b, wb);
            FloatVector w1 = FloatVector.fromArray(S, b, wb + L);
            FloatVector w2 = FloatVector.fromArray(S, b, wb + 2 * L);
            FloatVector v;
            int j = i;
            v = FloatVector.fromArray(S, a, j);
            c0 = v.rearrange(t0).fma(w0, c0);
            c0 = v.rearrange(t1).fma(w1, c0);
            c0 = v.rearrange(t2).fma(w2, c0);
            j += p2;
            v = FloatVector.fromArray(S, a, j);
            c1 = v.rearrange(t0).fma(w0, c1);
            c1 = v.rearrange(t1).fma(w1, c1);
            c1 = v.rearrange(t2).fma(w2, c1);
            j += p2;
            v = FloatVector.fromArray(S, a, j);
            c2 = v.rearrange(t0).fma(w0, c2);
            c2 = v.rearrange(t1).fma(w1, c2);
            c2 = v.rearrange(t2).fma(w2, c2);
            j += p2;
            v = FloatVector.fromArray(S, a, j);
            c3 = v.rearrange(t0).fma(w0, c3);
            c3 = v.rearrange(t1).fma(w1, c3);
            c3 = v.rearrange(t2).fma(w2, c3);
            j += p2;
            v = FloatVector.fromArray(S, a, j);
            c4 = v.rearrange(t0).fma(w0, c4);
            c4 = v.rearrange(t1).fma(w1, c4);
            c4 = v.rearrange(t2).fma(w2, c4);
            j += p2;
            v = FloatVector.fromArray(S, a, j);
            c5 = v.rearrange(t0).fma(w0, c5);
            c5 = v.rearrange(t1).fma(w1, c5);
            c5 = v.rearrange(t2).fma(w2, c5);
            j += p2;
            v = FloatVector.fromArray(S, a, j);
            c6 = v.rearrange(t0).fma(w0, c6);
            c6 = v.rearrange(t1).fma(w1, c6);
            c6 = v.rearrange(t2).fma(w2, c6);
            j += p2;
            v = FloatVector.fromArray(S, a, j);
            c7 = v.rearrange(t0).fma(w0, c7);
            c7 = v.rearrange(t1).fma(w1, c7);
            c7 = v.rearrange(t2).fma(w2, c7);
            left -= 3;
            i += left == 0 ? segStride - segLen + 3 : 3;
            left = left == 0 ? segLen : left;
        }
        float[] bs = bias != null ? bias : ZEROS;
        int bo = bias != null ? biasOff : 0;
        FloatVector bv = FloatVector.fromArray(S, bs, bo);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        c0 = c0.add(bv).max(vlo);
        c1 = c1.add(bv).max(vlo);
        c2 = c2.add(bv).max(vlo);
        c3 = c3.add(bv).max(vlo);
        c4 = c4.add(bv).max(vlo);
        c5 = c5.add(bv).max(vlo);
        c6 = c6.add(bv).max(vlo);
        c7 = c7.add(bv).max(vlo);
        if (pixels == PIXELS) {
            c0.intoArray(y, yOff);
            c1.intoArray(y, yOff + L);
            c2.intoArray(y, yOff + 2 * L);
            c3.intoArray(y, yOff + 3 * L);
            c4.intoArray(y, yOff + 4 * L);
            c5.intoArray(y, yOff + 5 * L);
            c6.intoArray(y, yOff + 6 * L);
            c7.intoArray(y, yOff + 7 * L);
            VectorRowTiles.cap(y, yOff, 0, 1, 8 * L, hi);
            return;
        }
        // a partial tile (a row's last pixels): through a scratch, only its pixels copied out
        float[] s = SCRATCH.get();
        c0.intoArray(s, 0);
        c1.intoArray(s, L);
        c2.intoArray(s, 2 * L);
        c3.intoArray(s, 3 * L);
        c4.intoArray(s, 4 * L);
        c5.intoArray(s, 5 * L);
        c6.intoArray(s, 6 * L);
        c7.intoArray(s, 7 * L);
        System.arraycopy(s, 0, y, yOff, pixels * (L / 2));
        VectorRowTiles.cap(y, yOff, 0, 1, pixels * (L / 2), hi);
    }

    private static final float[] ZEROS = new float[L];
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[PIXELS / 2 * L]);
}
