package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.activations.relu.Relu;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.GemmMicroKernel;
import io.cnnkit.testkit.ShuffledContext;

/**
 * The Vector API kernel's {@link GemmMicroKernel#planarTerms} (the few-filter convolution's sums
 * over planes) bit for bit against the SPI's plain loop, over whole blocks of four vectors,
 * single vectors and scalar tails; and the planar few-filter conv2d on it bit for bit against
 * the definition (it rounds products and sums on their own, as the definition does).
 */
class VectorPlanarTest {
    private static final GemmMicroKernel MK = VectorBackend.BACKEND.gemm();
    /** Nothing but the SPI's defaults beyond the one required method. */
    private static final GemmMicroKernel PLAIN = new GemmMicroKernel() {
        @Override
        public void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff,
                int yCol, int nw, int rows, boolean first, float[] bias, int biasOff) {
            ScalarMicroKernel.INSTANCE.tile(a, aOff, kLen, b, bOff, ldb, y, yOff, yCol, nw, rows, first, bias, biasOff);
        }
    };

    @Test
    void planarTermsGiveThePlainLoopsBits() {
        Random r = new Random(53);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(trial % 4 == 0 ? 300 : 70), nf = 1 + r.nextInt(4), terms = r.nextInt(31);
            int planes = 1 + r.nextInt(6), pw = n + r.nextInt(9);
            float[] p = VectorConvTest.random(r, planes * pw + 1).data();
            int[] pOff = new int[terms], wOff = new int[terms];
            for (int t = 0; t < terms; t++) {
                int plane = r.nextInt(planes);
                pOff[t] = plane * pw + r.nextInt(pw - n + 1);
                wOff[t] = r.nextInt(terms + 1) * 4;
            }
            float[] w = VectorConvTest.random(r, (terms + 2) * 4).data();
            int lda = n + r.nextInt(5), accOff = r.nextInt(4);
            float[] acc = VectorConvTest.random(r, accOff + nf * lda + 2).data(), want = acc.clone();
            PLAIN.planarTerms(p, pOff, w, wOff, terms, want, accOff, lda, nf, n);
            MK.planarTerms(p, pOff, w, wOff, terms, acc, accOff, lda, nf, n);
            for (int i = 0; i < acc.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(acc[i]), "trial " + trial + " n " + n
                        + " filters " + nf + " terms " + terms + ": element " + i);
            }
        }
    }

    @Test
    void planarConvOnTheVectorKernelEqualsTheDefinition() {
        Random r = new Random(59);
        int planar = 0;
        for (int trial = 0; trial < 40; trial++) {
            int h = 3 + r.nextInt(10), w = 3 + r.nextInt(trial % 2 == 0 ? 150 : 30), c = 1 + r.nextInt(4);
            int f = 1 + r.nextInt(4), kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3), sh = 1 + r.nextInt(2);
            Window win = new Window(kh, kw, sh, 1, 1, 1, r.nextBoolean());
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor x = VectorConvTest.random(r, 1 + r.nextInt(2), h, w, c);
            Tensor k = VectorConvTest.random(r, kh, kw, c, f), b = r.nextBoolean() ? VectorConvTest.random(r, f) : null;
            Activation act = r.nextBoolean() ? new Relu() : null;
            int[] shape = {x.dim(0), win.outH(h), win.outW(w), f};
            Tensor naive = Tensor.zeros(shape), fast = Tensor.zeros(shape);
            Arrays.fill(fast.data(), Float.NaN);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            assertTrue(PlanarFewFilterConv.applies(k, g));
            planar++;
            ConvKernels.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial), MK);
            assertTrue(naive.contentEquals(fast), "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString()
                    + " " + win.describe() + ": not the definition's bits");
        }
        assertEquals(40, planar);
    }
}
