package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.fakes.Fakes;

class CnnkitJsonTest {
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    private ModelException parseError(String json) {
        return assertThrows(ModelException.class, () -> engine.parse(json));
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void walkthroughSeed() {
        ModelDescription d = engine.parse("""
                {"name": "seed", "input_shape": [null, null, 3], "seed": 7, "layers": [
                  {"type": "conv2d", "name": "conv_1", "filters": 3, "kernel_size": 3},
                  {"type": "max_pooling2d", "pool_size": 3},
                  {"type": "activation", "activation": "relu"}]}""");
        assertEquals("seed", d.name());
        assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3), d.inputShape());
        assertEquals(7L, d.seed());
        assertEquals(3, d.layers().size());
        LayerSpec c = d.layers().get(0);
        assertEquals("conv2d", c.type());
        assertEquals("conv_1", c.name());
        assertEquals(3L, c.raw("filters"));
        assertEquals(1, c.position());
        assertNull(d.layers().get(1).name());
        assertEquals("relu", d.layers().get(2).raw("activation"));
    }

    @Test
    void defaults() {
        ModelDescription d = engine.parse("{\"layers\": []}");
        assertEquals("model", d.name());
        assertEquals(ModelDescription.DEFAULT_INPUT, d.inputShape());
        assertEquals(0L, d.seed());
    }

    @Test
    void valuesKeepTheirJsonTypes() {
        LayerSpec s = engine.parse("""
                {"layers": [{"type": "conv2d", "filters": 2, "kernel_size": [3, 2], "use_bias": false,
                 "activation": null, "kernel_initializer": {"class_name": "Constant", "config": {"value": 0.5}}}]}""")
                .layers().get(0);
        assertEquals(List.of(3L, 2L), s.raw("kernel_size"));
        assertEquals(Boolean.FALSE, s.raw("use_bias"));
        assertTrue(s.params().containsKey("activation"));
        assertNull(s.raw("activation"));
        assertEquals(java.util.Map.of("class_name", "Constant", "config", java.util.Map.of("value", 0.5)),
                s.raw("kernel_initializer"));
    }

    @Test
    void malformedJson() {
        assertContains(parseError("{\"layers\": [}").getMessage(), "malformed JSON", "line 1, column");
        assertContains(parseError("{\"layers\": []} trailing").getMessage(), "malformed JSON");
        // a second value after the description: named with its place
        assertContains(parseError("{\"layers\": []}\n {}").getMessage(), "malformed JSON", "line 2, column 2",
                "trailing {");
        assertContains(parseError("{\"layers\": [{\"type\": \"conv2d\", \"filters\": 1, \"filters\": 2}]}")
                .getMessage(), "malformed JSON", "filters");
        assertContains(parseError("   ").getMessage(), "empty model description");
    }

    @Test
    void structureErrors() {
        assertContains(parseError("{\"name\": \"m\"}").getMessage(), "model 'm'", "\"layers\" must be a JSON array");
        assertContains(parseError("{\"layers\": {\"type\": \"conv2d\"}}").getMessage(), "\"layers\" must be a JSON array");
        assertContains(parseError("{\"layers\": [\"conv2d\"]}").getMessage(), "layer 1", "JSON object");
        assertContains(parseError("{\"layers\": [{\"type\": \"relu\"}, {\"filters\": 3}]}").getMessage(),
                "layer 2", "field \"type\" is required", "conv2d");
        assertContains(parseError("{\"layers\": [{\"type\": 3}]}").getMessage(), "layer 1", "\"type\"", "got 3");
        assertContains(parseError("{\"layers\": [{\"type\": \"conv2d\", \"name\": 5}]}").getMessage(),
                "layer 1 (conv2d)", "field \"name\" must be a string");
        assertContains(parseError("{\"name\": 1, \"layers\": []}").getMessage(), "\"name\" must be a string");
        assertContains(parseError("{\"seed\": \"x\", \"layers\": []}").getMessage(), "\"seed\" must be an integer");
        assertContains(parseError("{\"layer\": []}").getMessage(), "unknown top-level field \"layer\"",
                "name, input_shape, input_name, seed, layers and outputs");
    }

    @Test
    void badInputShapes() {
        assertContains(parseError("{\"input_shape\": [28, -1, 3], \"layers\": []}").getMessage(),
                "\"input_shape\"", "positive integers or null", "-1");
        assertContains(parseError("{\"input_shape\": [0, 2, 3], \"layers\": []}").getMessage(), "input_shape");
        assertContains(parseError("{\"input_shape\": [\"28\", 28, 3], \"layers\": []}").getMessage(), "input_shape");
        assertContains(parseError("{\"input_shape\": [], \"layers\": []}").getMessage(), "input_shape", "a list");
        assertContains(parseError("{\"input_shape\": 28, \"layers\": []}").getMessage(), "input_shape", "a list");
        assertContains(parseError("{\"input_shape\": [2.5, 3], \"layers\": []}").getMessage(), "input_shape");
    }

    @Test
    void duplicateNames() {
        var e = parseError("""
                {"layers": [{"type": "conv2d", "name": "c", "filters": 1, "kernel_size": 1},
                            {"type": "conv2d", "name": "c", "filters": 1, "kernel_size": 1}]}""");
        assertContains(e.getMessage(), "layer 2 'c' (conv2d)", "already used by layer 1", "unique");
    }

    @Test
    void buildErrorsNameLayerAndParameter() {
        var unknown = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"layers\": [{\"type\": \"conv2d\", \"filters\": 1, \"kernel_size\": 1}, {\"type\": \"conv3d\"}]}")));
        assertContains(unknown.getMessage(), "layer 2", "unknown layer type 'conv3d'; did you mean 'conv2d'?");

        var missing = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"layers\": [{\"type\": \"conv2d\", \"kernel_size\": 3}]}")));
        assertContains(missing.getMessage(), "layer 1 'conv2d' (conv2d)", "parameter 'filters' is required");

        var negative = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"layers\": [{\"type\": \"conv2d\", \"filters\": -3, \"kernel_size\": 3}]}")));
        assertContains(negative.getMessage(), "parameter 'filters' must be a positive integer, got -3");

        var zeroKernel = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"layers\": [{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": [3, 0]}]}")));
        assertContains(zeroKernel.getMessage(), "parameter 'kernel_size' must be positive");

        var wrongType = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"layers\": [{\"type\": \"conv2d\", \"filters\": \"many\", \"kernel_size\": 3}]}")));
        assertContains(wrongType.getMessage(), "parameter 'filters' must be an integer, got 'many'");

        var unknownParam = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"layers\": [{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"filter\": 2}]}")));
        assertContains(unknownParam.getMessage(), "unknown parameter 'filter'; did you mean 'filters'?");

        var unknownActivation = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"layers\": [{\"type\": \"activation\", \"activation\": \"swish\"}]}")));
        assertContains(unknownActivation.getMessage(), "unknown activation 'swish'",
                "; activations: relu, sigmoid, softmax, tanh");
    }

    @Test
    void emptyOutputNamesSizesKernelStrideAndPadding() {
        var e = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "{\"input_shape\": [2, 2, 3], \"layers\": [{\"type\": \"conv2d\", \"name\": \"conv_1\", "
                        + "\"filters\": 3, \"kernel_size\": 3}]}")));
        assertContains(e.getMessage(), "layer 1 'conv_1' (conv2d)", "input 2x2", "kernel 3x3", "strides 1x1",
                "padding valid", "empty output");
    }
}
