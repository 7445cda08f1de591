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

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;

/** Shapes, parameter counts, weights, errors and Keras configs of the three layer types. */
class ConvLayersTest {
    private static Map<String, Object> layer(String type, Object... kv) {
        return TestModels.layer(type, kv);
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

    // ---------------------------------------------------------------- parameter counts, shapes

    @Test
    void parameterCountsMatchKeras() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(32, 32, 3), List.of(
                    layer("conv2d", "name", "conv_1", "filters", 3, "kernel_size", 3),
                    layer("conv2d", "name", "nobias", "filters", 3, "kernel_size", 3, "use_bias", false),
                    layer("conv2d", "name", "grouped", "filters", 9, "kernel_size", 3, "groups", 3),
                    layer("depthwise_conv2d", "name", "dw", "kernel_size", 3, "depth_multiplier", 2),
                    layer("zero_padding2d", "name", "pad", "padding", List.of(List.of(1, 2), List.of(3, 4))),
                    layer("conv2d", "name", "rect", "filters", 5, "kernel_size", List.of(3, 1), "strides", 2,
                            "padding", "same"),
                    layer("depthwise_conv2d", "name", "dw_nobias", "kernel_size", List.of(1, 2), "use_bias",
                            false)));
            Summary s = m.summary();
            // Keras: 3*3*3*3 + 3 = 84; no bias 81; groups: 3*3*(3/3)*9 + 9 = 90; depthwise 3*3*9*2 + 18 = 180
            long[] want = {84, 81, 90, 180, 0, 3 * 1 * 18 * 5 + 5, 1 * 2 * 5 * 1};
            String[] shapes = {"(None, 30, 30, 3)", "(None, 28, 28, 3)", "(None, 26, 26, 9)", "(None, 24, 24, 18)",
                "(None, 27, 31, 18)", "(None, 14, 16, 5)", "(None, 14, 15, 5)"};
            for (int i = 0; i < want.length; i++) {
                Summary.Row row = s.rows().get(i);
                assertEquals(want[i], row.params(), row.name());
                assertEquals(shapes[i], row.outputShape().toString(), row.name());
            }
            assertEquals(Arrays.stream(want).sum(), s.totalParams());
            List<LayerInfo> infos = m.layers();
            assertEquals(List.of("kernel", "bias"), new ArrayList<>(infos.get(0).weightShapes().keySet()));
            assertArrayEquals(new int[] {3, 3, 3, 3}, infos.get(0).weightShapes().get("kernel"));
            assertEquals(List.of("kernel"), new ArrayList<>(infos.get(1).weightShapes().keySet()));
            assertArrayEquals(new int[] {3, 3, 1, 9}, infos.get(2).weightShapes().get("kernel"));
            assertEquals(List.of("depthwise_kernel", "bias"), new ArrayList<>(infos.get(3).weightShapes().keySet()));
            assertArrayEquals(new int[] {3, 3, 9, 2}, infos.get(3).weightShapes().get("depthwise_kernel"));
            assertArrayEquals(new int[] {18}, infos.get(3).weightShapes().get("bias"));
            assertTrue(infos.get(4).weightShapes().isEmpty());
            assertArrayEquals(new int[] {3, 1, 18, 5}, infos.get(5).weightShapes().get("kernel"));
        }
    }

    @Test
    void defaultInitializersAreGlorotUniformAndZeros() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(8, 8, 4), List.of(
                    layer("conv2d", "name", "c", "filters", 6, "kernel_size", 3),
                    layer("depthwise_conv2d", "name", "d", "kernel_size", 3, "depth_multiplier", 2)));
            Tensor k = m.weights().get("c").get("kernel");
            double limit = Math.sqrt(6.0 / (3 * 3 * 4 + 3 * 3 * 6)); // fan_in = 36, fan_out = 54
            double maxAbs = 0;
            for (float v : k.toArray()) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertTrue(maxAbs <= limit && maxAbs > limit * 0.5, "glorot_uniform limit " + limit + ", max " + maxAbs);
            for (float v : m.weights().get("c").get("bias").toArray()) {
                assertEquals(0f, v);
            }
            Tensor dk = m.weights().get("d").get("depthwise_kernel");
            double dlimit = Math.sqrt(6.0 / (3 * 3 * 6 + 3 * 3 * 2)); // (3, 3, 6, 2): fan_in 54, fan_out 18
            for (float v : dk.toArray()) {
                assertTrue(Math.abs(v) <= dlimit);
            }
            // the same description and seed give the same weights
            Model again = TestModels.build(e, List.of(8, 8, 4), List.of(
                    layer("conv2d", "name", "c", "filters", 6, "kernel_size", 3),
                    layer("depthwise_conv2d", "name", "d", "kernel_size", 3, "depth_multiplier", 2)));
            assertTrue(k.contentEquals(again.weights().get("c").get("kernel")));
        }
    }

    @Test
    void explicitInitializersAreUsed() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(5, 5, 2), List.of(
                    layer("conv2d", "name", "c", "filters", 2, "kernel_size", 1, "kernel_initializer", "ones",
                            "bias_initializer", Map.of("class_name", "Constant", "config", Map.of("value", 0.5))),
                    layer("depthwise_conv2d", "name", "d", "kernel_size", 1, "depthwise_initializer", "ones",
                            "bias_initializer", "ones")));
            Tensor x = Tensor.zeros(1, 5, 5, 2);
            x.set(2f, 0, 1, 1, 0);
            x.set(3f, 0, 1, 1, 1);
            Tensor y = m.predict(x);
            // conv: 2 + 3 + 0.5 = 5.5 in both filters; depthwise: 5.5 * 1 + 1 = 6.5
            assertEquals(6.5f, y.get(0, 1, 1, 0));
            assertEquals(6.5f, y.get(0, 1, 1, 1));
            assertEquals(1.5f, y.get(0, 0, 0, 1));
        }
    }

    @Test
    void openSpatialDimensionsAreResolvedPerRun() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, Arrays.asList(null, null, 3), List.of(
                    layer("zero_padding2d", "padding", 1),
                    layer("conv2d", "name", "conv_1", "filters", 4, "kernel_size", 3, "strides", 2),
                    layer("depthwise_conv2d", "kernel_size", 2, "padding", "same")));
            assertEquals("(None, None, None, 4)", m.layers().get(2).outputShape().toString());
            Tensor y = m.predict(TestModels.random(new Random(1), 2, 7, 10, 3));
            // pad -> 9x12, conv valid stride 2 -> 4x5, depthwise same -> 4x5
            assertArrayEquals(new int[] {2, 4, 5, 4}, y.shape());
            Exception tiny = assertThrows(RuntimeException.class, () -> m.predict(Tensor.zeros(1, 0, 1, 3)));
            assertMessage(tiny, "conv_1");
        }
    }

    @Test
    void layersRejectInputsOfOtherChannelCountsAtRunTime() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, Arrays.asList(null, null, 3), layer("conv2d", "name", "c", "filters", 2,
                    "kernel_size", 1));
            assertThrows(RuntimeException.class, () -> m.predict(Tensor.zeros(1, 4, 4, 5)));
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void emptyOutputNamesSizesKernelStrideDilationAndPadding() {
        ModelException ex = buildFails(List.of(2, 2, 3), layer("conv2d", "name", "conv_1", "filters", 3,
                "kernel_size", 3));
        assertMessage(ex, "conv_1", "input 2x2 is smaller than the 3x3 kernel with padding valid", "strides 1x1",
                "dilation_rate 1x1", "use padding=same or a smaller kernel_size");
        ModelException dil = buildFails(List.of(4, 9, 1), layer("depthwise_conv2d", "name", "dw", "kernel_size", 3,
                "dilation_rate", 2));
        assertMessage(dil, "dw", "input 4x9", "3x3 kernel (dilated to 5x5)", "dilation_rate 2x2", "dilation_rate");
        ModelException nonSquare = buildFails(List.of(5, 2, 1), layer("conv2d", "filters", 1, "kernel_size",
                List.of(2, 3)));
        assertMessage(nonSquare, "input 5x2 is smaller than the 2x3 kernel");
        // same padding never empties a non-empty input
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(2, 2, 3), layer("conv2d", "filters", 3, "kernel_size", 3,
                    "padding", "same", "strides", 3));
            assertEquals(Shape.of(1, 1, 3), m.layers().get(0).outputShape());
        }
    }

    @Test
    void stridesWithDilationIsAnError() {
        ModelException ex = buildFails(List.of(9, 9, 3), layer("conv2d", "filters", 3, "kernel_size", 3,
                "strides", List.of(1, 2), "dilation_rate", 2));
        assertMessage(ex, "strides 1x2 cannot be combined with dilation_rate 2x2", "set strides=1 or dilation_rate=1");
        assertMessage(buildFails(List.of(9, 9, 3), layer("depthwise_conv2d", "kernel_size", 3, "strides", 2,
                "dilation_rate", List.of(1, 3))), "cannot be combined");
    }

    @Test
    void groupsMustDivideFiltersAndChannels() {
        assertMessage(buildFails(List.of(5, 5, 6), layer("conv2d", "filters", 4, "kernel_size", 3, "groups", 3)),
                "'groups'", "4 filters cannot be split into 3 groups");
        assertMessage(buildFails(List.of(5, 5, 4), layer("conv2d", "filters", 6, "kernel_size", 3, "groups", 3)),
                "'groups'", "has 4 channels, not divisible by 3 groups");
    }

    @Test
    void badParametersAreNamed() {
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "kernel_size", 3)), "'filters'", "is required");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2)), "'kernel_size'", "is required");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 0, "kernel_size", 3)), "'filters'",
                "positive");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2, "kernel_size", List.of(3, 3, 3))),
                "'kernel_size'");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2, "kernel_size", 3, "padding",
                "full")), "'padding'", "valid, same", "'full'");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2, "kernel_size", 3, "units", 4)),
                "unknown parameter 'units'; conv2d parameters: activation, bias_initializer, data_format, "
                        + "dilation_rate, filters, groups, kernel_initializer, kernel_order, kernel_size, padding, "
                        + "strides, use_bias");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2, "kernel_size", 3, "kernal_size", 3)),
                "unknown parameter 'kernal_size'; did you mean 'kernel_size'?");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2, "kernel_size", 3,
                "data_format", "channels_first")), "'data_format'", "channels_last (NHWC) only");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2, "kernel_size", 3,
                "kernel_initializer", "glorot_unifrom")), "'kernel_initializer'",
                "names an unknown initializer 'glorot_unifrom'; did you mean 'glorot_uniform'?");
        assertMessage(buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 3, "kernel_size", 3,
                "kernel_initializer", "sharpen5")), "'kernel_initializer'", "5x5", "kernel_size=5");
        assertMessage(buildFails(List.of(5, 5, 3), layer("depthwise_conv2d", "kernel_size", 3, "depth_multiplier",
                -1)), "'depth_multiplier'");
        assertMessage(buildFails(List.of(5, 5, 3), layer("zero_padding2d", "padding", -1)), "'padding'",
                "non-negative");
        assertMessage(buildFails(List.of(5, 5, 3), layer("zero_padding2d", "padding", List.of(1, 2, 3))),
                "'padding'", "[[top, bottom], [left, right]]");
    }

    @Test
    void inputsMustBeImagesWithKnownChannels() {
        assertMessage(buildFails(List.of(10), layer("conv2d", "filters", 2, "kernel_size", 3)),
                "expects images (None, height, width, channels)", "(None, 10)");
        assertMessage(buildFails(Arrays.asList(null, null, null), layer("conv2d", "filters", 2, "kernel_size", 3)),
                "channel axis must be known");
        assertMessage(buildFails(List.of(4, 4), layer("zero_padding2d")), "expects images");
    }

    @Test
    void unknownActivationListsWhatExists() {
        ModelException ex = buildFails(List.of(5, 5, 3), layer("conv2d", "filters", 2, "kernel_size", 3,
                "activation", "swish"));
        assertMessage(ex, "swish", "relu", "tanh");
    }

    @Test
    void softmaxActivationNormalisesOverChannels() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(6, 6, 3), layer("conv2d", "filters", 4, "kernel_size", 3,
                    "padding", "same", "activation", "softmax"));
            Tensor y = m.predict(TestModels.random(new Random(5), 2, 6, 6, 3));
            for (int p = 0; p < y.size(); p += 4) {
                float s = 0;
                for (int f = 0; f < 4; f++) {
                    s += y.data()[p + f];
                }
                assertEquals(1f, s, 1e-5);
            }
        }
    }

    @Test
    void activationIsAppliedAfterTheBias() {
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = TestModels.build(e, List.of(1, 1, 1), layer("conv2d", "name", "c", "filters", 2,
                    "kernel_size", 1, "activation", "relu"));
            m.setWeights("c", Map.of("kernel", Tensor.wrap(new float[] {1, 1}, 1, 1, 1, 2), "bias",
                    Tensor.wrap(new float[] {-3, 3}, 2)));
            Tensor y = m.predict(Tensor.wrap(new float[] {2}, 1, 1, 1, 1));
            // relu(2 - 3) = 0, relu(2 + 3) = 5
            assertArrayEquals(new float[] {0, 5}, y.toArray());
        }
    }

    // ---------------------------------------------------------------- Keras configs

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

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
    void keras1Convolution2DIsTranslated() {
        // config of convolution2d_1 in keras-real/k1-tf-conv2d-reshape.json (Keras 1, TensorFlow ordering)
        Map<String, Object> k1 = map("name", "convolution2d_1", "trainable", true, "batch_input_shape",
                Arrays.asList(null, 5, 5, 5), "input_dtype", "float32", "nb_filter", 6, "nb_row", 3, "nb_col", 2,
                "init", "glorot_uniform", "activation", "linear", "border_mode", "valid", "subsample", List.of(1, 1),
                "dim_ordering", "tf", "W_regularizer", null, "b_regularizer", null, "activity_regularizer", null,
                "W_constraint", null, "b_constraint", null, "bias", true);
        Conv2dProvider p = new Conv2dProvider();
        Map<String, Object> params = p.fromKeras("Convolution2D", k1);
        assertEquals(map("filters", 6, "kernel_size", List.of(3, 2), "strides", List.of(1, 1), "padding", "valid",
                "use_bias", true, "kernel_initializer", "glorot_uniform", "activation", "linear", "data_format",
                "channels_last"), params);
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = buildFromKeras(e, p, "Convolution2D", List.of(5, 5, 5), k1);
            assertArrayEquals(new int[] {3, 2, 5, 6}, m.layers().get(0).weightShapes().get("kernel"));
            assertEquals(Shape.of(3, 4, 6), m.layers().get(0).outputShape());
            assertEquals(3 * 2 * 5 * 6 + 6, m.layers().get(0).parameters());
        }
        Map<String, Object> noBias = new LinkedHashMap<>(k1);
        noBias.put("bias", false);
        noBias.put("init", "uniform");
        noBias.put("border_mode", "same");
        noBias.put("subsample", List.of(2, 2));
        Map<String, Object> q = p.fromKeras("Convolution2D", noBias);
        assertEquals(false, q.get("use_bias"));
        assertEquals("uniform", q.get("kernel_initializer")); // a Keras alias that Initializers reads
        assertEquals("same", q.get("padding"));
        assertEquals(List.of(2, 2), q.get("strides"));
        // Keras 2 kept Convolution2D as an alias of Conv2D: its keys pass through
        Map<String, Object> alias = p.fromKeras("Convolution2D", map("name", "c", "filters", 2, "kernel_size", 3,
                "padding", "same", "kernel_regularizer", null));
        assertEquals(map("filters", 2, "kernel_size", 3, "padding", "same"), alias);
    }

    @Test
    void keras1TheanoOrderingIsRejectedWithAdvice() {
        Map<String, Object> th = map("name", "convolution2d_1", "nb_filter", 4, "nb_row", 3, "nb_col", 3,
                "init", "glorot_uniform", "activation", "linear", "border_mode", "same", "subsample", List.of(1, 1),
                "dim_ordering", "th");
        Conv2dProvider p = new Conv2dProvider();
        assertEquals("channels_first", p.fromKeras("Convolution2D", th).get("data_format"));
        try (StandaloneEngine e = TestModels.engine()) {
            ModelException ex = assertThrows(ModelException.class,
                    () -> buildFromKeras(e, p, "Convolution2D", List.of(28, 28, 1), th));
            assertMessage(ex, "channels_first", "channels_last (NHWC) only");
        }
    }

    @Test
    void keras2Conv2DAndDepthwiseConfigsPassThrough() {
        // from keras-real/k2-vww96-mobilenet.json (tf.keras 2): regularizers are training-only and dropped
        Map<String, Object> conv = map("name", "conv2d", "trainable", true, "dtype", "float32", "filters", 8,
                "kernel_size", List.of(3, 3), "strides", List.of(2, 2), "padding", "same", "data_format",
                "channels_last", "dilation_rate", List.of(1, 1), "groups", 1, "activation", "linear", "use_bias",
                true, "kernel_initializer", map("class_name", "HeNormal", "config", map("seed", null)),
                "bias_initializer", map("class_name", "Zeros", "config", map()), "kernel_regularizer",
                map("class_name", "L2", "config", map("l2", 1e-4)), "bias_regularizer", null,
                "activity_regularizer", null, "kernel_constraint", null, "bias_constraint", null);
        Map<String, Object> dw = map("name", "depthwise_conv2d", "trainable", true, "dtype", "float32",
                "kernel_size", List.of(3, 3), "strides", List.of(1, 1), "padding", "same", "data_format",
                "channels_last", "dilation_rate", List.of(1, 1), "groups", 1, "activation", "linear", "use_bias",
                true, "bias_initializer", map("class_name", "Zeros", "config", map()), "bias_regularizer", null,
                "activity_regularizer", null, "bias_constraint", null, "depth_multiplier", 1,
                "depthwise_initializer", map("class_name", "GlorotUniform", "config", map("seed", null)),
                "depthwise_regularizer", null, "depthwise_constraint", null);
        Conv2dProvider cp = new Conv2dProvider();
        DepthwiseConv2dProvider dp = new DepthwiseConv2dProvider();
        Map<String, Object> cparams = cp.fromKeras("Conv2D", conv);
        assertFalse(cparams.containsKey("kernel_regularizer") || cparams.containsKey("trainable"));
        assertEquals(8, cparams.get("filters"));
        Map<String, Object> dparams = dp.fromKeras("DepthwiseConv2D", dw);
        assertFalse(dparams.containsKey("groups") || dparams.containsKey("depthwise_regularizer"));
        assertEquals(1, dparams.get("depth_multiplier"));
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = buildFromKeras(e, cp, "Conv2D", List.of(96, 96, 3), conv);
            assertEquals(Shape.of(48, 48, 8), m.layers().get(0).outputShape());
            assertEquals(224, m.layers().get(0).parameters()); // 3*3*3*8 + 8, as Keras prints
            Model d = buildFromKeras(e, dp, "DepthwiseConv2D", List.of(48, 48, 8), dw);
            assertEquals(Shape.of(48, 48, 8), d.layers().get(0).outputShape());
            assertEquals(80, d.layers().get(0).parameters()); // 3*3*8*1 + 8
        }
    }

    @Test
    void zeroPadding2DConfigs() {
        ZeroPadding2dProvider p = new ZeroPadding2dProvider();
        Map<String, Object> k2 = p.fromKeras("ZeroPadding2D", map("name", "zero_padding2d", "trainable", true,
                "padding", List.of(List.of(0, 1), List.of(0, 1)), "data_format", "channels_last"));
        assertEquals(map("padding", List.of(List.of(0, 1), List.of(0, 1)), "data_format", "channels_last"), k2);
        Map<String, Object> k1 = p.fromKeras("ZeroPadding2D", map("name", "zeropadding2d_1", "padding",
                map("top_pad", 1, "bottom_pad", 2, "left_pad", 3, "right_pad", 4), "dim_ordering", "tf"));
        assertEquals(map("padding", List.of(List.of(1, 2), List.of(3, 4)), "data_format", "channels_last"), k1);
        try (StandaloneEngine e = TestModels.engine()) {
            Model m = buildFromKeras(e, p, "ZeroPadding2D", List.of(4, 4, 2), map("name", "zp", "padding",
                    List.of(List.of(0, 1), List.of(0, 1))));
            assertEquals(Shape.of(5, 5, 2), m.layers().get(0).outputShape());
        }
    }

    @Test
    void providersDescribeThemselves() {
        Conv2dProvider c = new Conv2dProvider();
        assertEquals("conv2d", c.type());
        assertEquals(List.of("filters", "kernel_size"), c.positionalParameters());
        assertEquals(List.of("Conv2D", "Convolution2D"), c.kerasClasses());
        DepthwiseConv2dProvider d = new DepthwiseConv2dProvider();
        assertEquals("depthwise_conv2d", d.type());
        assertEquals(List.of("kernel_size"), d.positionalParameters());
        assertEquals(List.of("DepthwiseConv2D"), d.kerasClasses());
        ZeroPadding2dProvider z = new ZeroPadding2dProvider();
        assertEquals("zero_padding2d", z.type());
        assertEquals(List.of("padding"), z.positionalParameters());
        assertEquals(List.of("ZeroPadding2D"), z.kerasClasses());
    }

    @Test
    void serviceLoaderFindsTheProviders() {
        try (StandaloneEngine e = Engines.fromServiceLoader(ConvLayersTest.class.getClassLoader())) {
            assertTrue(e.layerTypes().containsAll(List.of("conv2d", "depthwise_conv2d", "zero_padding2d")),
                    e.layerTypes().toString());
        }
    }
}
