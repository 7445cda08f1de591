package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;

/**
 * The walkthrough's convolution examples, worked out by hand: sharpening kernels on a small
 * grey image, RGB convolution summed over channels plus bias, zero padding keeping 5x5,
 * and every named image kernel applied channel by channel.
 */
class WalkthroughTest {
    /** A small "blob": brighter in the middle. */
    private static final float[][] BLOB = {
        {0, 0, 0, 0, 0},
        {0, 1, 2, 1, 0},
        {0, 2, 4, 2, 0},
        {0, 1, 2, 1, 0},
        {0, 0, 0, 0, 0}};

    /** Cross-correlation (what Keras calls convolution) of a grey image with a kernel, by definition. */
    private static float[][] correlate(float[][] img, float[][] k, boolean same) {
        int kh = k.length, kw = k[0].length;
        int top = same ? (kh - 1) / 2 : 0, left = same ? (kw - 1) / 2 : 0;
        int oh = same ? img.length : img.length - kh + 1, ow = same ? img[0].length : img[0].length - kw + 1;
        float[][] out = new float[oh][ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                float s = 0;
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        int iy = y - top + i, ix = x - left + j;
                        if (iy >= 0 && iy < img.length && ix >= 0 && ix < img[0].length) {
                            s += img[iy][ix] * k[i][j];
                        }
                    }
                }
                out[y][x] = s;
            }
        }
        return out;
    }

    private static float[][] rows(Tensor t, int channel) {
        float[][] out = new float[t.dim(1)][t.dim(2)];
        for (int y = 0; y < out.length; y++) {
            for (int x = 0; x < out[0].length; x++) {
                out[y][x] = t.get(0, y, x, channel);
            }
        }
        return out;
    }

    private static Tensor runNamedKernel(StandaloneEngine e, String kernel, int size, String padding, Tensor img) {
        Model m = TestModels.build(e, List.of(img.dim(1), img.dim(2), img.dim(3)), TestModels.layer("conv2d",
                "filters", img.dim(3), "kernel_size", size, "padding", padding, "kernel_initializer", kernel));
        return m.predict(img);
    }

    @Test
    void laplacianOnGreyImage() {
        try (StandaloneEngine e = TestModels.engine()) {
            Tensor y = runNamedKernel(e, "laplacian", 3, "valid", TestModels.grey(BLOB));
            assertArrayEquals(new int[] {1, 3, 3, 1}, y.shape());
            // centre: up 2 + down 2 + left 2 + right 2 - 4*4 = -8
            assertEquals(-8f, y.get(0, 1, 1, 0));
            // top-left window centred on (1,1): 0 + 2 + 0 + 2 - 4*1 = 0
            assertEquals(0f, y.get(0, 0, 0, 0));
            // top-middle window centred on (1,2): 0 + 4 + 1 + 1 - 4*2 = -2
            assertEquals(-2f, y.get(0, 0, 1, 0));
            assertArrayEquals(new float[][] {{0, -2, 0}, {-2, -8, -2}, {0, -2, 0}}, rows(y, 0));
            assertArrayEquals(correlate(BLOB, Initializers.kernel("laplacian"), false), rows(y, 0));
        }
    }

    @Test
    void sharpenOnGreyImage() {
        try (StandaloneEngine e = TestModels.engine()) {
            Tensor y = runNamedKernel(e, "sharpen", 3, "valid", TestModels.grey(BLOB));
            // centre: 5*4 - (2+2+2+2) = 12; corner window: 5*1 - (0+2+0+2) = 1; edge: 5*2 - (0+4+1+1) = 4
            assertArrayEquals(new float[][] {{1, 4, 1}, {4, 12, 4}, {1, 4, 1}}, rows(y, 0));
            assertArrayEquals(correlate(BLOB, Initializers.kernel("sharpen"), false), rows(y, 0));
        }
    }

    @Test
    void zeroPaddingSameKeeps5x5() {
        try (StandaloneEngine e = TestModels.engine()) {
            Tensor y = runNamedKernel(e, "sharpen", 3, "same", TestModels.grey(BLOB));
            assertArrayEquals(new int[] {1, 5, 5, 1}, y.shape());
            // a zero border cell next to the blob: 5*0 - (0 + 1 + 0 + 0) = -1 at (0,1)
            assertEquals(-1f, y.get(0, 0, 1, 0));
            assertEquals(0f, y.get(0, 0, 0, 0));
            // inner cells equal the valid result
            assertEquals(12f, y.get(0, 2, 2, 0));
            assertEquals(1f, y.get(0, 1, 1, 0));
            assertArrayEquals(correlate(BLOB, Initializers.kernel("sharpen"), true), rows(y, 0));
            // and at stride 2 the same padding gives ceil(5/2) = 3
            Model s2 = TestModels.build(e, List.of(5, 5, 1), TestModels.layer("conv2d", "filters", 1,
                    "kernel_size", 3, "strides", 2, "padding", "same"));
            assertEquals(Shape.of(3, 3, 1), s2.layers().get(0).outputShape());
        }
    }

    @Test
    void rgbConvolutionSumsChannelsPlusBias() {
        // 3x3 RGB input, one 2x2 kernel per input channel, one filter, bias 1, stride 1 -> 2x2
        float[][] r = {{1, 2, 0}, {0, 1, 3}, {2, 0, 1}};
        float[][] g = {{0, 1, 1}, {2, 0, 1}, {1, 1, 0}};
        float[][] b = {{1, 0, 2}, {1, 1, 0}, {0, 2, 1}};
        float[][][] k = {{{1, 0}, {0, -1}}, {{0, 1}, {1, 0}}, {{1, 1}, {0, 0}}}; // R, G, B kernels
        Tensor x = Tensor.zeros(1, 3, 3, 3);
        float[][][] planes = {r, g, b};
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 3; y++) {
                for (int xx = 0; xx < 3; xx++) {
                    x.set(planes[c][y][xx], 0, y, xx, c);
                }
            }
        }
        Tensor kernel = Tensor.zeros(2, 2, 3, 1); // Keras layout (kh, kw, in, out)
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 2; y++) {
                for (int xx = 0; xx < 2; xx++) {
                    kernel.set(k[c][y][xx], y, xx, c, 0);
                }
            }
        }
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(3, 3, 3), TestModels.layer("conv2d", "name", "rgb", "filters", 1,
                    "kernel_size", 2));
            m.setWeights("rgb", Map.of("kernel", kernel, "bias", Tensor.wrap(new float[] {1}, 1)));
            Tensor y = m.predict(x);
            assertArrayEquals(new int[] {1, 2, 2, 1}, y.shape());
            // (0,0): R 1*1 + 1*(-1) = 0; G 1*1 + 2*1 = 3; B 1*1 + 0*1 = 1; + bias 1 = 5
            assertEquals(5f, y.get(0, 0, 0, 0));
            // (0,1): R 2 - 3 = -1; G 1 + 0 = 1; B 0 + 2 = 2; + 1 = 3
            assertEquals(3f, y.get(0, 0, 1, 0));
            // (1,0): R 0 - 0 = 0; G 0 + 1 = 1; B 1 + 1 = 2; + 1 = 4
            assertEquals(4f, y.get(0, 1, 0, 0));
            // (1,1): R 1 - 1 = 0; G 1 + 1 = 2; B 1 + 0 = 1; + 1 = 4
            assertEquals(4f, y.get(0, 1, 1, 0));
            // the same as the sum of per-channel correlations plus bias
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 2; ox++) {
                    float s = 1;
                    for (int c = 0; c < 3; c++) {
                        s += correlate(planes[c], k[c], false)[oy][ox];
                    }
                    assertEquals(s, y.get(0, oy, ox, 0));
                }
            }
        }
    }

    @Test
    void greyThreeByThreeWithTwoByTwoKernel() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(3, 3, 1), TestModels.layer("conv2d", "name", "c", "filters", 1,
                    "kernel_size", 2, "use_bias", false));
            m.setWeights("c", Map.of("kernel", Tensor.wrap(new float[] {1, 0, 0, 1}, 2, 2, 1, 1)));
            Tensor y = m.predict(TestModels.grey(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}));
            // diagonal kernel: top-left + bottom-right of each 2x2 window
            assertArrayEquals(new float[][] {{1 + 5, 2 + 6}, {4 + 8, 5 + 9}}, rows(y, 0));
        }
    }

    @Test
    void everyNamedKernelFiltersEachChannel() {
        Random r = new Random(3);
        Tensor img = TestModels.random(r, 1, 7, 6, 3);
        float[][][] planes = new float[3][][];
        for (int c = 0; c < 3; c++) {
            planes[c] = rows(img, c);
        }
        try (StandaloneEngine e = TestModels.engine()) {
            for (String name : List.of("identity", "sharpen", "sharpen5", "laplacian", "sobel_x", "sobel_y", "box",
                    "gaussian")) {
                float[][] k = Initializers.kernel(name);
                assertTrue(k != null, name + " is not a named kernel");
                for (String padding : List.of("valid", "same")) {
                    Tensor y = runNamedKernel(e, name, k.length, padding, img);
                    for (int c = 0; c < 3; c++) {
                        float[][] want = correlate(planes[c], k, padding.equals("same"));
                        float[][] got = rows(y, c);
                        Tensor wt = Tensor.zeros(want.length, want[0].length);
                        Tensor gt = Tensor.zeros(got.length, got[0].length);
                        for (int yy = 0; yy < want.length; yy++) {
                            for (int xx = 0; xx < want[0].length; xx++) {
                                wt.set(want[yy][xx], yy, xx);
                                gt.set(got[yy][xx], yy, xx);
                            }
                        }
                        Approx.assertClose(name + " " + padding + " channel " + c, wt, gt, 1e-5);
                    }
                }
            }
            // identity leaves the picture unchanged
            Approx.assertClose("identity", img, runNamedKernel(e, "identity", 3, "same", img), 0);
        }
    }

    @Test
    void kernelSizeComparisonWithConstantWeights() {
        // walkthrough step 5: every weight 0.12, 3 filters of 3x3, 2x2 and 24x24 on a 32x32 RGB image
        Tensor img = Tensor.zeros(1, 32, 32, 3);
        java.util.Arrays.fill(img.data(), 1f);
        try (StandaloneEngine e = TestModels.engine()) {
            for (int size : new int[] {3, 2, 24}) {
                Model m = TestModels.build(e, List.of(32, 32, 3), TestModels.layer("conv2d", "filters", 3,
                        "kernel_size", size, "kernel_initializer", Map.of("class_name", "Constant", "config",
                                Map.of("value", 0.12))));
                Tensor y = m.predict(img);
                assertArrayEquals(new int[] {1, 33 - size, 33 - size, 3}, y.shape());
                // every output is 0.12 times the window's size*size*3 ones (plus a zero bias); 1728 float32
                // additions of 0.12f drift by about 1e-5 relative, as in float32 Keras
                double want = 0.12 * size * size * 3;
                assertEquals(want, y.get(0, 0, 0, 2), want * 2e-5);
                assertEquals(y.get(0, 0, 0, 0), y.get(0, 32 - size, 32 - size, 2));
                assertEquals(size * size * 3 * 3 + 3, m.summary().totalParams());
            }
        }
    }
}
