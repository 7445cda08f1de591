package io.cnnkit.activations.softmax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;

class SoftmaxTest {
    private final Softmax softmax = new Softmax();

    @Test
    void onlyTheLastAxis() {
        assertSame(softmax, softmax.configure(new LayerSpec(1, "activation", "s", Map.of("axis", -1))));
        ModelException e = assertThrows(ModelException.class,
                () -> softmax.configure(new LayerSpec(1, "activation", "s", Map.of("axis", 1))));
        assertEquals("layer 1 's' (activation): parameter 'axis' must be -1: softmax here normalises over the "
                + "last axis only, got 1; move that axis last (permute/reshape) before the softmax", e.getMessage());
    }

    @Test
    void refusesPartialRows() {
        float[] x = new float[7];
        var e = assertThrows(IllegalArgumentException.class, () -> softmax.apply(x, 0, x, 0, 7, 3));
        assertEquals("softmax needs whole rows: 7 elements are not a multiple of the last axis 3", e.getMessage());
    }

    @Test
    void emptyTensorIsANoOp() {
        float[] x = {5f};
        softmax.apply(x, 1, x, 1, 0, 0);
        assertArrayEquals(new float[] {5f}, x);
    }

    @Test
    void uniformRowsByHand() {
        float[] x = {2f, 2f, 2f, 2f, -7f, -7f};
        softmax.apply(x, 0, x, 0, 6, 2);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, x);
    }
}
