package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.testkit.ShuffledContext;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;

/**
 * The Vector API backend against the naive reference (within 1e-5 of the largest value: fused multiply-add rounds
 * differently) and against itself: bit-identical under any chunking and for 1 / 2 / 7 threads.
 * Surefire runs with --add-modules jdk.incubator.vector.
 */
class VectorConvTest {
    static final double RTOL = 1e-5;

    static final class Relu implements Activation {
        @Override
        public String name() {
            return "relu";
        }

        @Override
        public float apply(float x) {
            return x > 0 ? x : 0f;
        }
    }

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = r.nextFloat() * 2 - 1;
        }
        return t;
    }

    @Test
    void vectorApiIsAvailableUnderSurefire() {
        assertTrue(VectorBackend.available(), VectorBackend.reason());
        assertTrue(VectorBackend.BACKEND.name().startsWith("vector"));
        LayerProvider p = new Conv2dProvider(VectorBackend.backend());
        assertEquals("conv2d", p.type());
        assertEquals(List.of("Conv2D", "Convolution2D"), p.kerasClasses());
    }

    @Test
    void vectorKernelMatchesNaiveAndIsDeterministicOnRandomShapes() {
        Random r = new Random(21);
        Activation[] acts = {null, new Relu()};
        int wideCases = 0;
        for (int trial = 0; trial < 80; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
            int groups = r.nextInt(4) == 0 ? 2 : 1;
            int c = groups * (1 + r.nextInt(r.nextBoolean() ? 40 : 5));
            // filters per group: partial vectors, one full 4-vector tile, several 64-filter blocks
            int fg = 5 + r.nextInt(r.nextBoolean() ? 20 : 150);
            int f = groups * fg;
            boolean same = r.nextBoolean();
            int kh = 1 + r.nextInt(same ? 4 : Math.min(3, h)), kw = 1 + r.nextInt(same ? 4 : Math.min(3, w));
            int s = 1 + r.nextInt(2);
            Window win = new Window(kh, kw, s, s, 1, 1, same);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, groups);
            Tensor x = random(r, n, h, w, c);
            Tensor k = random(r, kh, kw, c / groups, f);
            Tensor b = r.nextBoolean() ? random(r, f) : null;
            Activation act = acts[r.nextInt(acts.length)];
            Tensor naive = Tensor.zeros(n, win.outH(h), win.outW(w), f);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            Tensor fast = Tensor.zeros(naive.shape());
            Arrays.fill(fast.data(), Float.NaN);
            VectorBackend.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial));
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " " + win.describe();
            Approx.assertNormClose(what, naive, fast, RTOL);
            Tensor again = Tensor.zeros(naive.shape());
            VectorBackend.conv2d(x, k, b, again, g, act, new ShuffledContext(trial + 1000));
            assertTrue(fast.contentEquals(again), "another chunking changed bits: " + what);
            if (fg >= 64) {
                wideCases++;
            }
        }
        assertTrue(wideCases > 10, "several filter blocks should be exercised, got " + wideCases);
    }

    @Test
    void vectorGemmCoversSegmentsKSlicesAndTails() {
        Random r = new Random(25);
        // 2x5x150 output pixels: 256-pixel items across rows and images, a 220-pixel last one;
        // K = 360: three K slices; 70 filters: a 4-vector tile, then 6 filters in scalar fused
        // multiply-adds (no masked vectors)
        Tensor x = random(r, 2, 5, 150, 40);
        Tensor k = random(r, 3, 3, 40, 70);
        Tensor b = random(r, 70);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 5, 150, 1);
        Tensor naive = Tensor.zeros(2, 5, 150, 70);
        ConvKernels.conv2dNaive(x, k, b, naive, g, new Relu());
        Tensor fast = Tensor.zeros(naive.shape());
        Arrays.fill(fast.data(), Float.NaN);
        VectorBackend.conv2d(x, k, b, fast, g, new Relu(), new ShuffledContext(1));
        Approx.assertNormClose("segments/slices/tails", naive, fast, RTOL);
        Tensor again = Tensor.zeros(naive.shape());
        VectorBackend.conv2d(x, k, b, again, g, new Relu(), new ShuffledContext(2));
        assertTrue(fast.contentEquals(again), "another chunking changed bits");
    }

    @Test
    void fewFilterConvsAreExactOnTheVectorBackend() {
        Random r = new Random(26);
        int vectorCases = 0;
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(12), w = 1 + r.nextInt(40);
            int c = 1 + r.nextInt(5), f = 1 + r.nextInt(4);
            boolean same = r.nextBoolean();
            int dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2), sh = 1 + r.nextInt(2), sw = r.nextInt(4) == 0 ? 2 : 1;
            int kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3);
            if (!same && ((kh - 1) * dh + 1 > h || (kw - 1) * dw + 1 > w)) {
                kh = 1;
                kw = 1;
            }
            Window win = new Window(kh, kw, sh, sw, dh, dw, same);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor x = random(r, n, h, w, c);
            Tensor k = random(r, kh, kw, c, f);
            Tensor b = r.nextBoolean() ? random(r, f) : null;
            Activation act = r.nextBoolean() ? new Relu() : null;
            Tensor naive = Tensor.zeros(n, win.outH(h), win.outW(w), f);
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            Tensor fast = Tensor.zeros(naive.shape());
            Arrays.fill(fast.data(), Float.NaN);
            VectorBackend.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial));
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " " + win.describe();
            // few filters take the exact scalar kernels (planar for horizontal stride 1), also here
            assertTrue(naive.contentEquals(fast), "few filters are computed exactly: " + what);
            if (PlanarFewFilterConv.applies(k, g)) {
                vectorCases++;
                Tensor again = Tensor.zeros(naive.shape());
                VectorBackend.conv2d(x, k, b, again, g, act, new ShuffledContext(trial + 1000));
                assertTrue(fast.contentEquals(again), "another chunking changed bits: " + what);
            }
        }
        assertTrue(vectorCases > 30, "the planar few-filter kernel should run often, got " + vectorCases);
    }

    private static String convModel(int c, int filters) {
        return "{\"name\":\"v\",\"input_shape\":[24,20," + c + "],\"seed\":3,\"layers\":[{\"type\":\"conv2d\","
                + "\"name\":\"conv\",\"filters\":" + filters + ",\"kernel_size\":3,\"padding\":\"same\","
                + "\"activation\":\"relu\"}]}";
    }

    /**
     * A small image's 1x1 layers (a MobileNet's 12x12, 6x6 and 3x3 pointwise layers; a ResNet's
     * strided shortcut on the scalar kernel) split into runs of a few pixels, down to one tile,
     * until there are {@link GemmConv#MIN_ITEMS} items, so that threads share pixels: any chunking and order gives the same bits as one call
     * over all items, on the vector and the scalar kernels (the scalar one those of the naive
     * kernel).
     */
    @Test
    void smallImagesSplitByPixelsGiveTheSameBitsForAnyChunking() {
        Random r = new Random(31);
        int[][] cases = { // batch, height, width, channels, filters, stride
            {1, 12, 12, 32, 64, 1}, {1, 6, 6, 64, 128, 1}, {1, 3, 3, 128, 256, 1}, {2, 5, 5, 16, 32, 1},
            {1, 16, 16, 16, 32, 2}, {1, 8, 8, 32, 64, 2}, {1, 7, 7, 8, 16, 1}};
        for (int[] c : cases) {
            Tensor x = random(r, c[0], c[1], c[2], c[3]);
            Tensor kernel = random(r, 1, 1, c[3], c[4]);
            Tensor bias = random(r, c[4]);
            int s = c[5], oh = (c[1] - 1) / s + 1, ow = (c[2] - 1) / s + 1;
            ConvKernels.Geometry g = new ConvKernels.Geometry(s, s, 1, 1, 0, 0, 1);
            String what = Arrays.toString(c);
            for (io.cnnkit.engine.kernel.GemmMicroKernel mk : List.of(VectorBackend.backend().gemm(),
                    Kernels.SCALAR.gemm())) {
                int[] items = {0};
                ExecutionContext whole = new ExecutionContext() {
                    @Override
                    public int parallelism() {
                        return 2;
                    }

                    @Override
                    public void parallelFor(int count, long costPerItem, RangeBody body) {
                        items[0] = Math.max(items[0], count);
                        body.run(0, count);
                    }
                };
                Tensor once = Tensor.zeros(c[0], oh, ow, c[4]);
                ConvKernels.conv2d(x, kernel, bias, once, g, new Relu(), whole, mk);
                // runs of at most 12 pixels (two 6-row or one 12-row tile) until there are MIN_ITEMS;
                // strided layers take the vector kernel's rows in place, items of output rows
                int pixels = c[0] * oh * ow;
                if (s == 1 || mk == Kernels.SCALAR.gemm()) {
                    assertTrue(items[0] >= Math.min(GemmConv.MIN_ITEMS, (pixels + 11) / 12),
                            what + " on " + mk + ": " + items[0] + " items");
                }
                for (long seed = 1; seed <= 3; seed++) {
                    Tensor shuffled = Tensor.zeros(once.shape());
                    ConvKernels.conv2d(x, kernel, bias, shuffled, g, new Relu(), new ShuffledContext(seed), mk);
                    assertTrue(once.contentEquals(shuffled), what + " on " + mk + ": chunks (seed " + seed
                            + ") changed bits");
                }
                Tensor naive = Tensor.zeros(once.shape());
                ConvKernels.conv2dNaive(x, kernel, bias, naive, g, new Relu());
                if (mk == Kernels.SCALAR.gemm()) {
                    // no fused multiply-adds: the products and sums of the definition, in its order
                    assertTrue(naive.contentEquals(once), what + ": scalar GEMM vs naive kernel");
                } else {
                    Approx.assertNormClose(what + " vs naive", naive, once, RTOL);
                }
            }
        }
    }

    @Test
    void engineRunsAreBitIdenticalForOneTwoAndSevenThreads() {
        Random r = new Random(23);
        try (StandaloneEngine e = Engines.standalone()) {
            e.register(new Relu());
            e.register(new Conv2dProvider(Kernels.SCALAR));
            e.register(new Conv2dProvider(VectorBackend.backend()), VectorBackend.RANKING);
            Model m = e.build(e.parse(convModel(48, 80)));
            Tensor kernel = random(r, 3, 3, 48, 80);
            Tensor bias = random(r, 80);
            m.setWeights("conv", Map.of("kernel", kernel, "bias", bias));
            Tensor x = random(r, 3, 24, 20, 48);
            Tensor y1 = m.predict(x, RunOptions.DEFAULT.withThreads(1));
            assertTrue(y1.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(2))), "1 vs 2 threads");
            assertTrue(y1.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(7))), "1 vs 7 threads");
            Tensor naive = Tensor.zeros(y1.shape());
            ConvKernels.conv2dNaive(x, kernel, bias, naive, new ConvKernels.Geometry(1, 1, 1, 1, 1, 1, 1),
                    new Relu());
            Approx.assertNormClose("engine run vs naive", naive, y1, RTOL);
            Tensor direct = Tensor.zeros(y1.shape());
            VectorBackend.conv2d(x, kernel, bias, direct,
                    new ConvKernels.Geometry(1, 1, 1, 1, 1, 1, 1), new Relu(), new ShuffledContext(5));
            assertTrue(direct.contentEquals(y1), "the model computes with the higher-ranked vector provider");
        }
    }

    @Test
    void onAPlainClassPathTheProvidersFindTheVectorBackendThroughServiceLoader() {
        assertEquals(VectorBackend.BACKEND.name(), new Conv2dProvider().kernels().name());
        assertEquals(VectorBackend.BACKEND.name(), new DepthwiseConv2dProvider().kernels().name());
        assertEquals(VectorBackend.BACKEND.name(), new SeparableConv2dProvider().kernels().name());
        assertEquals("scalar", new Conv2dProvider((io.cnnkit.engine.kernel.KernelBackend) null).kernels().name());
    }

    @Test
    void registeringAndRemovingTheVectorProviderSwapsRunningModels() {
        Random r = new Random(24);
        try (StandaloneEngine e = Engines.standalone()) {
            e.register(new Relu());
            e.register(new Conv2dProvider(Kernels.SCALAR));
            Model m = e.build(e.parse(convModel(16, 40)));
            Tensor kernel = random(r, 3, 3, 16, 40);
            m.setWeights("conv", Map.of("kernel", kernel, "bias", random(r, 40)));
            Tensor x = random(r, 2, 24, 20, 16);
            Tensor scalar = m.predict(x);
            LayerProvider vector = new Conv2dProvider(VectorBackend.backend());
            e.register(vector, VectorBackend.RANKING);
            Tensor fast = m.predict(x);
            Approx.assertNormClose("vector after hot swap", scalar, fast, RTOL);
            assertFalse(scalar.contentEquals(fast), "fused multiply-add should change some low bits, so the "
                    + "swap is visible");
            e.unregister(vector);
            assertTrue(scalar.contentEquals(m.predict(x)), "back on the scalar provider, weights carried over");
        }
    }
}
