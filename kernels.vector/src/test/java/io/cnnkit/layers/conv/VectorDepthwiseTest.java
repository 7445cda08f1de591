package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.ShuffledContext;

/** The vector depthwise micro-kernel in layers.conv's driver against the naive depthwise. */
class VectorDepthwiseTest {
    private static final double RTOL = 1e-5;

    @Test
    void vectorDepthwiseMatchesNaiveAndIsDeterministicOnRandomShapes() {
        assertTrue(VectorBackend.available(), VectorBackend.reason());
        Random r = new Random(41);
        Activation[] acts = {null, new VectorConvTest.Relu()};
        for (int trial = 0; trial < 80; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
            // channel counts that take both steps: full vectors and the scalar channels past them
            int c = switch (r.nextInt(4)) {
                case 0 -> 1 + r.nextInt(7);
                case 1 -> 8 + r.nextInt(9);
                case 2 -> 16 + r.nextInt(40);
                default -> 64 * (1 + r.nextInt(3)) + r.nextInt(3);
            };
            int kh = 1 + r.nextInt(Math.min(3, h)), kw = 1 + r.nextInt(Math.min(3, w));
            int s = 1 + r.nextInt(2), d = s == 1 && r.nextBoolean() ? 2 : 1;
            boolean same = r.nextBoolean();
            if (!same) {
                while ((kh - 1) * d + 1 > h || (kw - 1) * d + 1 > w) {
                    if (d > 1) {
                        d--;
                    } else {
                        kh = Math.min(kh, h);
                        kw = Math.min(kw, w);
                    }
                }
            }
            Window win = new Window(kh, kw, s, s, d, d, same);
            Tensor x = VectorConvTest.random(r, n, h, w, c);
            Tensor k = VectorConvTest.random(r, kh, kw, c, 1);
            Tensor b = r.nextBoolean() ? VectorConvTest.random(r, c) : null;
            Activation act = acts[r.nextInt(acts.length)];
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor naive = Tensor.zeros(n, win.outH(h), win.outW(w), c);
            Tensor fast = Tensor.zeros(naive.shape());
            Tensor again = Tensor.zeros(naive.shape());
            java.util.Arrays.fill(fast.data(), Float.NaN);
            DepthwiseKernels.depthwiseNaive(x, k, b, naive, g, act);
            VectorBackend.depthwise(x, k, b, fast, g, act, new ShuffledContext(trial));
            VectorBackend.depthwise(x, k, b, again, g, act, new ShuffledContext(trial + 1000));
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " " + win.describe();
            Approx.assertNormClose(what, naive, fast, RTOL);
            assertTrue(fast.contentEquals(again), what + ": another chunking changed the result");
        }
    }

    /**
     * Stride-1 rows run as one micro-kernel call over a tiled kernel, and 3x3 rows over whole
     * vectors of channels (any stride) as one call of the row kernel with the weights in
     * registers and a relu or relu6 clamped in its store: bit for bit what a call per output
     * pixel gives (the driver's border pixels, padding, dilation, with and without bias, channel
     * counts either side of the vector widths), with a separate or a fused activation.
     */
    @Test
    void rowRunsAndRowCallsEqualOneCallPerPixelBitForBit() {
        assertTrue(VectorBackend.available(), VectorBackend.reason());
        Random r = new Random(44);
        int[] channels = {3, 8, 16, 24, 32, 40, 64, 130, 144};
        Activation[] acts = {null, new VectorConvTest.Relu(), new io.cnnkit.activations.relu.Relu(),
            new io.cnnkit.activations.relu6.Relu6()};
        for (int trial = 0; trial < 72; trial++) {
            int c = channels[trial % channels.length];
            int h = 3 + r.nextInt(10), w = 3 + r.nextInt(14), k = 1 + r.nextInt(3), d = 1 + r.nextInt(2);
            int s = trial % 3 == 0 ? 2 : 1;
            boolean same = trial % 2 == 0;
            if ((k - 1) * d + 1 > Math.min(h, w) || s > 1) {
                d = 1;
            }
            Window win = new Window(k, k, s, s, d, d, same);
            Tensor x = VectorConvTest.random(r, 1 + r.nextInt(2), h, w, c);
            Tensor kernel = VectorConvTest.random(r, k, k, c, 1);
            Tensor b = trial % 3 == 0 ? null : VectorConvTest.random(r, c);
            Activation act = acts[trial % 5 % acts.length];
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor fast = Tensor.zeros(x.dim(0), win.outH(h), win.outW(w), c);
            java.util.Arrays.fill(fast.data(), Float.NaN);
            VectorBackend.depthwise(x, kernel, b, fast, g, act, new ShuffledContext(trial));
            Tensor perPixel = perPixel(x, kernel, b, g, fast.dim(1), fast.dim(2), act);
            assertTrue(perPixel.contentEquals(fast), "trial " + trial + " x" + x.shapeString() + " " + win.describe()
                    + (b == null ? " no bias" : "") + (act == null ? "" : " " + act.name()));
        }
    }

    /**
     * Rows long enough for several of the row kernel's four-pixel steps and their tails: 3x3 at
     * stride 1 and 2, half a vector of channels (two pixels a vector), whole vectors and more,
     * bit for bit what a call per output pixel gives.
     */
    @Test
    void longRowsAtStrideOneAndTwoEqualOneCallPerPixelBitForBit() {
        assertTrue(VectorBackend.available(), VectorBackend.reason());
        Random r = new Random(45);
        int half = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() / 2;
        int[] channels = {half, 2 * half, 4 * half, 6 * half, 2 * half + 3};
        Activation[] acts = {null, new io.cnnkit.activations.relu.Relu(), new io.cnnkit.activations.relu6.Relu6()};
        for (int trial = 0; trial < 40; trial++) {
            int c = channels[trial % channels.length];
            int s = 1 + trial / 2 % 2;
            int h = 3 + r.nextInt(4), w = 8 + r.nextInt(33);
            Window win = new Window(3, 3, s, s, 1, 1, trial % 3 != 0);
            Tensor x = VectorConvTest.random(r, 1, h, w, c);
            Tensor kernel = VectorConvTest.random(r, 3, 3, c, 1);
            Tensor b = trial % 4 == 0 ? null : VectorConvTest.random(r, c);
            Activation act = acts[trial % acts.length];
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor fast = Tensor.zeros(1, win.outH(h), win.outW(w), c);
            java.util.Arrays.fill(fast.data(), Float.NaN);
            VectorBackend.depthwise(x, kernel, b, fast, g, act, new ShuffledContext(trial));
            Tensor perPixel = perPixel(x, kernel, b, g, fast.dim(1), fast.dim(2), act);
            assertTrue(perPixel.contentEquals(fast), "trial " + trial + " x" + x.shapeString() + " " + win.describe()
                    + (b == null ? " no bias" : "") + (act == null ? "" : " " + act.name()));
        }
    }

    /** The micro-kernel called once per output pixel with that pixel's taps inside the input. */
    private static Tensor perPixel(Tensor x, Tensor k, Tensor b, ConvKernels.Geometry g, int oh, int ow,
            Activation act) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3), kh = k.dim(0), kw = k.dim(1);
        Tensor y = Tensor.zeros(n, oh, ow, c);
        var dk = VectorBackend.BACKEND.depthwise();
        int[] xOff = new int[kh * kw], wOff = new int[kh * kw];
        for (int bi = 0; bi < n; bi++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int taps = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * g.sh() - g.padTop() + ky * g.dh(), ix = ox * g.sw() - g.padLeft() + kx * g.dw();
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                xOff[taps] = x.offset() + ((bi * h + iy) * w + ix) * c;
                                wOff[taps++] = k.offset() + (ky * kw + kx) * c;
                            }
                        }
                    }
                    int yb = ((bi * oh + oy) * ow + ox) * c;
                    dk.pixel(x.data(), xOff, k.data(), wOff, taps, b == null ? null : b.data(),
                            b == null ? 0 : b.offset(), y.data(), yb, c);
                    if (act != null) {
                        for (int i = 0; i < c; i++) {
                            y.data()[yb + i] = act.apply(y.data()[yb + i]);
                        }
                    }
                }
            }
        }
        return y;
    }

    @Test
    void depthMultiplierAboveOneKeepsTheScalarLoops() {
        Random r = new Random(42);
        Tensor x = VectorConvTest.random(r, 1, 6, 6, 5);
        Tensor k = VectorConvTest.random(r, 3, 3, 5, 2);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 6, 6, 1);
        Tensor naive = Tensor.zeros(1, 6, 6, 10);
        Tensor fast = Tensor.zeros(1, 6, 6, 10);
        DepthwiseKernels.depthwiseNaive(x, k, null, naive, g, null);
        VectorBackend.depthwise(x, k, null, fast, g, null, new ShuffledContext(3));
        assertTrue(naive.contentEquals(fast), "depth_multiplier 2 runs the exact scalar loops");
    }

    @Test
    void separableModelRunsOnTheVectorBackendThreadCountInvariant() {
        Random r = new Random(43);
        try (StandaloneEngine e = Engines.standalone()) {
            e.register(new VectorConvTest.Relu());
            e.register(new SeparableConv2dProvider(Kernels.SCALAR));
            Model m = e.build(e.parse("{\"name\":\"s\",\"input_shape\":[20,18,24],\"seed\":1,\"layers\":[{\"type\":"
                    + "\"separable_conv2d\",\"name\":\"sep\",\"filters\":40,\"kernel_size\":3,\"padding\":\"same\","
                    + "\"activation\":\"relu\"}]}"));
            Map<String, Tensor> w = Map.of("depthwise_kernel", VectorConvTest.random(r, 3, 3, 24, 1),
                    "pointwise_kernel", VectorConvTest.random(r, 1, 1, 24, 40), "bias", VectorConvTest.random(r, 40));
            m.setWeights("sep", w);
            Tensor x = VectorConvTest.random(r, 2, 20, 18, 24);
            Tensor scalar = m.predict(x);
            SeparableConv2dProvider vector = new SeparableConv2dProvider(VectorBackend.backend());
            assertEquals(VectorBackend.BACKEND.name(), vector.kernels().name());
            e.register(vector, VectorBackend.RANKING);
            Tensor y1 = m.predict(x, RunOptions.DEFAULT.withThreads(1));
            assertTrue(y1.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(2))), "1 vs 2 threads");
            assertTrue(y1.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(5))), "1 vs 5 threads");
            Approx.assertNormClose("vector vs scalar separable", scalar, y1, RTOL);
        }
    }
}
