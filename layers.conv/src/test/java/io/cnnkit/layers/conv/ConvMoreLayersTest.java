package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.testkit.ShuffledContext;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Activations;

/**
 * separable_conv2d, conv2d_transpose, up_sampling2d and cropping2d: shapes, parameter counts as
 * Keras's model.summary() prints them, weights, parameter errors, Keras 1/2/3 configs, and
 * writesEveryOutput (the same result into a NaN-filled buffer).
 */
class ConvMoreLayersTest {
    private static Map<String, Object> layer(String type, Object... kv) {
        return TestModels.layer(type, kv);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static ModelException buildFails(List<Integer> input, Map<String, Object> layer) {
        try (StandaloneEngine e = TestModels.engine()) {
            return assertThrows(ModelException.class, () -> TestModels.build(e, input, layer));
        }
    }

    private static void assertMessage(Exception ex, String... parts) {
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), "message lacks '" + p + "': " + ex.getMessage());
        }
    }

    // ---------------------------------------------------------------- parameter counts, shapes, weights

    @Test
    void parameterCountsAndShapesMatchKeras() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(32, 32, 3), List.of(
                    layer("separable_conv2d", "name", "sep", "filters", 8, "kernel_size", 3, "depth_multiplier", 2,
                            "padding", "same"),
                    layer("separable_conv2d", "name", "sep_nobias", "filters", 4, "kernel_size", List.of(3, 2),
                            "strides", 2, "use_bias", false),
                    layer("conv2d_transpose", "name", "up", "filters", 5, "kernel_size", 3, "strides", 2, "padding",
                            "same"),
                    layer("conv2d_transpose", "name", "up_valid", "filters", 2, "kernel_size", List.of(2, 3),
                            "strides", List.of(3, 1), "use_bias", false),
                    layer("cropping2d", "name", "crop", "cropping", List.of(List.of(1, 2), List.of(3, 4))),
                    layer("up_sampling2d", "name", "ups", "size", List.of(2, 3), "interpolation", "bilinear"),
                    layer("conv2d_transpose", "name", "up_pad", "filters", 3, "kernel_size", 3, "strides", 3,
                            "padding", "same", "output_padding", List.of(1, 2)),
                    layer("cropping2d", "name", "crop_all", "cropping", 2),
                    layer("up_sampling2d", "name", "ups_default")));
            Summary s = m.summary();
            // Keras: SeparableConv2D kh*kw*C*M + C*M*F + F; Conv2DTranspose kh*kw*F*C + F
            long[] want = {3 * 3 * 3 * 2 + 6 * 8 + 8, 3 * 2 * 8 + 8 * 4, 3 * 3 * 5 * 4 + 5, 2 * 3 * 2 * 5, 0, 0,
                3 * 3 * 3 * 2 + 3, 0, 0};
            String[] shapes = {"(None, 32, 32, 8)", "(None, 15, 16, 4)", "(None, 30, 32, 5)", "(None, 90, 34, 2)",
                "(None, 87, 27, 2)", "(None, 174, 81, 2)",
                // same with output_padding: (n - 1) * s + k % 2 + output_padding
                "(None, 521, 243, 3)", "(None, 517, 239, 3)", "(None, 1034, 478, 3)"};
            for (int i = 0; i < want.length; i++) {
                Summary.Row row = s.rows().get(i);
                assertEquals(want[i], row.params(), row.name());
                assertEquals(shapes[i], row.outputShape().toString(), row.name());
            }
            assertEquals(Arrays.stream(want).sum(), s.totalParams());
            List<LayerInfo> infos = m.layers();
            assertEquals(List.of("depthwise_kernel", "pointwise_kernel", "bias"),
                    new ArrayList<>(infos.get(0).weightShapes().keySet()));
            assertArrayEquals(new int[] {3, 3, 3, 2}, infos.get(0).weightShapes().get("depthwise_kernel"));
            assertArrayEquals(new int[] {1, 1, 6, 8}, infos.get(0).weightShapes().get("pointwise_kernel"));
            assertArrayEquals(new int[] {8}, infos.get(0).weightShapes().get("bias"));
            assertEquals(List.of("depthwise_kernel", "pointwise_kernel"),
                    new ArrayList<>(infos.get(1).weightShapes().keySet()));
            assertEquals(List.of("kernel", "bias"), new ArrayList<>(infos.get(2).weightShapes().keySet()));
            // Conv2DTranspose: (kh, kw, filters, in), the reverse of Conv2D's last two axes
            assertArrayEquals(new int[] {3, 3, 5, 4}, infos.get(2).weightShapes().get("kernel"));
            assertArrayEquals(new int[] {2, 3, 2, 5}, infos.get(3).weightShapes().get("kernel"));
            assertEquals(List.of("kernel"), new ArrayList<>(infos.get(3).weightShapes().keySet()));
            assertTrue(infos.get(4).weightShapes().isEmpty());
            assertTrue(infos.get(5).weightShapes().isEmpty());
        }
    }

    @Test
    void transposeOutputSizesFollowKerasDeconvOutputLength() {
        // (in, kernel, stride, padding, output_padding or -1) -> Keras's deconv_output_length
        int[][] cases = {
            {5, 3, 1, 0, -1, 7}, {5, 3, 2, 0, -1, 11}, {4, 2, 3, 0, -1, 12}, {4, 5, 3, 0, -1, 14},
            {5, 3, 1, 1, -1, 5}, {5, 3, 2, 1, -1, 10}, {4, 2, 3, 1, -1, 12}, {4, 3, 2, 0, 1, 10},
            {4, 3, 2, 1, 0, 7}, {4, 3, 2, 1, 1, 8}, {3, 4, 3, 1, 1, 7}, {3, 4, 3, 1, 2, 8}, {3, 2, 2, 1, 1, 5}};
        for (int[] c : cases) {
            long got = Conv2dTransposeProvider.Config.outLength(c[0], c[1], c[2], c[3] == 1, c[4]);
            assertEquals(c[5], got, Arrays.toString(c));
        }
        // TensorFlow's crop before: (n-1)*s + k - out, halved down; the extra row comes off the bottom
        assertEquals(0, Conv2dTransposeProvider.Config.padBefore(4, 8, 3, 2, true)); // total 1: bottom
        assertEquals(1, Conv2dTransposeProvider.Config.padBefore(4, 8, 4, 2, true)); // total 2: 1 + 1
        assertEquals(1, Conv2dTransposeProvider.Config.padBefore(4, 8, 5, 2, true)); // total 3: 1 + 2
        assertEquals(0, Conv2dTransposeProvider.Config.padBefore(4, 12, 2, 3, true)); // k < s: no crop
        assertEquals(0, Conv2dTransposeProvider.Config.padBefore(4, 9, 3, 2, false));
    }

    @Test
    void openSpatialDimensionsAreResolvedPerRun() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, Arrays.asList(null, null, 3), List.of(
                    layer("separable_conv2d", "name", "sep", "filters", 4, "kernel_size", 3, "strides", 2),
                    layer("conv2d_transpose", "name", "tr", "filters", 2, "kernel_size", 3, "strides", 2,
                            "padding", "same"),
                    layer("up_sampling2d", "size", List.of(3, 2), "interpolation", "bilinear"),
                    layer("cropping2d", "name", "crop", "cropping", List.of(List.of(0, 1), List.of(2, 0)))));
            assertEquals("(None, None, None, 2)", m.layers().get(3).outputShape().toString());
            Tensor y = m.predict(TestModels.random(new Random(1), 2, 9, 7, 3));
            // sep valid s2: 4x3; transpose same s2: 8x6; up 3x2: 24x12; crop: 23x10
            assertArrayEquals(new int[] {2, 23, 10, 2}, y.shape());
            // a 1x1 input is smaller than the separable conv's valid 3x3 window: the error names the layer
            Exception tiny = assertThrows(RuntimeException.class, () -> m.predict(Tensor.zeros(1, 1, 1, 3)));
            assertMessage(tiny, "sep");
        }
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, Arrays.asList(null, null, 3), layer("cropping2d", "name", "crop",
                    "cropping", List.of(2, 1)));
            assertArrayEquals(new int[] {1, 1, 3, 3}, m.predict(Tensor.zeros(1, 5, 5, 3)).shape());
            Exception small = assertThrows(RuntimeException.class, () -> m.predict(Tensor.zeros(1, 4, 5, 3)));
            assertMessage(small, "crop", "'cropping'", "removes 2 + 2 rows from an input of 4 rows", "leaving nothing");
        }
    }

    @Test
    void defaultInitializersAreGlorotUniformAndZeros() {
        try (StandaloneEngine e = TestModels.engine()) {
            List<Map<String, Object>> layers = List.of(
                    layer("separable_conv2d", "name", "s", "filters", 6, "kernel_size", 3, "depth_multiplier", 2),
                    layer("conv2d_transpose", "name", "t", "filters", 5, "kernel_size", 2));
            Model m = TestModels.build(e, List.of(8, 8, 4), layers);
            // fans from the shape, as Keras: (3, 3, 4, 2) -> 36 / 18; (1, 1, 8, 6) -> 8 / 6; (2, 2, 5, 6) -> 20 / 24
            assertWithin(m.weights().get("s").get("depthwise_kernel"), Math.sqrt(6.0 / (36 + 18)));
            assertWithin(m.weights().get("s").get("pointwise_kernel"), Math.sqrt(6.0 / (8 + 6)));
            assertWithin(m.weights().get("t").get("kernel"), Math.sqrt(6.0 / (20 + 24)));
            for (String l : List.of("s", "t")) {
                for (float v : m.weights().get(l).get("bias").toArray()) {
                    assertEquals(0f, v);
                }
            }
            Model again = TestModels.build(e, List.of(8, 8, 4), layers);
            assertTrue(m.weights().get("s").get("pointwise_kernel")
                    .contentEquals(again.weights().get("s").get("pointwise_kernel")), "same seed, same weights");
        }
    }

    private static void assertWithin(Tensor t, double limit) {
        double maxAbs = 0;
        for (float v : t.toArray()) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertTrue(maxAbs <= limit && maxAbs > limit * 0.3, "glorot_uniform limit " + limit + ", max " + maxAbs);
    }

    @Test
    void explicitInitializersAreUsed() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(3, 3, 2), List.of(
                    layer("separable_conv2d", "name", "s", "filters", 2, "kernel_size", 1, "depthwise_initializer",
                            "ones", "pointwise_initializer", Map.of("class_name", "Constant", "config",
                                    Map.of("value", 0.5)), "bias_initializer", "ones"),
                    layer("conv2d_transpose", "name", "t", "filters", 1, "kernel_size", 1, "kernel_initializer",
                            "ones", "bias_initializer", Map.of("class_name", "Constant", "config",
                                    Map.of("value", -1)))));
            Tensor x = Tensor.zeros(1, 3, 3, 2);
            x.set(2f, 0, 1, 1, 0);
            x.set(4f, 0, 1, 1, 1);
            Tensor y = m.predict(x);
            // separable: 0.5 * (2 + 4) + 1 = 4 in both filters; transpose 1x1: 4 + 4 - 1 = 7; elsewhere 1 + 1 - 1
            assertEquals(7f, y.get(0, 1, 1, 0));
            assertEquals(1f, y.get(0, 0, 2, 0));
        }
    }

    // ---------------------------------------------------------------- semantics by hand

    @Test
    void transposeScattersEachInputThroughTheKernel() {
        try (StandaloneEngine e = TestModels.engine()) {
            // 2x2 input, 3x3 kernel of 1..9, stride 2, valid: output 5x5; each input value stamps the kernel
            Model m = TestModels.build(e, List.of(2, 2, 1), layer("conv2d_transpose", "name", "t", "filters", 1,
                    "kernel_size", 3, "strides", 2, "use_bias", false));
            float[] k = new float[9];
            for (int i = 0; i < 9; i++) {
                k[i] = i + 1;
            }
            m.setWeights("t", Map.of("kernel", Tensor.wrap(k, 3, 3, 1, 1)));
            Tensor y = m.predict(Tensor.wrap(new float[] {1, 10, 100, 1000}, 1, 2, 2, 1));
            // out(oy, ox) = sum of x(iy, ix) * k(oy - 2 iy, ox - 2 ix); x = 1, 10 / 100, 1000; k(ky, kx) = 3 ky + kx + 1
            float[][] want = {
                {1, 2, 3 + 10, 20, 30},
                {4, 5, 6 + 40, 50, 60},
                {7 + 100, 8 + 200, 9 + 70 + 300 + 1000, 80 + 2000, 90 + 3000},
                {400, 500, 600 + 4000, 5000, 6000},
                {700, 800, 900 + 7000, 8000, 9000}};
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 5; c++) {
                    assertEquals(want[r][c], y.get(0, r, c, 0), "(" + r + ", " + c + ")");
                }
            }
            // same padding on the 2x2 input: 4x4 output, total crop 1 = (2-1)*2 + 3 - 4: all off the bottom/right
            Model same = TestModels.build(e, List.of(2, 2, 1), layer("conv2d_transpose", "name", "t", "filters", 1,
                    "kernel_size", 3, "strides", 2, "padding", "same", "use_bias", false));
            same.setWeights("t", Map.of("kernel", Tensor.wrap(k, 3, 3, 1, 1)));
            Tensor ys = same.predict(Tensor.wrap(new float[] {1, 10, 100, 1000}, 1, 2, 2, 1));
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(want[r][c], ys.get(0, r, c, 0), "same (" + r + ", " + c + ")");
                }
            }
        }
    }

    @Test
    void upSamplingNearestRepeatsAndBilinearUsesHalfPixelCentres() {
        try (StandaloneEngine e = TestModels.engine()) {
            Tensor x = Tensor.wrap(new float[] {0, 4, 8, 12}, 1, 2, 2, 1);
            Model nearest = TestModels.build(e, List.of(2, 2, 1), layer("up_sampling2d", "size", List.of(1, 3)));
            assertArrayEquals(new float[] {0, 0, 0, 4, 4, 4, 8, 8, 8, 12, 12, 12}, nearest.predict(x).toArray());
            // bilinear 1x2 along a row [0, 4]: sources -0.25, 0.25, 0.75, 1.25 -> 0, 1, 3, 4
            Model bilinear = TestModels.build(e, List.of(2, 2, 1), layer("up_sampling2d", "size", List.of(1, 2),
                    "interpolation", "bilinear"));
            assertArrayEquals(new float[] {0, 1, 3, 4, 8, 9, 11, 12}, bilinear.predict(x).toArray());
        }
    }

    @Test
    void separableEqualsDepthwiseThenOneByOneConv() {
        try (StandaloneEngine e = TestModels.engine()) {
            Random r = new Random(4);
            Model sep = TestModels.build(e, List.of(7, 6, 3), layer("separable_conv2d", "name", "s", "filters", 5,
                    "kernel_size", 3, "depth_multiplier", 2, "padding", "same", "strides", 2, "activation", "relu"));
            Model two = TestModels.build(e, List.of(7, 6, 3), List.of(
                    layer("depthwise_conv2d", "name", "d", "kernel_size", 3, "depth_multiplier", 2, "padding", "same",
                            "strides", 2, "use_bias", false),
                    layer("conv2d", "name", "p", "filters", 5, "kernel_size", 1, "activation", "relu")));
            Tensor dk = TestModels.random(r, 3, 3, 3, 2);
            Tensor pk = TestModels.random(r, 1, 1, 6, 5);
            Tensor b = TestModels.random(r, 5);
            sep.setWeights("s", Map.of("depthwise_kernel", dk, "pointwise_kernel", pk, "bias", b));
            two.setWeights("d", Map.of("depthwise_kernel", dk));
            two.setWeights("p", Map.of("kernel", pk, "bias", b));
            Tensor x = TestModels.random(r, 2, 7, 6, 3);
            assertTrue(sep.predict(x).contentEquals(two.predict(x)), "separable = depthwise then 1x1 conv, bit for bit");
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void separableParameterErrorsAreNamed() {
        List<Integer> in = List.of(6, 6, 3);
        assertMessage(buildFails(in, layer("separable_conv2d", "name", "sep", "kernel_size", 3)),
                "layer 1 'sep' (separable_conv2d)", "'filters'", "is required");
        assertMessage(buildFails(in, layer("separable_conv2d", "filters", 2)), "'kernel_size'", "is required");
        assertMessage(buildFails(in, layer("separable_conv2d", "filters", 2, "kernel_size", 3, "depth_multiplier", 0)),
                "'depth_multiplier'", "positive");
        assertMessage(buildFails(in, layer("separable_conv2d", "name", "sep", "filters", 2, "kernel_size", 3,
                "data_format", "channels_first")), "'sep' (separable_conv2d)", "'data_format'",
                "channels_last (NHWC) only");
        assertMessage(buildFails(in, layer("separable_conv2d", "filters", 2, "kernel_size", 3, "strides", 2,
                "dilation_rate", 2)), "cannot be combined with dilation_rate");
        assertMessage(buildFails(in, layer("separable_conv2d", "filters", 2, "kernel_size", 7)),
                "input 6x6 is smaller than the 7x7 kernel");
        assertMessage(buildFails(in, layer("separable_conv2d", "filters", 2, "kernel_size", 3, "groups", 1)),
                "unknown parameter 'groups'");
        assertMessage(buildFails(Arrays.asList(null, null, null), layer("separable_conv2d", "filters", 2,
                "kernel_size", 3)), "channel axis must be known");
        assertMessage(buildFails(in, layer("separable_conv2d", "filters", 2, "kernel_size", 3,
                "pointwise_initializer", "glorot_unifrom")), "'pointwise_initializer'", "glorot_uniform");
    }

    @Test
    void transposeParameterErrorsAreNamed() {
        List<Integer> in = List.of(4, 4, 3);
        assertMessage(buildFails(in, layer("conv2d_transpose", "name", "tr", "filters", 2, "kernel_size", 3,
                "dilation_rate", 2)), "layer 1 'tr' (conv2d_transpose)", "'dilation_rate'", "must be 1",
                "dilation_rate 1 only, got 2x2");
        assertMessage(buildFails(in, layer("conv2d_transpose", "filters", 2, "kernel_size", 3, "strides", 2,
                "output_padding", 2)), "'output_padding'", "smaller than the stride", "2x2 with strides 2x2");
        assertMessage(buildFails(in, layer("conv2d_transpose", "filters", 2, "kernel_size", 3, "output_padding",
                List.of(0, -1), "strides", 2)), "'output_padding'", "at least 0");
        assertMessage(buildFails(in, layer("conv2d_transpose", "filters", 2, "kernel_size", 3, "output_padding",
                List.of(1, 1, 1), "strides", 2)), "'output_padding'", "a list of 2 integers");
        assertMessage(buildFails(in, layer("conv2d_transpose", "filters", 2, "kernel_size", List.of(3, 4),
                "strides", 2, "padding", "same", "output_padding", 0)), "'output_padding'",
                "0 along width with padding same and the even kernel width 4", "TensorFlow's conv2d_transpose rejects");
        assertMessage(buildFails(in, layer("conv2d_transpose", "name", "tr", "filters", 2, "kernel_size", 3,
                "data_format", "channels_first")), "'tr' (conv2d_transpose)", "'data_format'", "channels_last");
        assertMessage(buildFails(in, layer("conv2d_transpose", "filters", 0, "kernel_size", 3)), "'filters'",
                "positive");
        assertMessage(buildFails(in, layer("conv2d_transpose", "filters", 2, "kernel_size", 3, "padding", "full")),
                "'padding'", "valid, same");
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, Arrays.asList(null, null, 3), layer("conv2d_transpose", "name", "tr",
                    "filters", 2, "kernel_size", 3));
            assertMessage(assertThrows(RuntimeException.class, () -> m.predict(Tensor.zeros(1, 0, 4, 3))), "'tr'",
                    "empty spatial axis");
        }
    }

    @Test
    void upSamplingAndCroppingErrorsAreNamed() {
        List<Integer> in = List.of(5, 5, 3);
        assertMessage(buildFails(in, layer("up_sampling2d", "name", "up", "size", 0)), "layer 1 'up' (up_sampling2d)",
                "'size'", "positive");
        assertMessage(buildFails(in, layer("up_sampling2d", "interpolation", "bicubic")), "'interpolation'",
                "'bicubic' is not computed", "nearest and bilinear");
        assertMessage(buildFails(in, layer("up_sampling2d", "interpolation", "cubic")), "'interpolation'",
                "nearest, bilinear", "'cubic'");
        assertMessage(buildFails(in, layer("up_sampling2d", "name", "up", "data_format", "channels_first")),
                "'up' (up_sampling2d)", "'data_format'", "channels_last");
        assertMessage(buildFails(in, layer("cropping2d", "name", "crop", "cropping", List.of(List.of(2, 3),
                List.of(0, 0)))), "layer 1 'crop' (cropping2d)", "'cropping'", "removes 2 + 3 rows", "5 rows",
                "leaving nothing");
        assertMessage(buildFails(in, layer("cropping2d", "cropping", List.of(1, 3))), "removes 3 + 3 columns");
        assertMessage(buildFails(in, layer("cropping2d", "cropping", -1)), "'cropping'", "non-negative");
        assertMessage(buildFails(in, layer("cropping2d", "cropping", List.of(1, 2, 3))), "'cropping'",
                "[[top, bottom], [left, right]]");
        assertMessage(buildFails(in, layer("cropping2d", "name", "crop", "data_format", "channels_first")),
                "'crop' (cropping2d)", "'data_format'", "channels_last");
        assertMessage(buildFails(List.of(4, 4), layer("cropping2d")), "expects images");
        assertMessage(buildFails(List.of(4, 4), layer("up_sampling2d")), "expects images");
    }

    // ---------------------------------------------------------------- Keras configs

    /** Builds from the parameters fromKeras produced, as the Keras reader would. */
    private static Model buildFromKeras(StandaloneEngine e, LayerProvider p, String cls, List<Integer> input,
            Map<String, Object> config) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("type", p.type());
        l.put("name", config.get("name"));
        l.putAll(p.fromKeras(cls, config));
        return TestModels.build(e, input, l);
    }

    @Test
    void keras2Configs() {
        // separable_conv2d_1 of keras-real/k2-fer-mini-xception.json (Keras 2), plus tf.keras's "groups": 1
        Map<String, Object> sep = map("kernel_size", List.of(3, 3), "pointwise_initializer", map("class_name",
                "VarianceScaling", "config", map("mode", "fan_avg", "seed", null, "scale", 1.0, "distribution",
                        "uniform")), "strides", List.of(1, 1), "pointwise_regularizer", null, "depthwise_regularizer",
                null, "bias_initializer", map("class_name", "Zeros", "config", map()), "pointwise_constraint", null,
                "depthwise_constraint", null, "name", "separable_conv2d_1", "use_bias", false,
                "activity_regularizer", null, "bias_constraint", null, "padding", "same", "depth_multiplier", 1,
                "trainable", true, "data_format", "channels_last", "dilation_rate", List.of(1, 1),
                "depthwise_initializer", map("class_name", "VarianceScaling", "config", map("mode", "fan_avg", "seed",
                        null, "scale", 1.0, "distribution", "uniform")), "bias_regularizer", null, "activation",
                "linear", "filters", 16, "groups", 1);
        // conv2d_transpose_32, up_sampling2d_136 and cropping2d_136 of keras-real/k2-convtranspose-crop-gmp.json
        Map<String, Object> tr = map("name", "conv2d_transpose_32", "trainable", true, "dtype", "float32", "filters", 4,
                "kernel_size", List.of(3, 3), "strides", List.of(1, 1), "padding", "valid", "data_format",
                "channels_last", "dilation_rate", List.of(1, 1), "activation", "tanh", "use_bias", true,
                "kernel_initializer", map("class_name", "GlorotUniform", "config", map("seed", null, "dtype",
                        "float32")), "bias_initializer", map("class_name", "Zeros", "config", map("dtype",
                                "float32")), "kernel_regularizer", null, "bias_regularizer", null,
                "activity_regularizer", null, "kernel_constraint", null, "bias_constraint", null, "output_padding",
                null);
        Map<String, Object> up = map("name", "up_sampling2d_136", "trainable", true, "dtype", "float32", "size",
                List.of(2, 2), "data_format", "channels_last", "interpolation", "nearest");
        Map<String, Object> crop = map("name", "cropping2d_136", "trainable", true, "dtype", "float32", "cropping",
                List.of(List.of(1, 1), List.of(1, 1)), "data_format", "channels_last");
        SeparableConv2dProvider sp = new SeparableConv2dProvider();
        Conv2dTransposeProvider tp = new Conv2dTransposeProvider();
        UpSampling2dProvider up2 = new UpSampling2dProvider();
        Cropping2dProvider cp = new Cropping2dProvider();
        Map<String, Object> sparams = sp.fromKeras("SeparableConv2D", sep);
        assertFalse(sparams.containsKey("groups") || sparams.containsKey("trainable")
                || sparams.containsKey("pointwise_regularizer"), sparams.toString());
        assertEquals(16, sparams.get("filters"));
        assertEquals(map("filters", 4, "kernel_size", List.of(3, 3), "strides", List.of(1, 1), "padding", "valid",
                "data_format", "channels_last", "dilation_rate", List.of(1, 1), "activation", "tanh", "use_bias", true,
                "kernel_initializer", tr.get("kernel_initializer"), "bias_initializer", tr.get("bias_initializer"),
                "output_padding", null), tp.fromKeras("Conv2DTranspose", tr));
        assertEquals(map("size", List.of(2, 2), "data_format", "channels_last", "interpolation", "nearest"),
                up2.fromKeras("UpSampling2D", up));
        assertEquals(map("cropping", List.of(List.of(1, 1), List.of(1, 1)), "data_format", "channels_last"),
                cp.fromKeras("Cropping2D", crop));
        try (StandaloneEngine e = TestModels.engine()) {
            Model s = buildFromKeras(e, sp, "SeparableConv2D", List.of(48, 48, 8), sep);
            assertEquals(Shape.of(48, 48, 16), s.layers().get(0).outputShape());
            assertEquals(3 * 3 * 8 + 8 * 16, s.layers().get(0).parameters()); // no bias
            Model t = buildFromKeras(e, tp, "Conv2DTranspose", List.of(10, 10, 3), tr);
            assertEquals(Shape.of(12, 12, 4), t.layers().get(0).outputShape());
            assertEquals(3 * 3 * 4 * 3 + 4, t.layers().get(0).parameters()); // 112, as Keras prints
            assertEquals(Shape.of(36, 36, 4), buildFromKeras(e, up2, "UpSampling2D", List.of(18, 18, 4), up)
                    .layers().get(0).outputShape());
            assertEquals(Shape.of(34, 34, 4), buildFromKeras(e, cp, "Cropping2D", List.of(36, 36, 4), crop)
                    .layers().get(0).outputShape());
        }
    }

    /** A Keras 3 model.to_json() with DTypePolicy objects, registered_name, module and build_config. */
    private static final String KERAS3 = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "k3", "trainable": true,
             "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                       "registered_name": null},
             "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 9, 8, 3],
               "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "SeparableConv2D", "config": {"name": "separable_conv2d",
               "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
               "config": {"name": "float32"}, "registered_name": null}, "filters": 5, "kernel_size": [3, 3],
               "strides": [2, 2], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
               "depth_multiplier": 2, "activation": "relu", "use_bias": true,
               "depthwise_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                "config": {"seed": null}, "registered_name": null},
               "pointwise_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                "config": {"seed": null}, "registered_name": null},
               "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                "registered_name": null},
               "depthwise_regularizer": null, "pointwise_regularizer": null, "bias_regularizer": null,
               "activity_regularizer": null, "depthwise_constraint": null, "pointwise_constraint": null,
               "bias_constraint": null}, "registered_name": null,
               "build_config": {"input_shape": [null, 9, 8, 3]}},
              {"module": "keras.layers", "class_name": "Conv2DTranspose", "config": {"name": "conv2d_transpose",
               "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
               "config": {"name": "float32"}, "registered_name": null}, "filters": 4, "kernel_size": [4, 4],
               "strides": [2, 2], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
               "activation": "linear", "use_bias": true,
               "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
                "config": {"seed": 3}, "registered_name": null},
               "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                "registered_name": null},
               "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
               "kernel_constraint": null, "bias_constraint": null}, "registered_name": null,
               "build_config": {"input_shape": [null, 5, 4, 5]}},
              {"module": "keras.layers", "class_name": "UpSampling2D", "config": {"name": "up_sampling2d",
               "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
               "config": {"name": "float32"}, "registered_name": null}, "size": [3, 2],
               "data_format": "channels_last", "interpolation": "bilinear"}, "registered_name": null,
               "build_config": {"input_shape": [null, 10, 8, 4]}},
              {"module": "keras.layers", "class_name": "Cropping2D", "config": {"name": "cropping2d",
               "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
               "config": {"name": "float32"}, "registered_name": null}, "cropping": [[0, 1], [1, 1]],
               "data_format": "channels_last"}, "registered_name": null,
               "build_config": {"input_shape": [null, 30, 16, 4]}}]},
             "keras_version": "3.7.0", "backend": "tensorflow"}""";

    @Test
    void keras3ConfigsIgnoreDtypePoliciesAndBuildConfig() {
        try (StandaloneEngine e = TestModels.engine()) {
            ModelDescription d = e.parse(KERAS3);
            assertEquals(List.of("separable_conv2d", "conv2d_transpose", "up_sampling2d", "cropping2d"),
                    d.layers().stream().map(LayerSpec::name).toList());
            for (LayerSpec s : d.layers()) {
                assertFalse(s.params().containsKey("dtype") || s.params().containsKey("build_config")
                        || s.params().containsKey("trainable") || s.params().containsKey("registered_name"),
                        s.toString());
            }
            Model m = e.build(d);
            List<LayerInfo> l = m.layers();
            assertEquals(Shape.of(5, 4, 5), l.get(0).outputShape());
            assertEquals(3 * 3 * 3 * 2 + 6 * 5 + 5, l.get(0).parameters());
            assertEquals(Shape.of(10, 8, 4), l.get(1).outputShape());
            assertEquals(4 * 4 * 4 * 5 + 4, l.get(1).parameters());
            assertEquals(Shape.of(30, 16, 4), l.get(2).outputShape());
            assertEquals(Shape.of(29, 14, 4), l.get(3).outputShape());
            assertArrayEquals(new int[] {2, 29, 14, 4}, m.predict(TestModels.random(new Random(2), 2, 9, 8, 3))
                    .shape());
        }
        // the provider alone drops the same keys (build_config sits beside config in Keras 3, but never leaks)
        Map<String, Object> cfg = map("name", "up", "trainable", true, "dtype", map("module", "keras",
                "class_name", "DTypePolicy", "config", map("name", "float32"), "registered_name", null), "size",
                List.of(2, 2), "data_format", "channels_last", "interpolation", "bilinear", "build_config",
                map("input_shape", Arrays.asList(null, 4, 4, 3)));
        assertEquals(map("size", List.of(2, 2), "data_format", "channels_last", "interpolation", "bilinear"),
                new UpSampling2dProvider().fromKeras("UpSampling2D", cfg));
    }

    @Test
    void keras1Configs() {
        // Keras 1.2 SeparableConvolution2D.get_config(): init fills both kernels
        Map<String, Object> k1 = map("name", "separableconvolution2d_1", "trainable", true, "nb_filter", 6,
                "nb_row", 3, "nb_col", 2, "init", "uniform", "activation", "relu", "border_mode", "same",
                "subsample", List.of(2, 2), "depth_multiplier", 2, "dim_ordering", "tf", "depthwise_regularizer", null,
                "pointwise_regularizer", null, "b_regularizer", null, "activity_regularizer", null,
                "depthwise_constraint", null, "pointwise_constraint", null, "b_constraint", null, "bias", false);
        SeparableConv2dProvider sp = new SeparableConv2dProvider();
        assertEquals(map("activation", "relu", "depth_multiplier", 2, "filters", 6, "kernel_size", List.of(3, 2),
                "strides", List.of(2, 2), "padding", "same", "use_bias", false, "depthwise_initializer",
                "uniform", "pointwise_initializer", "uniform", "data_format", "channels_last"),
                sp.fromKeras("SeparableConvolution2D", k1));
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = buildFromKeras(e, sp, "SeparableConvolution2D", List.of(7, 7, 3), k1);
            assertEquals(Shape.of(4, 4, 6), m.layers().get(0).outputShape());
            assertEquals(3 * 2 * 3 * 2 + 6 * 6, m.layers().get(0).parameters());
            Map<String, Object> th = new LinkedHashMap<>(k1);
            th.put("dim_ordering", "th");
            ModelException ex = assertThrows(ModelException.class,
                    () -> buildFromKeras(e, sp, "SeparableConvolution2D", List.of(7, 7, 3), th));
            assertMessage(ex, "channels_first", "channels_last (NHWC) only");
        }
        // Keras 1 UpSampling2D and Cropping2D: {size | cropping, dim_ordering}
        assertEquals(map("size", List.of(2, 3), "data_format", "channels_last"), new UpSampling2dProvider()
                .fromKeras("UpSampling2D", map("name", "upsampling2d_1", "size", List.of(2, 3), "dim_ordering", "tf")));
        assertEquals(map("cropping", List.of(List.of(0, 1), List.of(2, 3)), "data_format", "channels_first"),
                new Cropping2dProvider().fromKeras("Cropping2D", map("name", "cropping2d_1", "cropping",
                        List.of(List.of(0, 1), List.of(2, 3)), "dim_ordering", "th")));
        // Keras 1 Deconvolution2D: fixed output_shape and a (rows, cols, in, filters) kernel -> refused, said why
        Conv2dTransposeProvider tp = new Conv2dTransposeProvider();
        ModelException deconv = assertThrows(ModelException.class, () -> tp.fromKeras("Deconvolution2D", map("name",
                "deconvolution2d_1", "nb_filter", 3, "nb_row", 3, "nb_col", 3, "output_shape",
                Arrays.asList(null, 14, 14, 3), "border_mode", "valid", "subsample", List.of(1, 1), "dim_ordering",
                "tf")));
        assertMessage(deconv, "Keras 1 Deconvolution2D", "output_shape", "(rows, cols, in, filters)",
                "Conv2DTranspose");
        // Keras 2 kept Deconvolution2D as an alias of Conv2DTranspose: its keys pass through
        assertEquals(map("filters", 2, "kernel_size", 3, "strides", 2), tp.fromKeras("Deconvolution2D",
                map("name", "d", "filters", 2, "kernel_size", 3, "strides", 2)));
    }

    @Test
    void oneLineFormTakesPositionalParameters() {
        try (StandaloneEngine e = TestModels.engine()) {
            ModelDescription d = e.parse("separable_conv2d(8, 3, padding=same) | conv2d_transpose(4, 3, strides=2)"
                    + " | up_sampling2d(2) | cropping2d(1)");
            assertEquals(List.of("separable_conv2d", "conv2d_transpose", "up_sampling2d", "cropping2d"),
                    d.layers().stream().map(LayerSpec::type).toList());
            assertEquals(8L, ((Number) d.layers().get(0).raw("filters")).longValue());
            assertEquals(2L, ((Number) d.layers().get(2).raw("size")).longValue());
        }
    }

    // ---------------------------------------------------------------- writesEveryOutput

    private static final Activation LINEAR = new Activation() {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public float apply(float x) {
            return x;
        }
    };

    /** What the engine offers a provider, reduced to what these layers ask for. */
    private static final class Context implements BuildContext {
        @Override
        public Activation activation(LayerSpec spec, Object value) {
            if (value == null || "linear".equals(value)) {
                return LINEAR;
            }
            return switch ((String) value) {
                case "relu" -> new Activations.Relu();
                case "tanh" -> new Activations.Tanh();
                case "softmax" -> new Activations.Softmax();
                default -> throw spec.paramError("activation", "unknown in this test: " + value);
            };
        }

        @Override
        public Random random() {
            return new Random(5);
        }

        @Override
        public String modelName() {
            return "test";
        }
    }

    private static Layer create(LayerProvider p, Shape input, Object... kv) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put((String) kv[i], kv[i + 1]);
        }
        LayerSpec spec = new LayerSpec(1, p.type(), "l", params);
        spec.checkKnown(p.parameters());
        return p.create(spec, input, new Context());
    }

    /**
     * The layers answer writesEveryOutput() true: into a NaN-filled output (and one filled with
     * other garbage) they give exactly what they give into a zeroed one, under shuffled chunkings.
     */
    @Test
    void writesEveryOutputIntoNanFilledBuffers() {
        Random r = new Random(6);
        List<Layer> layers = new ArrayList<>();
        Shape in = Shape.of(7, 6, 5);
        layers.add(create(new SeparableConv2dProvider(), in, "filters", 3, "kernel_size", 3, "padding", "same",
                "depth_multiplier", 2, "bias_initializer", "ones"));
        layers.add(create(new SeparableConv2dProvider(), in, "filters", 70, "kernel_size", 2, "strides", 2,
                "activation", "softmax"));
        layers.add(create(new SeparableConv2dProvider(), in, "filters", 9, "kernel_size", 3, "dilation_rate", 2,
                "activation", "relu", "use_bias", false));
        layers.add(create(new Conv2dTransposeProvider(), in, "filters", 4, "kernel_size", 3, "strides", 2,
                "padding", "same", "bias_initializer", "ones"));
        layers.add(create(new Conv2dTransposeProvider(), in, "filters", 3, "kernel_size", 2, "strides", 3,
                "activation", "softmax"));
        layers.add(create(new Conv2dTransposeProvider(), in, "filters", 13, "kernel_size", List.of(3, 2),
                "strides", List.of(3, 2), "output_padding", 1, "activation", "tanh", "use_bias", false));
        layers.add(create(new UpSampling2dProvider(), in, "size", List.of(3, 2)));
        layers.add(create(new UpSampling2dProvider(), in, "size", List.of(2, 3), "interpolation", "bilinear"));
        layers.add(create(new Cropping2dProvider(), in, "cropping", List.of(List.of(1, 2), List.of(0, 3))));
        for (Layer l : layers) {
            assertTrue(l.writesEveryOutput(), l.type());
            Tensor x = TestModels.random(r, 2, 7, 6, 5);
            int[] shape = l.outputShape(Shape.ofSample(x)).withBatch(2);
            Tensor clean = Tensor.zeros(shape);
            l.forward(x, clean, new ShuffledContext(1));
            for (float garbage : new float[] {Float.NaN, 1e30f, -7f}) {
                Tensor dirty = Tensor.zeros(shape);
                Arrays.fill(dirty.data(), garbage);
                l.forward(x, dirty, new ShuffledContext(2));
                assertTrue(clean.contentEquals(dirty), l.type() + " " + l.outputShape() + " into " + garbage);
            }
        }
    }

    // ---------------------------------------------------------------- discovery

    @Test
    void providersDescribeThemselves() {
        SeparableConv2dProvider s = new SeparableConv2dProvider();
        assertEquals("separable_conv2d", s.type());
        assertEquals(List.of("filters", "kernel_size"), s.positionalParameters());
        assertEquals(List.of("SeparableConv2D", "SeparableConvolution2D"), s.kerasClasses());
        Conv2dTransposeProvider t = new Conv2dTransposeProvider();
        assertEquals("conv2d_transpose", t.type());
        assertEquals(List.of("filters", "kernel_size"), t.positionalParameters());
        assertEquals(List.of("Conv2DTranspose", "Deconvolution2D"), t.kerasClasses());
        UpSampling2dProvider u = new UpSampling2dProvider();
        assertEquals("up_sampling2d", u.type());
        assertEquals(List.of("size"), u.positionalParameters());
        assertEquals(List.of("UpSampling2D"), u.kerasClasses());
        Cropping2dProvider c = new Cropping2dProvider();
        assertEquals("cropping2d", c.type());
        assertEquals(List.of("cropping"), c.positionalParameters());
        assertEquals(List.of("Cropping2D"), c.kerasClasses());
    }

    @Test
    void serviceLoaderFindsTheProviders() {
        try (StandaloneEngine e = Engines.fromServiceLoader(ConvMoreLayersTest.class.getClassLoader())) {
            assertTrue(e.layerTypes().containsAll(List.of("separable_conv2d", "conv2d_transpose", "up_sampling2d",
                    "cropping2d")), e.layerTypes().toString());
        }
    }
}
