package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.testkit.ShuffledContext;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Activations;

/**
 * The scalar fast kernels (implicit GEMM, few-filter) against the naive ones (bit for bit: they sum in
 * the same fixed order)
 * on random shapes, under arbitrary chunkings, and the engine's 1 / 2 / 7 thread runs.
 */
class KernelEquivalenceTest {

    private static void assertBitIdentical(String what, Tensor expected, Tensor actual) {
        assertTrue(expected.contentEquals(actual), what + ": tiled kernel differs from the naive one");
    }

    /** A random window that gives a non-empty output for (h, w). */
    private static Window randomWindow(Random r, int h, int w) {
        boolean same = r.nextBoolean();
        int kh = 1 + r.nextInt(Math.min(4, h) + (same ? 2 : 0));
        int kw = 1 + r.nextInt(Math.min(4, w) + (same ? 2 : 0));
        int sh = 1, sw = 1, dh = 1, dw = 1;
        if (r.nextBoolean()) {
            sh = 1 + r.nextInt(3);
            sw = 1 + r.nextInt(3);
        } else {
            dh = 1 + r.nextInt(2);
            dw = 1 + r.nextInt(3);
        }
        return fitted(kh, kw, sh, sw, dh, dw, same, h, w);
    }

    /** The window, with a valid one's dilation (then size) shrunk until the dilated kernel fits h x w. */
    private static Window fitted(int kh, int kw, int sh, int sw, int dh, int dw, boolean same, int h, int w) {
        if (!same) {
            while ((kh - 1) * dh + 1 > h) {
                if (dh > 1) dh--; else kh--;
            }
            while ((kw - 1) * dw + 1 > w) {
                if (dw > 1) dw--; else kw--;
            }
        }
        return new Window(kh, kw, sh, sw, dh, dw, same);
    }

    @Test
    void conv2dFastKernelsEqualNaiveOnRandomShapes() {
        Random r = new Random(11);
        int fewFilterCases = 0, planarCases = 0;
        Activation[] acts = {null, new Activations.Relu(), new Activations.Tanh(),
            new Activations.Softmax()};
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
            int groups = 1 + r.nextInt(3);
            int c = groups * (1 + r.nextInt(4));
            // mostly few filters; sometimes one partial filter block, sometimes several (NB = 64)
            int pick = r.nextInt(8);
            int f = groups * (pick == 0 ? 30 + r.nextInt(20) : pick == 1 ? 60 + r.nextInt(80) : 1 + r.nextInt(5));
            Window win = randomWindow(r, h, w);
            int oh = win.outH(h), ow = win.outW(w);
            Tensor x = TestModels.random(r, n, h, w, c);
            Tensor k = TestModels.random(r, win.kh(), win.kw(), c / groups, f);
            Tensor b = r.nextBoolean() ? TestModels.random(r, f) : null;
            Activation act = acts[r.nextInt(acts.length)];
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, groups);
            Tensor naive = Tensor.zeros(n, oh, ow, f);
            Tensor fast = Tensor.zeros(n, oh, ow, f);
            // garbage in the output must be overwritten
            java.util.Arrays.fill(fast.data(), Float.NaN);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " groups " + groups
                    + " " + win.describe();
            ConvKernels.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial));
            assertBitIdentical(what, naive, fast);
            // each scalar kernel on its own, not only the one the dispatcher picks
            java.util.Arrays.fill(fast.data(), Float.NaN);
            GemmConv.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial + 100), ScalarMicroKernel.INSTANCE);
            assertBitIdentical("scalar gemm " + what, naive, fast);
            if (FewFilterConv.applies(k, g)) {
                fewFilterCases++;
                java.util.Arrays.fill(fast.data(), Float.NaN);
                FewFilterConv.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial + 200));
                assertBitIdentical("few-filter " + what, naive, fast);
            }
            if (PlanarFewFilterConv.applies(k, g)) {
                planarCases++;
                java.util.Arrays.fill(fast.data(), Float.NaN);
                PlanarFewFilterConv.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial + 300),
                        ScalarMicroKernel.INSTANCE);
                assertBitIdentical("planar few-filter " + what, naive, fast);
            }
        }
        assertTrue(fewFilterCases > 10, "the random shapes should exercise the few-filter kernel, got "
                + fewFilterCases);
        assertTrue(planarCases > 5, "the random shapes should exercise the planar kernel, got " + planarCases);
    }

    /**
     * The planar few-filter kernel on wide rows (vectorised loops and their tails), 1 to 4
     * filters, 1 to 5 channels (one channel: a plain copy), batches, vertical strides, dilation,
     * same and valid padding, bias or none: bit-identical to the naive kernel for any chunking.
     */
    /** A GEMM kernel with nothing but the SPI's defaults beyond its one required method. */
    static final io.cnnkit.engine.kernel.GemmMicroKernel DEFAULTS_ONLY = new io.cnnkit.engine.kernel.GemmMicroKernel() {
        @Override
        public void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff,
                int yCol, int nw, int rows, boolean first, float[] bias, int biasOff) {
            ScalarMicroKernel.INSTANCE.tile(a, aOff, kLen, b, bOff, ldb, y, yOff, yCol, nw, rows, first, bias, biasOff);
        }
    };

    @Test
    void planarFewFilterKernelEqualsNaive() {
        Random r = new Random(17);
        Activation[] acts = {null, new Activations.Relu(), new Activations.Softmax()};
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + r.nextInt(3), h = 1 + r.nextInt(14), w = 1 + r.nextInt(trial % 3 == 0 ? 200 : 40);
            int c = 1 + r.nextInt(5), f = 1 + r.nextInt(4);
            boolean same = r.nextBoolean();
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5);
            int sh = 1 + r.nextInt(3), dh = 1, dw = 1;
            if (sh == 1 && r.nextBoolean()) {
                dh = 1 + r.nextInt(3);
                dw = 1 + r.nextInt(3);
            }
            Window win = fitted(kh, kw, sh, 1, dh, dw, same, h, w);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor x = TestModels.random(r, n, h, w, c);
            Tensor k = TestModels.random(r, kh, kw, c, f);
            Tensor b = r.nextBoolean() ? TestModels.random(r, f) : null;
            Activation act = acts[r.nextInt(acts.length)];
            Tensor naive = Tensor.zeros(n, win.outH(h), win.outW(w), f);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " " + win.describe();
            assertTrue(PlanarFewFilterConv.applies(k, g), what);
            for (int chunking = 0; chunking < 2; chunking++) {
                Tensor fast = Tensor.zeros(naive.shape());
                java.util.Arrays.fill(fast.data(), Float.NaN);
                PlanarFewFilterConv.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial * 2 + chunking),
                        ScalarMicroKernel.INSTANCE);
                assertBitIdentical("planar " + what, naive, fast);
            }
            // the SPI's default planarTerms (a backend without its own) gives the same bits
            Tensor viaDefault = Tensor.zeros(naive.shape());
            java.util.Arrays.fill(viaDefault.data(), Float.NaN);
            PlanarFewFilterConv.conv2d(x, k, b, viaDefault, g, act, new ShuffledContext(trial), DEFAULTS_ONLY);
            assertBitIdentical("planar, SPI default " + what, naive, viaDefault);
        }
    }

    /**
     * A backend that offers pair tiles (8 filters, kernel rows of 3, 6, 9 or 12 values, lda +
     * segLen <= 16, as the Vector API one does at AVX-512) and computes them with the SPI's
     * default loop: conv2d takes {@link PairConv} for those shapes, whose rows, padding, skipped
     * kernel rows and partial tiles this drives without a vector backend.
     */
    static final io.cnnkit.engine.kernel.GemmMicroKernel PAIRS_BY_DEFAULT = new io.cnnkit.engine.kernel.GemmMicroKernel() {
        @Override
        public void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff,
                int yCol, int nw, int rows, boolean first, float[] bias, int biasOff) {
            ScalarMicroKernel.INSTANCE.tile(a, aOff, kLen, b, bOff, ldb, y, yOff, yCol, nw, rows, first, bias, biasOff);
        }

        @Override
        public int convPairPixels(int filters, int segLen, int lda) {
            return filters == 8 && segLen % 3 == 0 && segLen > 0 && lda >= 1 && lda + segLen <= 16 ? 16 : 0;
        }
    };

    /**
     * conv2d on pair tiles (through the SPI's default tile) against the definition: RGB, grey and
     * 2-channel inputs, strides, vertical dilation, same and valid padding, rows of fewer pixels
     * than a tile and of several tiles, every activation kind; the same bits for every chunking,
     * with the layer's kept panels and with panels packed per call.
     */
    @Test
    void pairTilesThroughTheSpiDefaultMatchTheDefinition() {
        Random r = new Random(19);
        Activation[] acts = {null, new Activations.Relu(), new Activations.Softmax()};
        int[][] channelsAndWidth = {{3, 3}, {1, 3}, {2, 3}, {3, 1}, {1, 9}, {6, 1}, {3, 4}};
        for (int trial = 0; trial < 60; trial++) {
            int[] cw = channelsAndWidth[trial % channelsAndWidth.length];
            int c = cw[0], kw = cw[1], kh = 1 + r.nextInt(4);
            int sw = 1 + r.nextInt(2);
            if ((sw + kw) * c > 16) {
                sw = 1;
            }
            int sh = 1 + r.nextInt(3), dh = sh == 1 ? 1 + r.nextInt(2) : 1;
            boolean same = r.nextBoolean();
            int n = 1 + r.nextInt(3), h = (kh - 1) * dh + 1 + r.nextInt(9), w = kw + r.nextInt(trial % 3 == 0 ? 70 : 20);
            Window win = new Window(kh, kw, sh, sw, dh, 1, same);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor x = TestModels.random(r, n, h, w, c), k = TestModels.random(r, kh, kw, c, 8);
            Tensor b = r.nextBoolean() ? TestModels.random(r, 8) : null;
            Activation act = acts[r.nextInt(acts.length)];
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " " + win.describe();
            assertTrue(PairConv.applies(kw, sw, 1, 1, c, 8, PAIRS_BY_DEFAULT), what);
            Tensor naive = Tensor.zeros(n, win.outH(h), win.outW(w), 8);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            Tensor first = null;
            for (int chunking = 0; chunking < 3; chunking++) {
                Tensor fast = Tensor.zeros(naive.shape());
                java.util.Arrays.fill(fast.data(), Float.NaN);
                float[] panels = chunking == 2 ? GemmConv.panels(k, g, PAIRS_BY_DEFAULT) : null;
                GemmConv.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial * 3 + chunking), PAIRS_BY_DEFAULT,
                        panels);
                io.cnnkit.testkit.Approx.assertNormClose(what, naive, fast, 1e-5);
                if (first == null) {
                    first = fast;
                } else {
                    assertTrue(first.contentEquals(fast), "another chunking or kept panels changed bits: " + what);
                }
            }
        }
        // shapes the pair tiles do not take stay on the other paths
        assertFalse(PairConv.applies(3, 1, 1, 1, 3, 16, PAIRS_BY_DEFAULT), "16 filters");
        assertFalse(PairConv.applies(3, 1, 2, 1, 3, 8, PAIRS_BY_DEFAULT), "dilated across");
        assertFalse(PairConv.applies(3, 1, 1, 2, 3, 8, PAIRS_BY_DEFAULT), "groups");
        assertFalse(PairConv.applies(5, 1, 1, 1, 3, 8, PAIRS_BY_DEFAULT), "rows of 15 values");
        assertFalse(PairConv.applies(3, 1, 1, 1, 3, 8, ScalarMicroKernel.INSTANCE), "a kernel without pair tiles");
        Tensor x = Tensor.zeros(1, 6, 6, 3), k = Tensor.zeros(3, 3, 3, 8), y = Tensor.zeros(1, 6, 6, 8);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 6, 6, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmConv.conv2d(x, k, null, y,
                g, null, new ShuffledContext(0), PAIRS_BY_DEFAULT, new float[10]));
        assertTrue(e.getMessage().contains("pack them with PairConv.panels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PairConv.conv2d(x, k, null, y, g, null,
                new ShuffledContext(0), ScalarMicroKernel.INSTANCE, null));
        assertTrue(e.getMessage().contains("has no pair tile"), e.getMessage());
    }

    @Test
    void planarKernelRefusesStridedColumnsAndGroups() {
        Tensor x = Tensor.zeros(1, 4, 4, 2);
        ConvKernels.Geometry strided = new ConvKernels.Geometry(1, 2, 1, 1, 0, 0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanarFewFilterConv.conv2d(x, Tensor.zeros(1, 1, 2, 3), null, Tensor.zeros(1, 4, 2, 3),
                        strided, null, new ShuffledContext(0), ScalarMicroKernel.INSTANCE));
        assertTrue(e.getMessage().contains("horizontal stride 1"), e.getMessage());
        assertFalse(PlanarFewFilterConv.applies(Tensor.zeros(1, 1, 1, 4), new ConvKernels.Geometry(1, 1, 1, 1, 0, 0,
                2)));
    }

    @Test
    void scalarGemmCoversSegmentsKSlicesAndTails() {
        Random r = new Random(16);
        // 2x5x150 output pixels: 256-pixel items that cross rows and images, a 220-pixel last one;
        // K = 3*3*40 = 360: three K slices; 70 filters: a 64-filter block and a 6-filter tail
        // (4x4 then 4x1 tiles); the strided window has few items, so filter blocks split too
        Tensor x = TestModels.random(r, 2, 5, 150, 40);
        Tensor k = TestModels.random(r, 3, 3, 40, 70);
        Tensor b = TestModels.random(r, 70);
        for (Window win : List.of(new Window(3, 3, 1, 1, 1, 1, true), new Window(3, 3, 2, 1, 1, 2, false))) {
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, 5, 150, 1);
            Tensor naive = Tensor.zeros(2, win.outH(5), win.outW(150), 70);
            Tensor fast = Tensor.zeros(naive.shape());
            java.util.Arrays.fill(fast.data(), Float.NaN);
            ConvKernels.conv2dNaive(x, k, b, naive, g, new Activations.Relu());
            GemmConv.conv2d(x, k, b, fast, g, new Activations.Relu(), new ShuffledContext(3),
                    ScalarMicroKernel.INSTANCE);
            assertBitIdentical("segments/slices/tails " + win.describe(), naive, fast);
        }
        // K = 4*4*300 = 4800: items shrink to 52 pixels (PACK_BUDGET): 240 pixels make 5 items
        Tensor bx = TestModels.random(r, 1, 4, 60, 300);
        Tensor bk = TestModels.random(r, 4, 4, 300, 8);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(4, 4, 1, 1, 1, 1, true), 4, 60, 1);
        Tensor naive = Tensor.zeros(1, 4, 60, 8);
        Tensor fast = Tensor.zeros(1, 4, 60, 8);
        ConvKernels.conv2dNaive(bx, bk, null, naive, g, null);
        GemmConv.conv2d(bx, bk, null, fast, g, null, new ShuffledContext(4), ScalarMicroKernel.INSTANCE);
        assertBitIdentical("huge K", naive, fast);
    }

    @Test
    void fewFilterKernelRefusesManyFilters() {
        Tensor x = Tensor.zeros(1, 4, 4, 2);
        ConvKernels.Geometry g = new ConvKernels.Geometry(1, 1, 1, 1, 0, 0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FewFilterConv.conv2d(x, Tensor.zeros(1, 1, 2, 5), null, Tensor.zeros(1, 4, 4, 5), g, null,
                        new ShuffledContext(0)));
        assertTrue(e.getMessage().contains("at most 4 filters per group"), e.getMessage());
    }

    @Test
    void depthwiseTiledEqualsNaiveOnRandomShapes() {
        Random r = new Random(12);
        Activation[] acts = {null, new Activations.Relu(), new Activations.Softmax()};
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
            int c = r.nextInt(6) == 0 ? 60 + r.nextInt(20) : 1 + r.nextInt(6);
            int m = r.nextInt(5) == 0 ? 20 + r.nextInt(30) : 1 + r.nextInt(3);
            Window win = randomWindow(r, h, w);
            int oh = win.outH(h), ow = win.outW(w);
            Tensor x = TestModels.random(r, n, h, w, c);
            Tensor k = TestModels.random(r, win.kh(), win.kw(), c, m);
            Tensor b = r.nextBoolean() ? TestModels.random(r, c * m) : null;
            Activation act = acts[r.nextInt(acts.length)];
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor naive = Tensor.zeros(n, oh, ow, c * m);
            Tensor fast = Tensor.zeros(n, oh, ow, c * m);
            java.util.Arrays.fill(fast.data(), Float.NaN);
            DepthwiseKernels.depthwiseNaive(x, k, b, naive, g, act);
            DepthwiseKernels.depthwise(x, k, b, fast, g, act, new ShuffledContext(trial), null);
            assertBitIdentical("trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " "
                    + win.describe(), naive, fast);
        }
    }

    @Test
    void paddingRowCopyEqualsNaive() {
        Random r = new Random(13);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(6), w = 1 + r.nextInt(6), c = 1 + r.nextInt(4);
            int t = r.nextInt(3), bo = r.nextInt(3), l = r.nextInt(3), ri = r.nextInt(3);
            Tensor x = TestModels.random(r, n, h, w, c);
            Tensor naive = Tensor.zeros(n, h + t + bo, w + l + ri, c);
            Tensor fast = Tensor.zeros(n, h + t + bo, w + l + ri, c);
            java.util.Arrays.fill(fast.data(), Float.NaN);
            PaddingKernels.padNaive(x, naive, t, l);
            PaddingKernels.pad(x, fast, t, l, new ShuffledContext(trial));
            assertBitIdentical("padding trial " + trial, naive, fast);
        }
    }

    @Test
    void kernelsWorkOnViewsWithOffsets() {
        Random r = new Random(14);
        // inputs and outputs that start inside larger arrays (Tensor.sample views)
        Tensor xs = TestModels.random(r, 3, 6, 5, 4);
        Tensor x = xs.sample(1);
        Tensor k = TestModels.random(r, 3, 3, 4, 5);
        Tensor ys = Tensor.zeros(2, 6, 5, 5);
        Tensor y = ys.sample(1);
        Tensor naive = Tensor.zeros(1, 6, 5, 5);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 6, 5, 1);
        ConvKernels.conv2dNaive(x.copy(), k, null, naive, g, null);
        ConvKernels.conv2d(x, k, null, y, g, null, new ShuffledContext(1));
        assertBitIdentical("views", naive, y.copy());
        for (int i = 0; i < ys.size() / 2; i++) {
            assertEquals(0f, ys.data()[i], "the kernel wrote outside its output view");
        }
    }

    @Test
    void kernelsRefuseAliasingAndWrongShapes() {
        Tensor x = Tensor.zeros(1, 5, 5, 3);
        Tensor k = Tensor.zeros(3, 3, 3, 3);
        ConvKernels.Geometry g = new ConvKernels.Geometry(1, 1, 1, 1, 1, 1, 1);
        IllegalArgumentException alias = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.conv2d(x, k, null, x, g, null, new ShuffledContext(0)));
        assertTrue(alias.getMessage().contains("shares memory") && alias.getMessage().contains("separate output"),
                alias.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.conv2d(x, k, null, Tensor.zeros(1, 5, 5, 4), g, null, new ShuffledContext(0)));
        assertTrue(shape.getMessage().contains("(1, out_h, out_w, 3)"), shape.getMessage());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.conv2d(x, k, null, Tensor.zeros(1, 9, 5, 3), g, null, new ShuffledContext(0)));
        assertTrue(tooBig.getMessage().contains("outside the input"), tooBig.getMessage());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.conv2d(x, Tensor.zeros(3, 3, 2, 3), null, Tensor.zeros(1, 5, 5, 3), g, null,
                        new ShuffledContext(0)));
        assertTrue(channels.getMessage().contains("expects 2 input channels"), channels.getMessage());
        IllegalArgumentException bias = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.conv2d(x, k, Tensor.zeros(4), Tensor.zeros(1, 5, 5, 3), g, null,
                        new ShuffledContext(0)));
        assertTrue(bias.getMessage().contains("must have shape (3,)"), bias.getMessage());
        IllegalArgumentException dw = assertThrows(IllegalArgumentException.class,
                () -> DepthwiseKernels.depthwise(x, Tensor.zeros(3, 3, 2, 1), null, Tensor.zeros(1, 5, 5, 2), g,
                        null, new ShuffledContext(0), null));
        assertTrue(dw.getMessage().contains("(kh, kw, 3, depth_multiplier)"), dw.getMessage());
        Tensor big = Tensor.zeros(2, 5, 5, 3);
        IllegalArgumentException padAlias = assertThrows(IllegalArgumentException.class,
                () -> PaddingKernels.pad(big.sample(0), big.reshape(1, 10, 5, 3), 0, 0, new ShuffledContext(0)));
        assertTrue(padAlias.getMessage().contains("shares memory"), padAlias.getMessage());
    }

    @Test
    void oneTwoAndSevenThreadsAreBitIdentical() {
        Random r = new Random(15);
        try (StandaloneEngine e = TestModels.engine()) {
            // Big enough that the scheduler really splits it: 48 rows of ~110k flops each.
            Model m = TestModels.build(e, List.of(48, 48, 8), TestModels.layer("conv2d", "name", "conv",
                    "filters", 16, "kernel_size", 3, "padding", "same", "activation", "relu"));
            Tensor kernel = TestModels.random(r, 3, 3, 8, 16);
            Tensor bias = TestModels.random(r, 16);
            m.setWeights("conv", Map.of("kernel", kernel, "bias", bias));
            Tensor x = TestModels.random(r, 2, 48, 48, 8);
            Tensor y1 = m.predict(x, RunOptions.DEFAULT.withThreads(1));
            Tensor y2 = m.predict(x, RunOptions.DEFAULT.withThreads(2));
            Tensor y7 = m.predict(x, RunOptions.DEFAULT.withThreads(7));
            assertTrue(y1.contentEquals(y2), "1 vs 2 threads differ");
            assertTrue(y1.contentEquals(y7), "1 vs 7 threads differ");
            Tensor naive = Tensor.zeros(2, 48, 48, 16);
            ConvKernels.conv2dNaive(x, kernel, bias, naive, new ConvKernels.Geometry(1, 1, 1, 1, 1, 1, 1),
                    new Activations.Relu());
            assertBitIdentical("engine run vs naive kernel", naive, y7);
            assertNotEquals(0f, y7.get(1, 20, 20, 3) + y7.get(1, 20, 21, 3) + y7.get(0, 5, 5, 0),
                    "the output should not be all zeros");

            Model dw = TestModels.build(e, List.of(40, 40, 32), TestModels.layer("depthwise_conv2d", "name", "dw",
                    "kernel_size", 3, "depth_multiplier", 2, "padding", "same"));
            Tensor dk = TestModels.random(r, 3, 3, 32, 2);
            dw.setWeights("dw", Map.of("depthwise_kernel", dk, "bias", TestModels.random(r, 64)));
            Tensor dx = TestModels.random(r, 2, 40, 40, 32);
            Tensor d1 = dw.predict(dx, RunOptions.DEFAULT.withThreads(1));
            assertTrue(d1.contentEquals(dw.predict(dx, RunOptions.DEFAULT.withThreads(2))), "depthwise 1 vs 2");
            assertTrue(d1.contentEquals(dw.predict(dx, RunOptions.DEFAULT.withThreads(7))), "depthwise 1 vs 7");
        }
    }
}
