package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.activations.relu.Relu;
import io.cnnkit.activations.relu6.Relu6;
import io.cnnkit.activations.softmax.Softmax;
import io.cnnkit.activations.tanh.Tanh;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.GemmMicroKernel;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.ShuffledContext;

/**
 * Winograd F(2x2, 3x3) on the Vector API backend: its transforms give the SPI defaults' bits and
 * write nothing else; the convolution agrees with the definition (within 1e-5 of its largest sum,
 * as the other vector paths) on edges, odd sizes, padding, filter panels and tails, every kind of activation
 * and a fused residual sum, with the same bits for any chunking of the work.
 */
class VectorWinogradTest {
    static final GemmMicroKernel VECTOR = VectorBackend.backend().gemm();

    /** The SPI's defaults: a kernel that overrides nothing but the required tile. */
    static final GemmMicroKernel DEFAULTS = new GemmMicroKernel() {
        @Override
        public void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff,
                int yCol, int nw, int rows, boolean first, float[] bias, int biasOff) {
            throw new UnsupportedOperationException("not used here");
        }
    };

    /** Values in [-1, 1), a few of them -0 and +0 (signed zeros must come out as the definition has them). */
    static float[] values(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(20);
            a[i] = pick == 0 ? -0f : pick == 1 ? 0f : r.nextFloat() * 2 - 1;
        }
        return a;
    }

    @Test
    void theVectorBackendOffersWinograd() {
        assertTrue(VectorBackend.available(), VectorBackend.reason());
        assertTrue(VECTOR.winograd());
        assertFalse(DEFAULTS.winograd(), "the SPI's default keeps 1.7 backends on their direct tiles");
        assertFalse(Kernels.SCALAR.gemm().winograd(), "the scalar kernel is exact and stays so");
    }

    @Test
    void inputTransformGivesTheDefaultsBitsAndWritesOnlyItsValues() {
        Random r = new Random(41);
        for (int c : new int[] {1, 5, 16, 17, 32, 40, 67}) {
            for (int tiles : new int[] {1, 2, 5}) {
                int lda = (2 * tiles + 2) * c + r.nextInt(3);
                int vStride = tiles * c + r.nextInt(5);
                int vOff = r.nextInt(4);
                float[] a = values(r, 4 * lda);
                float[] expected = new float[vOff + 16 * vStride + 3];
                Arrays.fill(expected, Float.NaN);
                float[] actual = expected.clone();
                DEFAULTS.winogradInput(a, 0, lda, c, tiles, expected, vOff, vStride);
                VECTOR.winogradInput(a, 0, lda, c, tiles, actual, vOff, vStride);
                String what = c + " channels, " + tiles + " tiles";
                assertArrayEquals(expected, actual, what);
                int written = 0;
                for (float v : expected) {
                    written += Float.isNaN(v) ? 0 : 1;
                }
                assertEquals(16 * tiles * c, written, what + ": V(i, j) of every tile and channel, nothing else");
            }
        }
    }

    @Test
    void outputTransformGivesTheDefaultsBitsWithBiasAndClampsAndWritesOnlyTheImage() {
        Random r = new Random(43);
        float inf = Float.POSITIVE_INFINITY;
        float[][] clamps = {{-inf, inf}, {0f, inf}, {0f, 6f}, {-0.5f, 0.25f}};
        for (int f : new int[] {1, 7, 16, 33, 64, 100}) {
            for (int tiles : new int[] {1, 3}) {
                for (int rows = 1; rows <= 2; rows++) {
                    for (int cols = 2 * tiles - 1; cols <= 2 * tiles; cols++) {
                        for (float[] clamp : clamps) {
                            boolean withBias = r.nextBoolean();
                            int mStride = tiles * f + r.nextInt(3);
                            float[] m = values(r, 16 * mStride);
                            float[] bias = withBias ? values(r, f + 2) : null;
                            int ldy = 2 * tiles * f + 1 + r.nextInt(3);
                            float[] expected = new float[2 * ldy];
                            Arrays.fill(expected, Float.NaN);
                            float[] actual = expected.clone();
                            DEFAULTS.winogradOutput(m, 0, mStride, f, tiles, bias, 1, expected, 0, ldy, rows, cols,
                                    clamp[0], clamp[1]);
                            VECTOR.winogradOutput(m, 0, mStride, f, tiles, bias, 1, actual, 0, ldy, rows, cols,
                                    clamp[0], clamp[1]);
                            String what = f + " filters, " + tiles + " tiles, " + rows + " rows, " + cols
                                    + " columns, clamp " + Arrays.toString(clamp) + (withBias ? ", bias" : "");
                            assertArrayEquals(expected, actual, what);
                            int written = 0;
                            for (float v : expected) {
                                written += Float.isNaN(v) ? 0 : 1;
                            }
                            assertEquals(rows * cols * f, written, what + ": the image's pixels only");
                        }
                    }
                }
            }
        }
    }

    @Test
    void convolutionMatchesTheDefinitionForAnyChunking() {
        Random r = new Random(47);
        // clamps fused into the output transform's store, an element-wise function applied to each
        // item's outputs, and one over whole rows after the kernel
        Activation[] acts = {null, new Relu(), new Relu6(), new Tanh(), new Softmax()};
        // batch, height, width, channels, filters, same: odd and tiny images, valid padding, one
        // filter panel and several (with a partial one), channels not a whole number of vectors
        int[][] cases = {{1, 9, 7, 32, 32, 1}, {2, 6, 6, 40, 64, 1}, {1, 1, 1, 32, 33, 1}, {1, 2, 5, 48, 48, 0},
            {3, 5, 3, 35, 130, 1}, {1, 17, 12, 64, 64, 0}, {1, 4, 30, 33, 70, 1}, {2, 13, 13, 64, 96, 1}};
        int trial = 0;
        for (int[] t : cases) {
            for (Activation act : acts) {
                trial++;
                int n = t[0], h = t[1], w = t[2], c = t[3], f = t[4];
                Window win = new Window(3, 3, 1, 1, 1, 1, t[5] == 1);
                if (win.outH(h) < 1 || win.outW(w) < 1) {
                    continue;
                }
                ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
                Tensor x = VectorConvTest.random(r, n, h, w, c);
                Tensor k = VectorConvTest.random(r, 3, 3, c, f);
                Tensor b = trial % 3 == 0 ? null : VectorConvTest.random(r, f);
                assertTrue(WinogradConv.applies(k, g, VECTOR), "Winograd takes " + Arrays.toString(t));
                Tensor naive = Tensor.zeros(n, win.outH(h), win.outW(w), f);
                ConvKernels.conv2dNaive(x, k, b, naive, g, act);
                Tensor fast = Tensor.zeros(naive.shape());
                Arrays.fill(fast.data(), Float.NaN);
                VectorBackend.conv2d(x, k, b, fast, g, act, new ShuffledContext(trial));
                String what = Arrays.toString(t) + " " + (act == null ? "linear" : act.name()) + (b == null ? "" : " bias");
                // tanh and softmax flatten large sums: the tolerance is on the sums' scale
                Tensor linear = Tensor.zeros(naive.shape());
                ConvKernels.conv2dNaive(x, k, b, linear, g, null);
                double scale = 0;
                for (float v : linear.data()) {
                    scale = Math.max(scale, Math.abs(v));
                }
                Approx.assertRelClose(what, naive, fast, 0, VectorConvTest.RTOL * scale);
                Tensor inOneItem = Tensor.zeros(naive.shape());
                ConvKernels.conv2d(x, k, b, inOneItem, g, act, inline(), VECTOR, ConvKernels.panels(k, g, VECTOR));
                assertTrue(fast.contentEquals(inOneItem), what + ": the kept transform and one chunk changed bits");
            }
        }
    }

    @Test
    void aFusedResidualSumGivesTheBitsOfTheConvolutionThenTheSum() {
        Random r = new Random(53);
        Tensor x = VectorConvTest.random(r, 2, 11, 9, 48);
        Tensor k = VectorConvTest.random(r, 3, 3, 48, 80);
        Tensor b = VectorConvTest.random(r, 80);
        Tensor residual = VectorConvTest.random(r, 2, 11, 9, 80);
        ConvKernels.Geometry g = new ConvKernels.Geometry(1, 1, 1, 1, 1, 1, 1);
        Relu relu = new Relu();
        Tensor fused = Tensor.zeros(2, 11, 9, 80);
        VectorBackend.conv2d(x, k, b, fused, g, new ResidualEpilogue(residual, fused, relu), new ShuffledContext(3));
        Tensor apart = Tensor.zeros(2, 11, 9, 80);
        VectorBackend.conv2d(x, k, b, apart, g, null, new ShuffledContext(4));
        for (int i = 0; i < apart.size(); i++) {
            apart.data()[i] = relu.apply(apart.data()[i] + residual.data()[i]);
        }
        assertTrue(apart.contentEquals(fused), "conv, then + residual, then relu, in each item's outputs");
    }

    @Test
    void wrongTransformsAndShapesAreRefusedWithWhatToDo() {
        Random r = new Random(59);
        Tensor x = VectorConvTest.random(r, 1, 6, 6, 32);
        Tensor k = VectorConvTest.random(r, 3, 3, 32, 32);
        Tensor y = Tensor.zeros(1, 6, 6, 32);
        ConvKernels.Geometry same = new ConvKernels.Geometry(1, 1, 1, 1, 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WinogradConv.conv2d(x, k, null, y, same, null, inline(), VECTOR, new float[7]));
        assertTrue(e.getMessage().contains("WinogradConv.transform"), e.getMessage());
        ConvKernels.Geometry strided = new ConvKernels.Geometry(2, 2, 1, 1, 1, 1, 1);
        assertFalse(WinogradConv.applies(k, strided, VECTOR), "stride 2 takes the direct paths");
        e = assertThrows(IllegalArgumentException.class, () -> WinogradConv.conv2d(x, k, null,
                Tensor.zeros(1, 3, 3, 32), strided, null, inline(), VECTOR, null));
        assertTrue(e.getMessage().contains("ConvKernels.conv2d"), e.getMessage());
        assertFalse(WinogradConv.applies(VectorConvTest.random(r, 3, 3, 16, 32), same, VECTOR),
                "fewer than " + WinogradConv.MIN_CHANNELS + " channels take the direct paths");
        assertFalse(WinogradConv.applies(k, same, Kernels.SCALAR.gemm()), "the scalar kernel stays exact");
    }

    /** One chunk on the caller's thread. */
    static ExecutionContext inline() {
        return new ExecutionContext() {
            @Override
            public int parallelism() {
                return 1;
            }

            @Override
            public void parallelFor(int count, long costPerItem, RangeBody body) {
                body.run(0, count);
            }
        };
    }
}
