package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

class OneLineTest {
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    /** The error's caret sits under column {@code col} (1-based) of the echoed line. */
    private static void assertCaret(ModelException e, String line, int col) {
        String[] rows = e.getMessage().split("\n");
        assertContains(rows[0], "column " + col + ":");
        assertEquals("  " + line, rows[1]);
        assertEquals("  " + " ".repeat(col - 1) + "^", rows[2]);
    }

    private ModelException error(String line) {
        return assertThrows(ModelException.class, () -> engine.parse(line));
    }

    @Test
    void theWalkthroughLine() {
        ModelDescription d = engine.parse(
                "conv2d(3, 3, name=conv_1) | max_pooling2d(3) | relu | flatten | dense(8, activation=relu)");
        assertEquals(ModelDescription.DEFAULT_INPUT, d.inputShape());
        assertEquals(List.of("conv2d", "max_pooling2d", "activation", "flatten", "dense"),
                d.layers().stream().map(LayerSpec::type).toList());
        LayerSpec conv = d.layers().get(0);
        assertEquals("conv_1", conv.name());
        assertEquals(Map.of("filters", 3L, "kernel_size", 3L), conv.params());
        assertEquals(Map.of("pool_size", 3L), d.layers().get(1).params());
        assertEquals(Map.of("activation", "relu"), d.layers().get(2).params());
        assertNull(d.layers().get(2).name());
        assertEquals(Map.of(), d.layers().get(3).params());
        assertEquals(Map.of("units", 8L, "activation", "relu"), d.layers().get(4).params());
    }

    @Test
    void values() {
        LayerSpec s = engine.parse("conv2d(filters=2, kernel_size=(3, 2), strides=[1, 1], use_bias=False, "
                + "activation=None, padding='same', kernel_initializer=random_normal(0.0, stddev=1e-2), "
                + "bias_initializer=\"ze\\\"ros\", x=-1.5, y=(4,), z=(5), w=(), v=true, u=null)").layers().get(0);
        assertEquals(List.of(3L, 2L), s.raw("kernel_size"));
        assertEquals(List.of(1L, 1L), s.raw("strides"));
        assertEquals(Boolean.FALSE, s.raw("use_bias"));
        assertTrue(s.params().containsKey("activation"));
        assertNull(s.raw("activation"));
        assertEquals("same", s.raw("padding"));
        Map<String, Object> init = new LinkedHashMap<>();
        init.put("class_name", "random_normal");
        init.put("args", List.of(0.0));
        init.put("config", Map.of("stddev", 0.01));
        assertEquals(init, s.raw("kernel_initializer"));
        assertEquals("ze\"ros", s.raw("bias_initializer"));
        assertEquals(-1.5, s.raw("x"));
        assertEquals(List.of(4L), s.raw("y"), "(4,) is a one-element tuple");
        assertEquals(5L, s.raw("z"), "(5) is just 5, as in Python");
        assertEquals(List.of(), s.raw("w"));
        assertEquals(Boolean.TRUE, s.raw("v"));
        assertNull(s.raw("u"));
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String fine = "conv2d(1, 1, x=" + "(".repeat(20) + "1" + ")".repeat(20) + ")";
        assertEquals(1L, engine.parse(fine).layers().get(0).raw("x"));
        String deep = "conv2d(1, 1, x=" + "f(".repeat(5000) + ")".repeat(5000) + ")";
        ModelException e = error(deep);
        assertContains(e.getMessage(), "values nest more than 32 levels deep");
    }

    @Test
    void inputStage() {
        ModelDescription d = engine.parse("input(null, None, 3, name=walk, seed=42) | conv2d(1, 1)");
        assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3), d.inputShape());
        assertEquals("walk", d.name());
        assertEquals(42L, d.seed());
        assertEquals(1, d.layers().size());
        assertEquals(Shape.of(28, 28, 1), engine.parse("input(28, 28, 1) | flatten").inputShape());
    }

    @Test
    void activationWithOptionsAndNames() {
        ModelDescription d = engine.parse("sigmoid(name=squash) | activation(tanh)");
        assertEquals("squash", d.layers().get(0).name());
        assertEquals(Map.of("activation", "sigmoid"), d.layers().get(0).params());
        assertEquals(Map.of("activation", "tanh"), d.layers().get(1).params());
        assertEquals(Map.of("activation", "relu", "max_value", 6L),
                engine.parse("relu(max_value=6)").layers().get(0).params());
    }

    @Test
    void constantInitializerCallReachesInitializers() {
        try (Model m = engine.build(engine.parse(
                "input(5, 5, 3) | conv2d(3, 3, kernel_initializer=constant(0.12), bias_initializer=constant(value=1))"))) {
            Map<String, Tensor> w = m.weights().get("conv2d");
            for (float v : w.get("kernel").toArray()) {
                assertEquals(0.12f, v);
            }
            for (float v : w.get("bias").toArray()) {
                assertEquals(1f, v);
            }
        }
    }

    @Test
    void unknownTypeSuggestsTheClosestOrListsAFew() {
        String line = "conv2d(3, 3) | conv3d(3)";
        var e = error(line);
        assertCaret(e, line, 16);
        assertContains(e.getMessage(), "unknown layer type or activation 'conv3d' at layer 2; did you mean 'conv2d'?");
        line = "conv2d(3, 3) | lstm(3)";
        e = error(line);
        assertCaret(e, line, 16);
        assertContains(e.getMessage(), "unknown layer type or activation 'lstm' at layer 2; layer types and activations: "
                + "activation, conv2d, dense, dropout, flatten, max_pooling2d, relu, sigmoid, softmax, tanh");
    }

    @Test
    void syntaxErrorsShowColumnAndCaret() {
        String line = "conv2d(3, 3, 4) | relu";
        var tooMany = error(line);
        assertCaret(tooMany, line, 14);
        assertContains(tooMany.getMessage(), "at most 2 positional arguments (filters, kernel_size)");

        String flat = "flatten(3)";
        assertContains(error(flat).getMessage(), "flatten takes no positional arguments");

        String open = "conv2d(3, 3";
        var unclosed = error(open);
        assertCaret(unclosed, open, 12);
        assertContains(unclosed.getMessage(), "expected ',' or ')'", "the end of the line");

        String trailing = "conv2d(3, 3) |";
        var t = error(trailing);
        assertCaret(t, trailing, 15);
        assertContains(t.getMessage(), "expected a layer type or activation name");

        String doubled = "conv2d(3, 3) relu";
        assertCaret(error(doubled), doubled, 14);
        assertContains(error(doubled).getMessage(), "expected '|'");

        String str = "conv2d(3, 3, padding='same)";
        var s = error(str);
        assertCaret(s, str, 22);
        assertContains(s.getMessage(), "unterminated string");

        String twice = "conv2d(3, 3, filters=4)";
        var tw = error(twice);
        assertCaret(tw, twice, 14);
        assertContains(tw.getMessage(), "'filters' is given twice");

        String actPos = "relu(6)";
        assertContains(error(actPos).getMessage(), "takes options by name only");

        String badValue = "conv2d(3, =4)";
        var bv = error(badValue);
        assertCaret(bv, badValue, 11);
        assertContains(bv.getMessage(), "expected a value");

        String badNumber = "conv2d(3, 1e)";
        assertContains(error(badNumber).getMessage(), "'1e' is not a number");
    }

    @Test
    void inputErrors() {
        String neg = "input(28, -1, 3) | flatten";
        var e = error(neg);
        assertCaret(e, neg, 11);
        assertContains(e.getMessage(), "positive integers or null", "-1");
        assertContains(error("input() | flatten").getMessage(), "input needs its sizes");
        assertContains(error("input(2, 2, 1, shape=3)").getMessage(), "not 'shape'");
        assertContains(error("flatten | input(2, 2, 1)").getMessage(), "unknown layer type or activation 'input'");
    }

    @Test
    void duplicateNamesAndMissingSizes() {
        assertContains(error("conv2d(1, 1, name=a) | relu(name=a)").getMessage(), "layer 2 'a' (activation)",
                "already used by layer 1");
        var missing = assertThrows(ModelException.class, () -> engine.build(engine.parse("conv2d(3)")));
        assertContains(missing.getMessage(), "layer 1 'conv2d' (conv2d)", "parameter 'kernel_size' is required");
        var negative = assertThrows(ModelException.class, () -> engine.build(engine.parse("dense(-8)")));
        assertContains(negative.getMessage(), "parameter 'units' must be a positive integer, got -8");
    }

    @Test
    void emptyOutput() {
        var e = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "input(2, 2, 3) | conv2d(3, 3, name=conv_1)")));
        assertContains(e.getMessage(), "'conv_1'", "input 2x2", "kernel 3x3", "strides 1x1", "padding valid");
        var strided = assertThrows(ModelException.class, () -> engine.build(engine.parse(
                "input(4, 4, 3) | conv2d(3, 2) | max_pooling2d(4)")));
        assertContains(strided.getMessage(), "layer 2", "input 3x3", "pool 4x4", "empty output");
    }

    @Test
    void sameDescriptionFromAllThreeForms() {
        ModelDescription line = engine.parse("input(8, 8, 3) | conv2d(2, 3, name=c) | relu | flatten | dense(4)");
        ModelDescription json = engine.parse("""
                {"input_shape": [8, 8, 3], "layers": [
                  {"type": "conv2d", "name": "c", "filters": 2, "kernel_size": 3},
                  {"type": "activation", "activation": "relu"}, {"type": "flatten"}, {"type": "dense", "units": 4}]}""");
        assertEquals(json, line);
        try (Model a = engine.build(line); Model b = engine.build(json)) {
            Tensor x = Tensor.zeros(1, 8, 8, 3);
            Arrays.fill(x.data(), 0.25f);
            assertTrue(a.predict(x).contentEquals(b.predict(x)));
        }
    }
}
