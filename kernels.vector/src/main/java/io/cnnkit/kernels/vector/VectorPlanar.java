package io.cnnkit.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm#planarTerms}: the few-filter convolution's sums over input planes, a vector
 * across output pixels. Three filters (then one) by four vectors of pixels keep their sums in
 * registers over every term (the plain loop stores and reloads its accumulator row for every
 * three terms): per term four plane loads, a weight broadcast per filter, a product and a sum
 * per vector and filter, each rounded on its own ({@code mul} then {@code add}, never
 * {@code fma}), so the bits are the plain loop's. Remaining whole vectors one at a time, the
 * last pixels as a vector ending at the row's end.
 */
final class VectorPlanar {
    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = S.length();

    private VectorPlanar() {
    }

    static void terms(float[] p, int[] pOff, float[] w, int[] wOff, int terms, float[] acc, int accOff, int lda,
            int nf, int n) {
        int wide = n - n % (4 * L);
        int fo = 0;
        for (; fo + 3 <= nf; fo += 3) {
            int a = accOff + fo * lda;
            for (int i = 0; i < wide; i += 4 * L) {
                threeFilters(p, pOff, w, wOff, fo, terms, acc, a + i, lda, i);
            }
            for (int f = fo; f < fo + 3; f++) {
                rest(p, pOff, w, wOff, f, terms, acc, accOff + f * lda, wide, n);
            }
        }
        for (; fo < nf; fo++) {
            int a = accOff + fo * lda;
            for (int i = 0; i < wide; i += 4 * L) {
                four(p, pOff, w, wOff, fo, terms, acc, a + i, i);
            }
            rest(p, pOff, w, wOff, fo, terms, acc, a, wide, n);
        }
    }

    /**
     * Pixels {@code from} to n of filter fo (row at {@code a}): whole vectors, then the last
     * pixels as one vector ending at n, computed before the others change the pixels it shares
     * with them, of which only its own are stored (no masked loads: JDK 17 does not compile them
     * to instructions); rows shorter than a vector in scalar code with the same rounding.
     */
    private static void rest(float[] p, int[] pOff, float[] w, int[] wOff, int fo, int terms, float[] acc, int a,
            int from, int n) {
        int whole = from + (n - from) / L * L;
        if (whole < n && n >= L) {
            float[] last = new float[L];
            int i0 = n - L;
            FloatVector c0 = FloatVector.fromArray(S, acc, a + i0);
            for (int t = 0; t < terms; t++) {
                c0 = c0.add(FloatVector.fromArray(S, p, pOff[t] + i0).mul(FloatVector.broadcast(S, w[wOff[t] + fo])));
            }
            c0.intoArray(last, 0);
            for (int i = from; i < whole; i += L) {
                one(p, pOff, w, wOff, fo, terms, acc, a + i, i);
            }
            System.arraycopy(last, whole - i0, acc, a + whole, n - whole);
            return;
        }
        for (int i = from; i < whole; i += L) {
            one(p, pOff, w, wOff, fo, terms, acc, a + i, i);
        }
        for (int i = whole; i < n; i++) {
            float v = acc[a + i];
            for (int t = 0; t < terms; t++) {
                v += p[pOff[t] + i] * w[wOff[t] + fo];
            }
            acc[a + i] = v;
        }
    }

    /**
     * Three filters by four vectors of pixels: each plane vector is loaded once for the three
     * (an unaligned 64-byte load crosses a cache line and costs two: one filter at a time was
     * load-bound, 2.2 against 1.2 us for a row of the walkthrough's first conv).
     */
    private static void threeFilters(float[] p, int[] pOff, float[] w, int[] wOff, int fo, int terms, float[] acc,
            int a, int lda, int i) {
        int b = a + lda, c = b + lda;
        FloatVector c00 = FloatVector.fromArray(S, acc, a);
        FloatVector c01 = FloatVector.fromArray(S, acc, a + L);
        FloatVector c02 = FloatVector.fromArray(S, acc, a + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, acc, a + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, b);
        FloatVector c11 = FloatVector.fromArray(S, acc, b + L);
        FloatVector c12 = FloatVector.fromArray(S, acc, b + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, acc, b + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, c);
        FloatVector c21 = FloatVector.fromArray(S, acc, c + L);
        FloatVector c22 = FloatVector.fromArray(S, acc, c + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, acc, c + 3 * L);
        for (int t = 0; t < terms; t++) {
            int po = pOff[t] + i, wo = wOff[t] + fo;
            FloatVector w0 = FloatVector.broadcast(S, w[wo]);
            FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
            FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
            FloatVector x = FloatVector.fromArray(S, p, po);
            c00 = c00.add(x.mul(w0));
            c10 = c10.add(x.mul(w1));
            c20 = c20.add(x.mul(w2));
            x = FloatVector.fromArray(S, p, po + L);
            c01 = c01.add(x.mul(w0));
            c11 = c11.add(x.mul(w1));
            c21 = c21.add(x.mul(w2));
            x = FloatVector.fromArray(S, p, po + 2 * L);
            c02 = c02.add(x.mul(w0));
            c12 = c12.add(x.mul(w1));
            c22 = c22.add(x.mul(w2));
            x = FloatVector.fromArray(S, p, po + 3 * L);
            c03 = c03.add(x.mul(w0));
            c13 = c13.add(x.mul(w1));
            c23 = c23.add(x.mul(w2));
        }
        c00.intoArray(acc, a);
        c01.intoArray(acc, a + L);
        c02.intoArray(acc, a + 2 * L);
        c03.intoArray(acc, a + 3 * L);
        c10.intoArray(acc, b);
        c11.intoArray(acc, b + L);
        c12.intoArray(acc, b + 2 * L);
        c13.intoArray(acc, b + 3 * L);
        c20.intoArray(acc, c);
        c21.intoArray(acc, c + L);
        c22.intoArray(acc, c + 2 * L);
        c23.intoArray(acc, c + 3 * L);
    }

    private static void four(float[] p, int[] pOff, float[] w, int[] wOff, int fo, int terms, float[] acc, int a,
            int i) {
        FloatVector c0 = FloatVector.fromArray(S, acc, a);
        FloatVector c1 = FloatVector.fromArray(S, acc, a + L);
        FloatVector c2 = FloatVector.fromArray(S, acc, a + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, acc, a + 3 * L);
        for (int t = 0; t < terms; t++) {
            int po = pOff[t] + i;
            FloatVector wv = FloatVector.broadcast(S, w[wOff[t] + fo]);
            c0 = c0.add(FloatVector.fromArray(S, p, po).mul(wv));
            c1 = c1.add(FloatVector.fromArray(S, p, po + L).mul(wv));
            c2 = c2.add(FloatVector.fromArray(S, p, po + 2 * L).mul(wv));
            c3 = c3.add(FloatVector.fromArray(S, p, po + 3 * L).mul(wv));
        }
        c0.intoArray(acc, a);
        c1.intoArray(acc, a + L);
        c2.intoArray(acc, a + 2 * L);
        c3.intoArray(acc, a + 3 * L);
    }

    private static void one(float[] p, int[] pOff, float[] w, int[] wOff, int fo, int terms, float[] acc, int a,
            int i) {
        FloatVector c0 = FloatVector.fromArray(S, acc, a);
        for (int t = 0; t < terms; t++) {
            c0 = c0.add(FloatVector.fromArray(S, p, pOff[t] + i).mul(FloatVector.broadcast(S, w[wOff[t] + fo])));
        }
        c0.intoArray(acc, a);
    }
}
