package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
 * The Vector API kernel's {@link GemmMicroKernel#convRowTile} (3-tap-wide rows of a convolution
 * over one vector of input channels) against the SPI's chain computed with {@code Math.fma}, bit
 * for bit; conv2d on that path against the definition and across chunkings; the layer's kept
 * row weights against weights packed per call.
 */
class VectorConvRowsTest {
    private static final GemmMicroKernel MK = VectorBackend.BACKEND.gemm();
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    @Test
    void rowTilesNeedAvx512() {
        assertEquals(L >= 16 ? L : 0, MK.convRowChannels());
        assertEquals(L >= 16 ? 12 : 0, MK.convRowPixels(L));
    }

    @Test
    void convRowTileGivesTheSpiChainBitForBitAndWritesOnlyItsPixels() {
        assumeTrue(L >= 16, "row tiles run with AVX-512 only");
        assertEquals(L, MK.convRowChannels());
        assertEquals(12, MK.convRowPixels(L));
        assertEquals(8, MK.convRowPixels(2 * L));
        for (int nw : new int[] {1, L / 2, L - 1, L + 1, 3 * L, 4 * L}) {
            assertEquals(0, MK.convRowPixels(nw), "filters " + nw);
        }
        Random r = new Random(41);
        float[][] clamps = {{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f, Float.POSITIVE_INFINITY},
            {0f, 6f}, {-0.25f, 0.5f}};
        for (int trial = 0; trial < 200; trial++) {
            int nw = trial % 2 == 0 ? L : 2 * L, p = MK.convRowPixels(nw);
            int pixels = 1 + r.nextInt(p), kLen = r.nextInt(L + 1), ldy = nw + r.nextInt(3) * 8;
            boolean first = r.nextBoolean();
            float[] clamp = clamps[r.nextInt(clamps.length)];
            int aOff = r.nextInt(5), bOff = r.nextInt(5), yOff = r.nextInt(5), biasOff = r.nextInt(3);
            float[] a = random(r, aOff + (p + 2) * L + 3);
            float[] b = random(r, bOff + kLen * 3 * nw + 3);
            float[] bias = r.nextBoolean() ? random(r, biasOff + nw) : null;
            float[] y = random(r, yOff + p * ldy + 3);
            float[] expected = y.clone();
            for (int px = 0; px < pixels; px++) {
                for (int j = 0; j < nw; j++) {
                    int o = yOff + px * ldy + j;
                    float v = first ? 0f : y[o];
                    for (int k = 0; k < kLen; k++) {
                        for (int kx = 0; kx < 3; kx++) {
                            v = Math.fma(a[aOff + (px + kx) * L + k], b[bOff + (k * 3 + kx) * nw + j], v);
                        }
                    }
                    if (bias != null) {
                        v += bias[biasOff + j];
                    }
                    expected[o] = Math.min(Math.max(v, clamp[0]), clamp[1]);
                }
            }
            MK.convRowTile(a, aOff, kLen, b, bOff, y, yOff, ldy, nw, pixels, first, bias, biasOff, clamp[0], clamp[1]);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(y[i]), "trial " + trial + " nw "
                        + nw + " pixels " + pixels + " kLen " + kLen + " first " + first + ": element " + i);
            }
        }
        var ex = assertThrows(IllegalArgumentException.class, () -> MK.convRowTile(new float[4096], 0, 1,
                new float[4096], 0, new float[4096], 0, L, L, 13, true, null, 0, 0f, 1f));
        assertTrue(ex.getMessage().contains("1 to convRowPixels(nw, stride) pixels"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> MK.convRowTile(new float[4096], 0, 1,
                new float[4096], 0, new float[4096], 0, 3 * L, 3 * L, 1, true, null, 0, 0f, 1f));
        assertTrue(ex.getMessage().contains(3 * L + " filters"), ex.getMessage());
    }

    /**
     * {@code convRowTileSegmented}: up to four segments a stride apart in one call, bit for bit the
     * SPI's chain over (segment, k, tap), and the same bits as the SPI's default (one convRowTile
     * call per segment, the sums stored between them), which a 1.5 backend gets.
     */
    @Test
    void segmentedTilesGiveTheChainOverSegmentsAndTheDefaultsBits() {
        assumeTrue(L >= 16, "row tiles run with AVX-512 only");
        GemmMicroKernel only15 = new GemmMicroKernel() { // a backend written for SPI 1.5
            @Override
            public void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff,
                    int yCol, int nw, int rows, boolean first, float[] bias, int biasOff) {
                MK.tile(a, aOff, kLen, b, bOff, ldb, y, yOff, yCol, nw, rows, first, bias, biasOff);
            }

            @Override
            public int convRowChannels() {
                return MK.convRowChannels();
            }

            @Override
            public int convRowPixels(int filters) {
                return MK.convRowPixels(filters);
            }

            @Override
            public void convRowTile(float[] a, int aOff, int kLen, float[] b, int bOff, float[] y, int yOff, int ldy,
                    int nw, int pixels, boolean first, float[] bias, int biasOff, float lo, float hi) {
                MK.convRowTile(a, aOff, kLen, b, bOff, y, yOff, ldy, nw, pixels, first, bias, biasOff, lo, hi);
            }
        };
        Random r = new Random(47);
        assertEquals(8, MK.convRowPixels(2 * L, 2));
        assertEquals(12, MK.convRowPixels(L, 2));
        assertEquals(0, MK.convRowPixels(2 * L, 3));
        for (int trial = 0; trial < 300; trial++) {
            // every third trial at stride 2 across
            int stride = trial % 3 == 2 ? 2 : 1;
            int nw = trial % 2 == 0 ? L : 2 * L, p = MK.convRowPixels(nw, stride);
            int segments = 1 + r.nextInt(4), kLen = r.nextInt(L + 1), ldy = nw + r.nextInt(3) * 8;
            int segStride = (stride * (p - 1) + 3) * L + r.nextInt(40);
            int pixels = 1 + r.nextInt(p), aOff = r.nextInt(5), bOff = r.nextInt(5), yOff = r.nextInt(5);
            boolean first = r.nextBoolean();
            float lo = r.nextBoolean() ? 0f : Float.NEGATIVE_INFINITY, hi = r.nextBoolean() ? 6f : Float.POSITIVE_INFINITY;
            float[] a = random(r, aOff + segments * segStride + 3);
            float[] b = random(r, bOff + segments * kLen * 3 * nw + 3);
            float[] bias = r.nextBoolean() ? random(r, nw) : null;
            float[] y = random(r, yOff + p * ldy + 3), viaDefault = y.clone();
            float[] expected = y.clone();
            for (int px = 0; px < pixels; px++) {
                for (int j = 0; j < nw; j++) {
                    int o = yOff + px * ldy + j;
                    float v = first ? 0f : y[o];
                    for (int sg = 0; sg < segments; sg++) {
                        for (int k = 0; k < kLen; k++) {
                            for (int kx = 0; kx < 3; kx++) {
                                v = Math.fma(a[aOff + sg * segStride + (stride * px + kx) * L + k],
                                        b[bOff + ((sg * kLen + k) * 3 + kx) * nw + j], v);
                            }
                        }
                    }
                    if (bias != null) {
                        v += bias[j];
                    }
                    expected[o] = Math.min(Math.max(v, lo), hi);
                }
            }
            MK.convRowTileSegmented(a, aOff, segStride, segments, kLen, stride, b, bOff, y, yOff, ldy, nw, pixels,
                    first, bias, 0, lo, hi);
            String what = "trial " + trial + " nw " + nw + " stride " + stride + " segments " + segments + " kLen "
                    + kLen + " pixels " + pixels;
            if (stride == 1) {
                only15.convRowTileSegmented(a, aOff, segStride, segments, kLen, 1, b, bOff, viaDefault, yOff, ldy, nw,
                        pixels, first, bias, 0, lo, hi);
            } else { // the SPI's default has no strided variant
                final float[] av = a, bv = b;
                final int sa = segStride, sg = segments, kl = kLen, bo = bOff, yo = yOff, ld = ldy, w = nw, px = pixels;
                assertThrows(UnsupportedOperationException.class, () -> only15.convRowTileSegmented(av, 0, sa, sg, kl, 2,
                        bv, bo, new float[ld * 8 + yo + 3], yo, ld, w, px, true, null, 0, lo, hi));
                viaDefault = expected.clone();
            }
            for (int i = 0; i < y.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(y[i]), what + ": element " + i);
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(viaDefault[i]),
                        what + " (SPI default): element " + i);
            }
        }
        for (GemmMicroKernel k : new GemmMicroKernel[] {MK, only15}) {
            var ex = assertThrows(IllegalArgumentException.class, () -> k.convRowTileSegmented(new float[64], 0, 0, 0,
                    1, 1, new float[64], 0, new float[4096], 0, L, L, 1, true, null, 0, 0f, 1f));
            assertTrue(ex.getMessage().contains("0 segments"), ex.getMessage());
        }
    }

    /**
     * conv2d over one vector of input channels (two, and fewer than one), 3 taps wide at stride 1 across (any kernel height,
     * vertical stride and dilation, same and valid padding, rows narrower and wider than a tile):
     * on the row path, close to the definition, the same bits for every chunking.
     */
    @Test
    void conv2dOnRowsMatchesTheDefinitionForEveryChunking() {
        assumeTrue(L >= 16, "row tiles run with AVX-512 only");
        Random r = new Random(43);
        Activation[] acts = {null, new Relu(), new Relu6(), new Tanh(), new Softmax()};
        for (int trial = 0; trial < 90; trial++) {
            int f = trial % 2 == 0 ? 2 * L : L;
            int kh = 1 + r.nextInt(4), sh = 1 + r.nextInt(3), dh = 1 + r.nextInt(2);
            // two vectors of channels: chunked rows, at dilation 1 (dilated, the GEMM's); fewer
            // than a vector (an RGB input): spread to the vector's pixel stride
            int c = trial % 2 == 1 ? 2 * L : trial % 4 == 2 ? (trial % 8 == 2 ? 3 : 1 + r.nextInt(L - 1)) : L;
            if (c == 2 * L && trial % 5 != 0) {
                dh = 1;
            }
            boolean same = r.nextBoolean();
            int h = (kh - 1) * dh + 1 + r.nextInt(12), w = 3 + r.nextInt(trial % 4 == 0 ? 40 : 14);
            // half the trials at stride 2 across
            int sw = trial % 2 == 0 ? 2 : 1;
            if (sw == 2) {
                dh = 1; // Keras: dilation only with stride 1
            }
            Window win = new Window(kh, 3, sh, sw, dh, 1, same);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            assertEquals(c <= L || dh == 1, GemmConv.convRowsApply(3, sw, 1, dh, 1, c, f, MK));
            Tensor x = VectorConvTest.random(r, 1 + r.nextInt(3), h, w, c);
            Tensor k = VectorConvTest.random(r, kh, 3, c, f), b = r.nextBoolean() ? VectorConvTest.random(r, f) : null;
            Activation act = acts[r.nextInt(acts.length)];
            int[] shape = {x.dim(0), win.outH(h), win.outW(w), f};
            Tensor naive = Tensor.zeros(shape), fast = Tensor.zeros(shape), again = Tensor.zeros(shape);
            Arrays.fill(fast.data(), Float.NaN);
            Arrays.fill(again.data(), Float.NaN);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " " + win.describe()
                    + " " + (act == null ? "linear" : act.name());
            GemmConv.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial), MK);
            Approx.assertNormClose(what, naive, fast, VectorConvTest.RTOL);
            GemmConv.conv2d(x, k, b, again, g, act, new ShuffledContext(trial + 1000), MK);
            assertTrue(fast.contentEquals(again), "another chunking changed bits: " + what);
        }
        // other shapes stay on the GEMM: channels, width, stride or dilation across, groups, filters
        assertTrue(GemmConv.convRowsApply(3, 1, 1, 1, 1, 2 * L, L, MK), "two vectors of channels");
        assertTrue(GemmConv.convRowsApply(3, 1, 1, 2, 1, 3, L, MK), "3 channels, dilated too");
        assertTrue(!GemmConv.convRowsApply(3, 1, 1, 2, 1, 2 * L, L, MK), "two vectors of channels, dilated");
        assertTrue(!GemmConv.convRowsApply(3, 1, 1, 1, 1, 3 * L, L, MK), "three vectors of channels");
        assertTrue(!GemmConv.convRowsApply(3, 1, 1, 1, 1, L + 8, L, MK), "channels not a whole number of vectors");
        assertTrue(!GemmConv.convRowsApply(5, 1, 1, 1, 1, L, L, MK), "5 taps wide");
        assertTrue(GemmConv.convRowsApply(3, 2, 1, 1, 1, L, L, MK), "stride 2 across, one vector of filters");
        assertTrue(!GemmConv.convRowsApply(3, 2, 1, 1, 1, 3, 8, MK), "half a vector of filters (the GEMM's)");
        assertTrue(GemmConv.convRowsApply(3, 2, 1, 1, 1, L, 2 * L, MK), "stride 2 across, two vectors of filters");
        assertTrue(!GemmConv.convRowsApply(3, 3, 1, 1, 1, L, 2 * L, MK), "stride 3 across");
        assertTrue(!GemmConv.convRowsApply(3, 1, 2, 1, 1, L, L, MK), "dilated across");
        assertTrue(!GemmConv.convRowsApply(3, 1, 1, 1, 2, L, L, MK), "groups");
        assertTrue(!GemmConv.convRowsApply(3, 1, 1, 1, 1, L, 3 * L, MK), "three vectors of filters");
        assertTrue(!GemmConv.convRowsApply(3, 1, 1, 1, 1, L, L + 8, MK), "filters not a whole number of vectors");
        assertTrue(!GemmConv.convRowsApply(3, 1, 1, 1, 1, L, L, ScalarMicroKernel.INSTANCE), "the scalar kernel");
        var ex = assertThrows(UnsupportedOperationException.class, () -> ScalarMicroKernel.INSTANCE.convRowTile(
                new float[64], 0, 1, new float[64], 0, new float[64], 0, 1, 1, 1, true, null, 0, 0f, 1f));
        assertTrue(ex.getMessage().contains("has no convRowTile variant"), ex.getMessage());
    }

    /**
     * The row weights a conv2d layer keeps (GemmConv.panels with the kernel) give the bits of
     * weights laid out in every call; weights that do not fit are refused.
     */
    @Test
    void rowWeightsKeptGiveTheBitsOfWeightsPackedPerCall() {
        assumeTrue(L >= 16, "row tiles run with AVX-512 only");
        Random r = new Random(47);
        for (int trial = 0; trial < 12; trial++) {
            int f = trial % 2 == 0 ? L : 2 * L;
            int kh = 1 + r.nextInt(3), h = 3 + r.nextInt(9), w = 3 + r.nextInt(20);
            Window win = new Window(kh, 3, 1 + r.nextInt(2), 1 + r.nextInt(2), 1, 1, true);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor x = VectorConvTest.random(r, 1 + r.nextInt(2), h, w, L);
            Tensor k = VectorConvTest.random(r, kh, 3, L, f), b = VectorConvTest.random(r, f);
            float[] kept = GemmConv.panels(k, g, MK);
            assertNotNull(kept, "filters " + f);
            assertEquals(kh * 3 * L * f, kept.length);
            int[] shape = {x.dim(0), win.outH(h), win.outW(w), f};
            Tensor once = Tensor.zeros(shape), perCall = Tensor.zeros(shape);
            GemmConv.conv2d(x, k, b, once, g, new Relu(), new ShuffledContext(trial), MK, kept);
            GemmConv.conv2d(x, k, b, perCall, g, new Relu(), new ShuffledContext(trial + 1), MK, null);
            assertTrue(once.contentEquals(perCall), "trial " + trial + " k" + k.shapeString());
        }
        Tensor x = Tensor.zeros(1, 5, 5, L), k = Tensor.zeros(3, 3, L, L), y = Tensor.zeros(1, 5, 5, L);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 5, 5, 1);
        var ex = assertThrows(IllegalArgumentException.class,
                () -> GemmConv.conv2d(x, k, null, y, g, null, new ShuffledContext(0), MK, new float[10]));
        assertTrue(ex.getMessage().contains("in rows; pack them with GemmConv.panels"), ex.getMessage());
    }

    /**
     * A strided 'same' conv whose padded rows tile exactly (the MobileNet's 96x96 stride-2 first
     * conv: 48 pixels, none left to pack) and random padded shapes: the GEMM's rows read from the
     * item's padded copies give the bits of the same conv on an input padded beforehand, read as
     * 'valid' (the same chains), and stay close to the definition.
     */
    @Test
    void paddedRowsGiveTheBitsOfAnInputPaddedBeforehand() {
        Random r = new Random(53);
        for (int trial = 0; trial < 40; trial++) {
            boolean mobileNet = trial == 0;
            int c = mobileNet ? 3 : 1 + r.nextInt(5), f = mobileNet ? 8 : new int[] {8, 16, 24, 40}[r.nextInt(4)];
            int k = mobileNet ? 3 : 2 + r.nextInt(3), s = mobileNet ? 2 : 1 + r.nextInt(2);
            int h = mobileNet ? 96 : k + r.nextInt(30), w = mobileNet ? 96 : k + r.nextInt(60), n = 1 + r.nextInt(2);
            Window same = new Window(k, k, s, s, 1, 1, true);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(same, h, w, 1);
            int oh = same.outH(h), ow = same.outW(w);
            // the same input inside zeros: pt/pl before, the rest of the windows' reach after
            int hp = (oh - 1) * s + k, wp = (ow - 1) * s + k;
            Tensor x = VectorConvTest.random(r, n, h, w, c), xp = Tensor.zeros(n, hp, wp, c);
            for (int b = 0; b < n; b++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(x.data(), (b * h + y) * w * c, xp.data(),
                            ((b * hp + y + g.padTop()) * wp + g.padLeft()) * c, w * c);
                }
            }
            Tensor kernel = VectorConvTest.random(r, k, k, c, f), bias = VectorConvTest.random(r, f);
            Window valid = new Window(k, k, s, s, 1, 1, false);
            Tensor fast = Tensor.zeros(n, oh, ow, f), before = Tensor.zeros(n, oh, ow, f), naive = Tensor.zeros(n, oh,
                    ow, f);
            GemmConv.conv2d(x, kernel, bias, fast, g, new Relu6(), new ShuffledContext(trial), MK);
            GemmConv.conv2d(xp, kernel, bias, before, ConvKernels.Geometry.of(valid, hp, wp, 1), new Relu6(),
                    new ShuffledContext(trial + 1), MK);
            ConvKernels.conv2dNaive(x, kernel, bias, naive, g, new Relu6());
            String what = "trial " + trial + " x" + x.shapeString() + " k" + kernel.shapeString() + " "
                    + same.describe();
            assertTrue(fast.contentEquals(before), what);
            Approx.assertNormClose(what, naive, fast, VectorConvTest.RTOL);
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
