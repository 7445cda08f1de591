package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Fakes;

/** The one-line form's graph syntax: {@code @node} references, {@code ;} branches, outputs, carets. */
class OneLineGraphTest {
    /** README's residual basic block. */
    static final String RESNET_BLOCK = "input(8, 8, 4) | conv2d(4, 3, padding=same, name=a) | relu"
            + " | conv2d(4, 3, padding=same) | add(@a) | relu";
    /** README's two-headed model. */
    static final String TWO_HEADS = "input(8, 8, 3) | conv2d(4, 3, name=trunk) | flatten | dense(10, name=classes)"
            + " ; @trunk | max_pooling2d(2) | flatten | dense(4, name=box)";

    private final StandaloneEngine engine = Fakes.graphEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static List<String> inputs(ModelDescription d, String layer) {
        return d.layers().stream().filter(l -> l.name().equals(layer)).findFirst().orElseThrow().inputs();
    }

    private ModelException error(String line) {
        return assertThrows(ModelException.class, () -> engine.build(engine.parse(line)));
    }

    /** The error's caret sits under column {@code col} (1-based). */
    private static void assertCaret(ModelException e, String line, int col, String... parts) {
        String[] rows = e.getMessage().split("\n");
        assertTrue(rows[0].contains("column " + col + ":"), e.getMessage());
        assertEquals("  " + line, rows[1]);
        assertEquals("  " + " ".repeat(col - 1) + "^", rows[2]);
        for (String p : parts) {
            assertTrue(rows[0].contains(p), "expected '" + p + "' in: " + rows[0]);
        }
    }

    @Test
    void residualBlockAddsTheShortcutToThePipedValue() {
        ModelDescription d = engine.parse(RESNET_BLOCK);
        assertTrue(d.isGraph());
        assertEquals(List.of("conv2d", "a"), inputs(d, "add"), "the piped value first, then @a");
        assertEquals(List.of("activation_1"), d.outputs(), "the last relu");
        try (Model m = engine.build(d)) {
            Tensor x = Tensor.zeros(1, 8, 8, 4);
            for (int i = 0; i < x.size(); i++) {
                x.data()[i] = (i % 13) / 13f - 0.4f;
            }
            Map<String, Tensor> t = new java.util.LinkedHashMap<>();
            m.trace(x).forEach(s -> t.put(s.name(), s.output()));
            float[] a = t.get("a").toArray(), c = t.get("conv2d").toArray(), sum = t.get("add").toArray();
            for (int i = 0; i < sum.length; i++) {
                assertEquals(a[i] + c[i], sum[i], 0f);
            }
            assertArrayEquals(t.get("activation_1").toArray(), m.predict(x).toArray());
        }
    }

    @Test
    void twoHeadsAreTwoOutputs() {
        ModelDescription d = engine.parse(TWO_HEADS);
        assertEquals(List.of("classes", "box"), d.outputs());
        assertEquals(List.of("trunk"), inputs(d, "max_pooling2d"));
        try (Model m = engine.build(d)) {
            Map<String, Tensor> out = m.predictAll(Tensor.zeros(2, 8, 8, 3));
            assertEquals(List.of("classes", "box"), List.copyOf(out.keySet()));
            assertArrayEquals(new int[] {2, 10}, out.get("classes").shape());
            assertArrayEquals(new int[] {2, 4}, out.get("box").shape());
        }
    }

    @Test
    void aBranchMayJoinLaterAndTheJoinIsTheOutput() {
        ModelDescription d = engine.parse("input(6, 6, 2) | conv2d(2, 1, name=x) | relu(name=r) ; @x | conv2d(2, 1, "
                + "name=y) ; concatenate(@r, @y, name=cat)");
        assertEquals(List.of("r", "y"), inputs(d, "cat"), "a branch whose first layer reads only its @ arguments");
        assertEquals(List.of("cat"), d.outputs(), "chains read by others are not outputs");
        try (Model m = engine.build(d)) {
            assertArrayEquals(new int[] {1, 6, 6, 4}, m.predict(Tensor.zeros(1, 6, 6, 2)).shape());
        }
    }

    @Test
    void chainsParseAsBeforeWithoutInputs() {
        ModelDescription d = engine.parse("input(8, 8, 3) | conv2d(3, 3) | relu");
        assertFalse(d.isGraph());
        for (LayerSpec s : d.layers()) {
            assertTrue(s.inputs().isEmpty());
            assertEquals(null, s.name(), "chains keep default names for the engine to choose");
        }
    }

    @Test
    void defaultNamesCanBeReferenced() {
        ModelDescription d = engine.parse("input(6, 6, 2) | conv2d(2, 1) | conv2d(2, 1) | add(@conv2d)");
        assertEquals(List.of("conv2d_1", "conv2d"), inputs(d, "add"));
        assertEquals(List.of("input"), inputs(d, "conv2d"));
    }

    @Test
    void unknownReferencesGetACaretAndASuggestion() {
        String line = "conv2d(3, 3, name=stem) | add(@stme)";
        assertCaret(error(line), line, 31, "unknown node @stme", "did you mean @stem?");
        String branch = "conv2d(3, 3, name=stem) ; @nope | relu";
        assertCaret(error(branch), branch, 27, "unknown node @nope");
    }

    @Test
    void cyclesGetACaretUnderTheReferenceThatClosesThem() {
        String line = "conv2d(3, 3, name=a) | add(@b, name=b2) | conv2d(3, 3, name=b)";
        ModelException e = error(line);
        assertCaret(e, line, 28, "cycle: ");
        assertTrue(e.getMessage().contains("cycle: b2 -> b -> b2"), e.getMessage());
        String self = "conv2d(3, 3, name=a) | add(@a2, name=a2)";
        assertCaret(error(self), self, 28, "@a2 is this layer itself");
    }

    @Test
    void branchSyntaxErrors() {
        String noStart = "conv2d(3, 3) ; relu";
        assertCaret(error(noStart), noStart, 16, "a branch after ';' says what it reads");
        String noPipe = "conv2d(3, 3, name=a) ; @a relu";
        assertCaret(error(noPipe), noPipe, 27, "expected '|' after @a");
        String trailing = "conv2d(3, 3) ;";
        assertTrue(error(trailing).getMessage().contains("expected a branch after ';'")
                || error(trailing).getMessage().contains("expected a layer type"), error(trailing).getMessage());
        String keyed = "conv2d(3, 3, name=a) | add(x=@a)";
        assertCaret(error(keyed), keyed, 28, "@a is an input, not a value for 'x'");
    }
}
