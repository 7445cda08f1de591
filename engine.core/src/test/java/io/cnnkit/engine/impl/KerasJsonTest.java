package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Fakes;

/** Keras model.to_json() of real files (test resources keras-json/, see NOTICE) and small hand-written ones. */
class KerasJsonTest {
    private final StandaloneEngine engine = Fakes.kerasEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    static String resource(String name) {
        try (InputStream in = KerasJsonTest.class.getResourceAsStream("/keras-json/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource keras-json/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    private static List<String> names(ModelDescription d) {
        return d.layers().stream().map(LayerSpec::name).toList();
    }

    private static List<String> types(ModelDescription d) {
        return d.layers().stream().map(LayerSpec::type).toList();
    }

    @Test
    void keras1SequentialWithKeras1Spellings() {
        ModelDescription d = engine.parse(resource("k1-tf-conv2d-reshape.json"));
        assertEquals("sequential", d.name());
        assertEquals(Shape.of(5, 5, 5), d.inputShape());
        assertEquals(5, d.layers().size());
        assertEquals(List.of("conv2d", "reshape", "conv2d", "flatten", "dense"), types(d));
        assertEquals("convolution2d_1", d.layers().get(0).name());
        assertEquals("dense_1", d.layers().get(4).name());
        // The test provider reads nb_filter/nb_row/nb_col; the parser passed the whole config.
        LayerSpec conv = d.layers().get(0);
        assertEquals(6L, conv.raw("filters"));
        assertEquals(List.of(3L, 2L), conv.raw("kernel_size"));
        assertEquals("valid", conv.raw("padding"));
    }

    @Test
    void keras2FunctionalChain() {
        ModelDescription d = engine.parse(resource("k2-conv-avgpool-gap.json"));
        assertEquals(Shape.of(10, 10, 3), d.inputShape());
        assertEquals(13, d.layers().size());
        assertEquals("conv2d_30", d.layers().get(0).name());
        assertEquals("global_average_pooling2d_19", d.layers().get(12).name());
        assertEquals("dropout", d.layers().get(1).type(), "SpatialDropout2D goes to the provider listing it");
    }

    @Test
    void keras2SequentialWithInputLayer() {
        ModelDescription d = engine.parse(resource("k2-conv2d-sigmoid.json"));
        assertEquals("sequential", d.name());
        assertEquals(Shape.of(5, 5, 1), d.inputShape());
        assertEquals(List.of("conv2d"), names(d));
        assertEquals("sigmoid", d.layers().get(0).raw("activation"));
        assertEquals(List.of(3L, 3L), d.layers().get(0).raw("kernel_size"));
    }

    @Test
    void fullFileWrapperWithKerasVersion() {
        ModelDescription d = engine.parse(resource("k2-jettagger-conv2d-bn.json"));
        assertEquals(Shape.of(25, 25, 1), d.inputShape());
        assertEquals(10, d.layers().size());
        assertEquals("batch_normalization_1", d.layers().get(0).name());
        assertEquals("output_softmax", d.layers().get(9).name());
        assertTrue(names(d).contains("cnn2D_1_relu"), "user-chosen names are kept: " + names(d));
    }

    @Test
    void mobilenetIsAChain() {
        ModelDescription d = engine.parse(resource("k2-vww96-mobilenet.json"));
        assertEquals(Shape.of(96, 96, 3), d.inputShape());
        assertEquals(84, d.layers().size());
        assertEquals("conv2d", d.layers().get(0).name());
        assertEquals(List.of(2L, 2L), d.layers().get(0).raw("strides"));
        assertEquals("dense", d.layers().get(83).name());
        assertTrue(types(d).contains("depthwise_conv2d"));
    }

    @Test
    void resnetsParseAsGraphs() {
        for (String file : List.of("k2-resnet8-cifar10.json", "k3-resnet8-cifar10.json")) {
            ModelDescription d = engine.parse(resource(file));
            assertTrue(d.isGraph(), file);
            assertEquals(Shape.of(32, 32, 3), d.inputShape(), file);
            LayerSpec add = d.layers().stream().filter(l -> "add".equals(l.name())).findFirst().orElseThrow();
            assertEquals("add", add.type(), file);
            assertEquals(List.of("activation", "batch_normalization_2"), add.inputs(), file);
            assertEquals(List.of(d.inputName()), d.layers().get(0).inputs(), file + ": the first conv reads the input");
            assertEquals(List.of("dense"), d.outputs(), file);
        }
    }

    @Test
    void twoHeadedMtcnnHasTwoOutputs() {
        ModelDescription d = engine.parse(resource("k2-mtcnn-12net.json"));
        assertEquals("model_2", d.name());
        assertEquals(List.of("conv4-1", "conv4-2"), d.outputs());
        List<LayerSpec> heads = d.layers().stream().filter(l -> l.name().startsWith("conv4")).toList();
        assertEquals(2, heads.size());
        for (LayerSpec h : heads) {
            assertEquals(List.of("PReLU3"), h.inputs(), h.name() + " branches off PReLU3");
        }
    }

    @Test
    void lambdaLayersAreRefusedByName() {
        for (String cls : List.of("Lambda", "TFOpLambda", "SlicingOpLambda")) {
            var e = assertThrows(ModelException.class, () -> engine.parse("""
                    {"class_name": "Sequential", "config": {"name": "l", "layers": [
                      {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [null, 4]}},
                      {"class_name": "%s", "config": {"name": "py", "function": "abc"}}]}}""".formatted(cls)));
            assertContains(e.getMessage(), "layer 2 'py' (" + cls + ") runs Python code", "cannot run in Java");
        }
    }

    @Test
    void theanoOrderingNeedsAPermuteProvider() {
        // The fake engine has no permute: converting the Flatten of a (C, H, W) tensor needs one.
        var e = assertThrows(ModelException.class, () -> engine.parse(resource("k1-th-mnist-cnn.json")));
        assertContains(e.getMessage(), "is channels_first (layer 1 'convolution2d_1' uses dim_ordering \"th\" (Theano))",
                "needs a permute before 'flatten_1'", "no provider of layer type 'permute'");
    }

    /** Reads a Keras class with its config as is (to see what the parser hands providers). */
    private static io.cnnkit.engine.api.LayerProvider verbatim(String type, String kerasClass) {
        return new io.cnnkit.engine.fakes.ParseOnly(type, kerasClass) {
            @Override
            public java.util.Map<String, Object> fromKeras(String cls, java.util.Map<String, Object> config) {
                java.util.Map<String, Object> out = new java.util.LinkedHashMap<>(config);
                out.remove("batch_input_shape");
                return out;
            }
        };
    }

    @Test
    void channelsFirstIsConvertedToChannelsLast() {
        engine.register(verbatim("conv2d", "Conv2D"), 10);
        engine.register(verbatim("batch_normalization", "BatchNormalization"), 10);
        engine.register(verbatim("max_pooling2d", "MaxPooling2D"), 10);
        ModelDescription d = engine.parse("""
                {"class_name": "Sequential", "config": {"name": "cf", "layers": [
                  {"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3],
                   "data_format": "channels_first", "batch_input_shape": [null, 3, 8, 6]}},
                  {"class_name": "BatchNormalization", "config": {"name": "bn", "axis": 1}},
                  {"class_name": "MaxPooling2D", "config": {"name": "p", "pool_size": [2, 2],
                   "data_format": "channels_first"}}]}}""");
        assertEquals(Shape.of(8, 6, 3), d.inputShape(), "(C, H, W) becomes (H, W, C)");
        assertEquals("channels_last", d.layers().get(0).raw("data_format"));
        assertEquals(3L, d.layers().get(1).raw("axis"), "the channel axis moves to the end");
        assertEquals(1, d.notes().size());
        assertContains(d.notes().get(0), "converted from channels_first (layer 1 'c' uses data_format "
                + "\"channels_first\") to channels_last", "the input is (None, 8, 6, 3) (batch, rows, cols, channels)");
        var refused = assertThrows(ModelException.class, () -> engine.parse("""
                {"class_name": "Sequential", "config": {"name": "cf2", "layers": [
                  {"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3],
                   "data_format": "channels_first", "batch_input_shape": [null, 3, 8, 8]}},
                  {"class_name": "Reshape", "config": {"name": "r", "target_shape": [2, 36]}}]}}"""));
        assertContains(refused.getMessage(), "Keras model 'cf2' is channels_first", "not layer 2 'r' (Reshape)",
                "depends on the layout");
    }

    @Test
    void subclassedModelIsRefused() {
        var e = assertThrows(ModelException.class, () -> engine.parse(resource("k3-nested-dense.json")));
        assertContains(e.getMessage(), "NestedDenseModel", "no layer list", "Sequential and Functional");
    }

    @Test
    void unknownKerasClassListsWhatProvidersRead() {
        StandaloneEngine small = Fakes.engine();
        try {
            var e = assertThrows(ModelException.class, () -> small.parse(resource("k2-jettagger-conv2d-bn.json")));
            // Keras's position in its layer list: input_1 is layer 1.
            assertContains(e.getMessage(), "layer 2 'batch_normalization_1' (BatchNormalization)",
                    "no layer type present reads Keras class 'BatchNormalization'",
                    "Activation, Conv2D, Convolution2D, Dense, Dropout, Flatten, MaxPooling2D, SpatialDropout2D");
        } finally {
            small.close();
        }
    }

    @Test
    void keras3SequentialAndFunctional() {
        String seq = """
                {"module": "keras", "class_name": "Sequential", "config": {"name": "s3", "trainable": true,
                 "layers": [
                  {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 3],
                   "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
                  {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv2d", "filters": 4,
                   "kernel_size": [3, 3], "padding": "same", "activation": "relu"}, "registered_name": null,
                   "build_config": {"input_shape": [null, 8, 8, 3]}},
                  {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flatten"}}]},
                 "keras_version": "3.7.0", "backend": "tensorflow"}""";
        ModelDescription d = engine.parse(seq);
        assertEquals("s3", d.name());
        assertEquals(Shape.of(8, 8, 3), d.inputShape());
        assertEquals(List.of("conv2d", "flatten"), names(d));

        String fn = """
                {"class_name": "Functional", "config": {"name": "f3", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, null, null, 3], "name": "in"},
                   "name": "in", "inbound_nodes": []},
                  {"class_name": "Dense", "config": {"name": "d2", "units": 2}, "name": "d2",
                   "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 5],
                    "dtype": "float32", "keras_history": ["f", 0, 0]}}], "kwargs": {}}]},
                  {"class_name": "Flatten", "config": {"name": "f"}, "name": "f",
                   "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, null, null, 3],
                    "dtype": "float32", "keras_history": ["in", 0, 0]}}], "kwargs": {}}]}],
                 "input_layers": [["in", 0, 0]], "output_layers": [["d2", 0, 0]]}}""";
        ModelDescription f = engine.parse(fn);
        assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3), f.inputShape());
        assertEquals(List.of("f", "d2"), names(f), "layers follow the graph, not the file order");
        assertEquals(2L, f.layers().get(1).raw("units"));
    }

    @Test
    void keras1FunctionalAndModelConfigWrapper() {
        String k1 = """
                {"class_name": "Model", "config": {"name": "m1", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 1], "name": "input_1"},
                   "name": "input_1", "inbound_nodes": []},
                  {"class_name": "Convolution2D", "config": {"name": "c1", "nb_filter": 2, "nb_row": 3, "nb_col": 3,
                   "dim_ordering": "tf", "border_mode": "same"}, "name": "c1", "inbound_nodes": [[["input_1", 0, 0]]]},
                  {"class_name": "Activation", "config": {"name": "a1", "activation": "relu"}, "name": "a1",
                   "inbound_nodes": [[["c1", 0, 0]]]}],
                 "input_layers": [["input_1", 0, 0]], "output_layers": [["a1", 0, 0]]}}""";
        ModelDescription d = engine.parse(k1);
        assertEquals(List.of("c1", "a1"), names(d));
        assertEquals(Shape.of(6, 6, 1), d.inputShape());
        String wrapped = "{\"model_config\": " + new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(k1) + "}";
        assertEquals(d, engine.parse(wrapped), "model_config given as a JSON string");
        assertEquals(d, engine.parse("{\"model_config\": " + k1 + "}"), "model_config given as an object");
    }

    @Test
    void sharedLayerAndDanglingInputsAreRefused() {
        String shared = """
                {"class_name": "Model", "config": {"name": "sh", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "name": "i"}, "name": "i",
                   "inbound_nodes": []},
                  {"class_name": "Dense", "config": {"name": "d", "units": 4}, "name": "d",
                   "inbound_nodes": [[["i", 0, 0, {}]], [["i", 0, 0, {}]]]}],
                 "input_layers": [["i", 0, 0]], "output_layers": [["d", 0, 0]]}}""";
        assertContains(assertThrows(ModelException.class, () -> engine.parse(shared)).getMessage(),
                "Keras model 'sh'", "layer 'd' (Dense) is applied 2 times (a shared layer)");
        String missing = shared.replace("[[[\"i\", 0, 0, {}]], [[\"i\", 0, 0, {}]]]", "[[[\"x\", 0, 0, {}]]]");
        assertContains(assertThrows(ModelException.class, () -> engine.parse(missing)).getMessage(),
                "layer 'd' takes its input from 'x', which is not in the model");
    }

    @Test
    void kerasStructureErrors() {
        assertContains(assertThrows(ModelException.class, () -> engine.parse(
                "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"config\": {}}]}}")).getMessage(),
                "layer 1", "\"class_name\" is required");
        assertContains(assertThrows(ModelException.class, () -> engine.parse(
                "{\"class_name\": \"Sequential\", \"config\": {\"layers\": 3}}")).getMessage(),
                "\"config.layers\" must be a list");
        assertContains(assertThrows(ModelException.class, () -> engine.parse(
                "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"InputLayer\", "
                        + "\"config\": {\"batch_input_shape\": [null, -2, 3], \"name\": \"i\"}}]}}")).getMessage(),
                "layer 'i'", "batch_input_shape", "positive integers or null");
    }

    @Test
    void nestedModelAndMissingShape() {
        var e = assertThrows(ModelException.class, () -> engine.parse("""
                {"class_name": "Sequential", "config": {"name": "outer", "layers": [
                  {"class_name": "Sequential", "config": {"name": "inner", "layers": [
                    {"class_name": "Flatten", "config": {"name": "f"}}]}}]}}"""));
        assertContains(e.getMessage(), "layer 1 'inner' (Sequential) is a nested model");
        ModelDescription d = engine.parse("""
                {"class_name": "Sequential", "config": {"name": "open", "layers": [
                  {"class_name": "Conv2D", "config": {"name": "c", "filters": 1, "kernel_size": 1}}]}}""");
        assertEquals(ModelDescription.DEFAULT_INPUT, d.inputShape(), "unbuilt Keras model: open RGB input");
    }

    @Test
    void parsedKerasChainBuildsAndRuns() {
        String json = """
                {"class_name": "Sequential", "config": {"name": "tiny", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 1], "name": "in"}},
                  {"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3],
                   "padding": "valid", "activation": "relu", "use_bias": true, "data_format": "channels_last",
                   "kernel_initializer": {"class_name": "Constant", "config": {"value": 0.5}},
                   "bias_initializer": {"class_name": "Zeros", "config": {}}}},
                  {"class_name": "MaxPooling2D", "config": {"name": "p", "pool_size": [2, 2], "strides": [2, 2],
                   "padding": "valid"}},
                  {"class_name": "Flatten", "config": {"name": "f"}},
                  {"class_name": "Dense", "config": {"name": "d", "units": 1, "activation": "linear",
                   "kernel_initializer": {"class_name": "Ones", "config": {}}}}]}, "keras_version": "2.13.1"}""";
        try (Model m = engine.build(engine.parse(json))) {
            Tensor x = Tensor.zeros(1, 6, 6, 1);
            for (int i = 0; i < 36; i++) {
                x.data()[i] = i % 6; // column index
            }
            // conv: 0.5 * sum of a 3x3 window of column indices = 0.5 * 3 * (3ox + 3) = 4.5 ox + 4.5
            // pool 2x2 over 4x4 -> max at ox = 1 and 3: 9 and 18; two filters; dense ones -> 2*(9+18+9+18) = 108
            Tensor y = m.predict(x);
            assertEquals(108f, y.get(0, 0), 1e-4);
            assertEquals(List.of("c", "p", "f", "d"), m.layers().stream().map(l -> l.name()).toList());
        }
    }
}
