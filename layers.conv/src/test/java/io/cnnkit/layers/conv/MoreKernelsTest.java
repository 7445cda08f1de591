package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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
import io.cnnkit.testkit.Approx;

/**
 * The kernels behind conv2d_transpose, up_sampling2d, cropping2d and separable_conv2d on random
 * shapes: tiled against naive (bit for bit) under shuffled chunkings, against independent
 * double-precision formulations, and the engine's 1 / 2 / 7 thread runs bit-identical.
 */
class MoreKernelsTest {
    private static ShuffledContext shuffled(long seed) {
        return new ShuffledContext(seed);
    }

    private static Tensor nanFilled(int... shape) {
        Tensor t = Tensor.zeros(shape);
        Arrays.fill(t.data(), Float.NaN);
        return t;
    }

    /**
     * Scatter form in double, as the transposed conv is usually drawn: every input pixel stamps
     * kernel[:, :, f, c] * x at (iy*sh, ix*sw) of the full output ((h-1)*sh + kh rows); then the
     * output window starts padTop/padLeft into it, rows past its end are zero; then the bias.
     */
    private static double[] scatterReference(Tensor x, Tensor k, Tensor bias, int oh, int ow, int sh, int sw, int pt,
            int pl) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = k.dim(0), kw = k.dim(1), f = k.dim(2);
        int fh = (h - 1) * sh + kh, fw = (w - 1) * sw + kw;
        double[] full = new double[n * fh * fw * f];
        for (int b = 0; b < n; b++) {
            for (int iy = 0; iy < h; iy++) {
                for (int ix = 0; ix < w; ix++) {
                    for (int ci = 0; ci < c; ci++) {
                        double xv = x.get(b, iy, ix, ci);
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                for (int fo = 0; fo < f; fo++) {
                                    full[((b * fh + iy * sh + ky) * fw + ix * sw + kx) * f + fo] += xv
                                            * k.get(ky, kx, fo, ci);
                                }
                            }
                        }
                    }
                }
            }
        }
        double[] y = new double[n * oh * ow * f];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int fo = 0; fo < f; fo++) {
                        int fy = oy + pt, fx = ox + pl;
                        double v = fy < fh && fx < fw ? full[((b * fh + fy) * fw + fx) * f + fo] : 0;
                        y[((b * oh + oy) * ow + ox) * f + fo] = v + (bias == null ? 0 : bias.get(fo));
                    }
                }
            }
        }
        return y;
    }

    private static Tensor toFloat(double[] d, int... shape) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.wrap(f, shape);
    }

    @Test
    void transposeTiledEqualsNaiveAndTheScatterForm() {
        Random r = new Random(21);
        Activation[] acts = {null, new Activations.Relu(), new Activations.Softmax()};
        for (int trial = 0; trial < 120; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(6), w = 1 + r.nextInt(6);
            int c = 1 + r.nextInt(trial % 5 == 0 ? 20 : 5), f = 1 + r.nextInt(trial % 7 == 0 ? 40 : 6);
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5), sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3);
            boolean same = r.nextBoolean();
            int opH = r.nextInt(3) == 0 ? -1 : r.nextInt(sh), opW = r.nextInt(3) == 0 ? -1 : r.nextInt(sw);
            if (same && opH == 0 && kh % 2 == 0) {
                opH = -1; // TensorFlow rejects this size; the layer refuses it
            }
            if (same && opW == 0 && kw % 2 == 0) {
                opW = -1;
            }
            int oh = (int) Conv2dTransposeProvider.Config.outLength(h, kh, sh, same, opH);
            int ow = (int) Conv2dTransposeProvider.Config.outLength(w, kw, sw, same, opW);
            int pt = Conv2dTransposeProvider.Config.padBefore(h, oh, kh, sh, same);
            int pl = Conv2dTransposeProvider.Config.padBefore(w, ow, kw, sw, same);
            Tensor x = TestModels.random(r, n, h, w, c);
            Tensor k = TestModels.random(r, kh, kw, f, c);
            Tensor b = r.nextBoolean() ? TestModels.random(r, f) : null;
            Activation act = acts[r.nextInt(acts.length)];
            String what = "trial " + trial + " x" + x.shapeString() + " k" + k.shapeString() + " s " + sh + "x" + sw
                    + (same ? " same" : " valid") + " op " + opH + "x" + opW;
            Tensor naive = Tensor.zeros(n, oh, ow, f);
            TransposeConvKernels.conv2dTransposeNaive(x, k, b, naive, sh, sw, pt, pl, act);
            Tensor fast = nanFilled(n, oh, ow, f);
            TransposeConvKernels.conv2dTranspose(x, k, b, fast, sh, sw, pt, pl, act, shuffled(trial));
            assertTrue(naive.contentEquals(fast), what + ": tiled differs from naive");
            if (act == null) {
                Tensor ref = toFloat(scatterReference(x, k, b, oh, ow, sh, sw, pt, pl), n, oh, ow, f);
                Approx.assertRelClose(what + " vs scatter form", ref, fast, 1e-5, 1e-5);
            }
        }
    }

    @Test
    void transposeKernelRefusesWrongShapes() {
        Tensor x = Tensor.zeros(1, 3, 3, 2);
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> TransposeConvKernels.conv2dTranspose(x, Tensor.zeros(3, 3, 2, 4), null, Tensor.zeros(1, 5, 5, 2),
                        1, 1, 0, 0, null, shuffled(0)));
        assertTrue(k.getMessage().contains("(kh, kw, filters, 2)"), k.getMessage());
        IllegalArgumentException y = assertThrows(IllegalArgumentException.class,
                () -> TransposeConvKernels.conv2dTranspose(x, Tensor.zeros(3, 3, 4, 2), null, Tensor.zeros(1, 5, 5, 3),
                        1, 1, 0, 0, null, shuffled(0)));
        assertTrue(y.getMessage().contains("(1, out_h, out_w, 4)"), y.getMessage());
        IllegalArgumentException alias = assertThrows(IllegalArgumentException.class,
                () -> TransposeConvKernels.conv2dTranspose(x, Tensor.zeros(1, 1, 2, 2), null, x, 1, 1, 0, 0, null,
                        shuffled(0)));
        assertTrue(alias.getMessage().contains("shares memory"), alias.getMessage());
    }

    /** Bilinear with half-pixel centres in double (PyTorch's align_corners=False formulation). */
    private static Tensor bilinearReference(Tensor x, int fh, int fw) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int oh = h * fh, ow = w * fw;
        Tensor y = Tensor.zeros(n, oh, ow, c);
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                double sy = Math.max((oy + 0.5) * h / oh - 0.5, 0);
                int y0 = (int) sy, y1 = Math.min(y0 + 1, h - 1);
                double ly = sy - y0;
                for (int ox = 0; ox < ow; ox++) {
                    double sx = Math.max((ox + 0.5) * w / ow - 0.5, 0);
                    int x0 = (int) sx, x1 = Math.min(x0 + 1, w - 1);
                    double lx = sx - x0;
                    for (int ci = 0; ci < c; ci++) {
                        double v = (1 - ly) * ((1 - lx) * x.get(b, y0, x0, ci) + lx * x.get(b, y0, x1, ci))
                                + ly * ((1 - lx) * x.get(b, y1, x0, ci) + lx * x.get(b, y1, x1, ci));
                        y.set((float) v, b, oy, ox, ci);
                    }
                }
            }
        }
        return y;
    }

    @Test
    void upSamplingAndCroppingOnRandomShapes() {
        Random r = new Random(22);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(7), w = 1 + r.nextInt(7), c = 1 + r.nextInt(9);
            int fh = 1 + r.nextInt(4), fw = 1 + r.nextInt(4);
            Tensor x = TestModels.random(r, n, h, w, c);
            String what = "trial " + trial + " x" + x.shapeString() + " size " + fh + "x" + fw;
            Tensor near = nanFilled(n, h * fh, w * fw, c);
            ResizeKernels.nearest(x, near, fh, fw, shuffled(trial));
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < h * fh; oy++) {
                    for (int ox = 0; ox < w * fw; ox++) {
                        for (int ci = 0; ci < c; ci++) {
                            assertEquals(x.get(b, oy / fh, ox / fw, ci), near.get(b, oy, ox, ci), what);
                        }
                    }
                }
            }
            Tensor bil = nanFilled(n, h * fh, w * fw, c);
            ResizeKernels.bilinear(x, bil, fh, fw, shuffled(trial + 100));
            Approx.assertRelClose("bilinear " + what, bilinearReference(x, fh, fw), bil, 1e-5, 1e-6);
            Tensor again = Tensor.zeros(n, h * fh, w * fw, c);
            ResizeKernels.bilinear(x, again, fh, fw, shuffled(trial + 200));
            assertTrue(bil.contentEquals(again), "bilinear under another chunking " + what);

            int t = r.nextInt(h), bo = r.nextInt(h - t), l = r.nextInt(w), ri = r.nextInt(w - l);
            Tensor crop = nanFilled(n, h - t - bo, w - l - ri, c);
            ResizeKernels.crop(x, crop, t, l, shuffled(trial + 300));
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < crop.dim(1); oy++) {
                    for (int ox = 0; ox < crop.dim(2); ox++) {
                        for (int ci = 0; ci < c; ci++) {
                            assertEquals(x.get(b, oy + t, ox + l, ci), crop.get(b, oy, ox, ci), "crop " + what);
                        }
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ResizeKernels.nearest(Tensor.zeros(1, 2, 2, 1),
                Tensor.zeros(1, 4, 5, 1), 2, 2, shuffled(0)));
        assertThrows(IllegalArgumentException.class, () -> ResizeKernels.crop(Tensor.zeros(1, 2, 2, 1),
                Tensor.zeros(1, 2, 2, 1), 1, 0, shuffled(0)));
    }

    @Test
    void oneTwoAndSevenThreadsAreBitIdentical() {
        Random r = new Random(23);
        try (StandaloneEngine e = TestModels.engine()) {
            List<Map<String, Object>> layers = List.of(
                    TestModels.layer("separable_conv2d", "name", "sep", "filters", 32, "kernel_size", 3,
                            "depth_multiplier", 2, "padding", "same", "activation", "relu"),
                    TestModels.layer("conv2d_transpose", "name", "tr", "filters", 16, "kernel_size", 3, "strides", 2,
                            "padding", "same", "activation", "tanh"),
                    TestModels.layer("up_sampling2d", "name", "up", "size", List.of(2, 3), "interpolation",
                            "bilinear"),
                    TestModels.layer("cropping2d", "name", "crop", "cropping", List.of(List.of(1, 2), List.of(3, 0))),
                    TestModels.layer("up_sampling2d", "name", "near", "size", 2));
            Model m = TestModels.build(e, List.of(24, 24, 16), layers);
            Tensor dk = TestModels.random(r, 3, 3, 16, 2);
            Tensor pk = TestModels.random(r, 1, 1, 32, 32);
            Tensor pb = TestModels.random(r, 32);
            Tensor tk = TestModels.random(r, 3, 3, 16, 32);
            Tensor tb = TestModels.random(r, 16);
            m.setWeights("sep", Map.of("depthwise_kernel", dk, "pointwise_kernel", pk, "bias", pb));
            m.setWeights("tr", Map.of("kernel", tk, "bias", tb));
            Tensor x = TestModels.random(r, 2, 24, 24, 16);
            Tensor y1 = m.predict(x, RunOptions.DEFAULT.withThreads(1));
            Tensor y2 = m.predict(x, RunOptions.DEFAULT.withThreads(2));
            Tensor y7 = m.predict(x, RunOptions.DEFAULT.withThreads(7));
            assertTrue(y1.contentEquals(y2), "1 vs 2 threads differ");
            assertTrue(y1.contentEquals(y7), "1 vs 7 threads differ");

            // the same chain from the naive kernels, one after another
            Tensor mid = Tensor.zeros(2, 24, 24, 32);
            ConvKernels.Geometry same3 = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 24, 24, 1);
            DepthwiseKernels.depthwiseNaive(x, dk, null, mid, same3, null);
            Tensor sep = Tensor.zeros(2, 24, 24, 32);
            ConvKernels.conv2dNaive(mid, pk, pb, sep, new ConvKernels.Geometry(1, 1, 1, 1, 0, 0, 1),
                    new Activations.Relu());
            Tensor tr = Tensor.zeros(2, 48, 48, 16);
            TransposeConvKernels.conv2dTransposeNaive(sep, tk, tb, tr, 2, 2, 0, 0, new Activations.Tanh());
            Tensor up = Tensor.zeros(2, 96, 144, 16);
            ResizeKernels.bilinear(tr, up, 2, 3, shuffled(1));
            Tensor crop = Tensor.zeros(2, 93, 141, 16);
            ResizeKernels.crop(up, crop, 1, 3, shuffled(2));
            Tensor near = Tensor.zeros(2, 186, 282, 16);
            ResizeKernels.nearest(crop, near, 2, 2, shuffled(3));
            assertTrue(near.contentEquals(y7), "engine run vs naive kernels");
        }
    }
}
