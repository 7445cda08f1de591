package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.activations.relu.Relu;
import io.cnnkit.activations.relu6.Relu6;
import io.cnnkit.activations.softmax.Softmax;
import io.cnnkit.activations.tanh.Tanh;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.GemmMicroKernel;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.ShuffledContext;

/**
 * The Vector API kernel's {@link GemmMicroKernel#convPairTile} (two output pixels per vector,
 * half a vector of filters) against the SPI's default loop, bit for bit; conv2d on that path
 * (MobileNet's first layer among the shapes) against the definition and across chunkings.
 */
class VectorPairTilesTest {
    private static final GemmMicroKernel MK = VectorBackend.BACKEND.gemm();
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    /** The SPI's default tile, offered for the shapes the vector kernel takes. */
    private static final GemmMicroKernel DEFAULT_TILE = new GemmMicroKernel() {
        @Override
        public void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff,
                int yCol, int nw, int rows, boolean first, float[] bias, int biasOff) {
            MK.tile(a, aOff, kLen, b, bOff, ldb, y, yOff, yCol, nw, rows, first, bias, biasOff);
        }

        @Override
        public int convPairPixels(int filters, int segLen, int lda) {
            return MK.convPairPixels(filters, segLen, lda);
        }
    };

    @Test
    void pairTilesTakeHalfAVectorOfFiltersOverShortRows() {
        assumeTrue(L >= 16, "pair tiles run with AVX-512 only");
        assertEquals(16, MK.convPairPixels(8, 9, 6), "MobileNet's first layer: RGB, 3 taps, stride 2");
        assertEquals(16, MK.convPairPixels(8, 9, 3), "RGB, 3 taps, stride 1");
        assertEquals(16, MK.convPairPixels(8, 3, 1), "grey, 3 taps");
        assertEquals(16, MK.convPairPixels(8, 12, 4), "rows of 12 values");
        assertEquals(0, MK.convPairPixels(16, 9, 6), "a whole vector of filters");
        assertEquals(0, MK.convPairPixels(4, 9, 6), "a quarter vector");
        assertEquals(0, MK.convPairPixels(8, 10, 2), "rows not a multiple of 3");
        assertEquals(0, MK.convPairPixels(8, 9, 8), "two pixels' rows wider than a vector");
        assertEquals(0, MK.convPairPixels(8, 15, 3), "RGB, 5 taps");
        assertEquals(0, ScalarMicroKernel.INSTANCE.convPairPixels(8, 9, 6), "the scalar kernel");
    }

    @Test
    void pairTileGivesTheSpiDefaultsBitsAndWritesOnlyItsPixels() {
        assumeTrue(L >= 16, "pair tiles run with AVX-512 only");
        Random r = new Random(61);
        float[][] clamps = {{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f, Float.POSITIVE_INFINITY},
            {0f, 6f}, {-0.25f, 0.5f}};
        for (int trial = 0; trial < 300; trial++) {
            int segLen = 3 * (1 + r.nextInt(4)), lda = 1 + r.nextInt(16 - segLen), nw = 8;
            int p = MK.convPairPixels(nw, segLen, lda);
            assertEquals(16, p, "segLen " + segLen + " lda " + lda);
            int segments = 1 + r.nextInt(3), pixels = trial % 5 == 0 ? p : r.nextInt(p + 1);
            int rowReach = (p - 1) * lda + segLen + 2 * nw, segStride = rowReach + r.nextInt(20);
            int aOff = r.nextInt(7), bOff = r.nextInt(7), yOff = r.nextInt(7), biasOff = r.nextInt(3);
            float[] a = random(r, aOff + (segments - 1) * segStride + rowReach);
            float[] b = random(r, bOff + segments * segLen * 2 * nw + r.nextInt(3));
            float[] bias = r.nextBoolean() ? random(r, biasOff + 2 * nw) : null;
            if (bias != null) {
                System.arraycopy(bias, biasOff, bias, biasOff + nw, nw); // the SPI's bias: its values twice
            }
            for (int k = 0; k < segments * segLen; k++) { // and each k's weights twice
                System.arraycopy(b, bOff + k * 2 * nw, b, bOff + k * 2 * nw + nw, nw);
            }
            float[] clamp = clamps[r.nextInt(clamps.length)];
            float[] y = random(r, yOff + p * nw + 5), expected = y.clone();
            DEFAULT_TILE.convPairTile(a, aOff, lda, segLen, segStride, segments, b, bOff, expected, yOff, nw, pixels,
                    bias, biasOff, clamp[0], clamp[1]);
            MK.convPairTile(a, aOff, lda, segLen, segStride, segments, b, bOff, y, yOff, nw, pixels, bias, biasOff,
                    clamp[0], clamp[1]);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(y[i]), "trial " + trial + " segLen "
                        + segLen + " lda " + lda + " segments " + segments + " pixels " + pixels + " at " + i);
            }
        }
    }

    @Test
    void pairTileRefusesWhatItCannotTake() {
        assumeTrue(L >= 16, "pair tiles run with AVX-512 only");
        float[] a = new float[1024], b = new float[1024], y = new float[1024];
        var e = assertThrows(IllegalArgumentException.class,
                () -> MK.convPairTile(a, 0, 6, 9, 300, 1, b, 0, y, 0, 8, 17, null, 0, 0f, 6f));
        assertTrue(e.getMessage().contains("0 to 16 pixels of 8 filters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MK.convPairTile(a, 0, 6, 9, 300, 1, b, 0, y, 0, 16, 4, null, 0, 0f, 6f));
        assertTrue(e.getMessage().contains("see convPairPixels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MK.convPairTile(a, 0, 6, 9, 300, 0, b, 0, y, 0, 8, 4, null, 0, 0f, 6f));
        assertTrue(e.getMessage().contains("0 segments"), e.getMessage());
        // a row shorter than a full tile's reach: refused before any read
        e = assertThrows(IllegalArgumentException.class,
                () -> MK.convPairTile(a, 0, 6, 9, 1000, 2, b, 0, y, 0, 8, 1, null, 0, 0f, 6f));
        assertTrue(e.getMessage().contains("the driver's rows must reach"), e.getMessage());
    }

    /**
     * conv2d with 8 filters over RGB, grey and 2-channel inputs on the pair path (MobileNet's
     * 96x96x3 stride-2 'same' first layer first): close to the definition, the same bits for
     * every chunking and with the layer's kept panels.
     */
    @Test
    void conv2dOnPairsMatchesTheDefinitionForEveryChunking() {
        assumeTrue(L >= 16, "pair tiles run with AVX-512 only");
        Random r = new Random(67);
        Activation[] acts = {null, new Relu(), new Relu6(), new Tanh(), new Softmax()};
        int[][] channelsAndWidth = {{3, 3}, {1, 3}, {2, 3}, {3, 1}, {1, 9}, {3, 4}};
        for (int trial = 0; trial < 60; trial++) {
            boolean mobileNet = trial == 0;
            int[] cw = channelsAndWidth[trial % channelsAndWidth.length];
            int c = cw[0], kw = cw[1], kh = mobileNet ? 3 : 1 + r.nextInt(4);
            int sw = mobileNet ? 2 : 1 + r.nextInt(2);
            if ((sw + kw) * c > 16) {
                sw = 1;
            }
            int sh = mobileNet ? 2 : 1 + r.nextInt(3), dh = sh == 1 ? 1 + r.nextInt(2) : 1;
            boolean same = mobileNet || r.nextBoolean();
            int n = 1 + r.nextInt(3);
            int h = mobileNet ? 96 : (kh - 1) * dh + 1 + r.nextInt(9);
            int w = mobileNet ? 96 : kw + r.nextInt(trial % 3 == 0 ? 70 : 20);
            Window win = new Window(kh, kw, sh, sw, dh, 1, same);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            assertTrue(PairConv.applies(kw, sw, 1, 1, c, 8, MK));
            Tensor x = VectorConvTest.random(r, n, h, w, c), k = VectorConvTest.random(r, kh, kw, c, 8);
            Tensor b = r.nextBoolean() ? VectorConvTest.random(r, 8) : null;
            Activation act = mobileNet ? new Relu6() : acts[r.nextInt(acts.length)];
            int[] shape = {n, win.outH(h), win.outW(w), 8};
            Tensor naive = Tensor.zeros(shape);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " " + win.describe()
                    + " " + (act == null ? "linear" : act.name());
            Tensor first = null;
            for (int chunking = 0; chunking < 3; chunking++) {
                Tensor fast = Tensor.zeros(shape);
                Arrays.fill(fast.data(), Float.NaN);
                float[] panels = chunking == 2 ? GemmConv.panels(k, g, MK) : null;
                GemmConv.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial * 3 + chunking), MK, panels);
                Approx.assertNormClose(what, naive, fast, VectorConvTest.RTOL);
                if (first == null) {
                    first = fast;
                } else {
                    assertTrue(first.contentEquals(fast), "another chunking or kept panels changed bits: " + what);
                }
            }
            // the vector tiles give the SPI default's bits through the whole driver too
            Tensor viaDefault = Tensor.zeros(shape);
            GemmConv.conv2d(x, k, b, viaDefault, g, act, new ShuffledContext(trial), DEFAULT_TILE, null);
            assertTrue(first.contentEquals(viaDefault), "the SPI default differs: " + what);
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2f - 1f;
        }
        return v;
    }
}
