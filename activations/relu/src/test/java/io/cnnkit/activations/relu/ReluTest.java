package io.cnnkit.activations.relu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;

class ReluTest {
    private static LayerSpec spec(String key, Object value) {
        return new LayerSpec(2, "activation", "act", Map.of("activation", "relu", key, value));
    }

    @ParameterizedTest
    @CsvSource({"max_value, -1, 'must be >= 0 or null (no bound)'", "negative_slope, -0.1, 'must be >= 0'",
        "threshold, -2, 'must be >= 0'", "threshold, NaN, 'must be >= 0'"})
    void rejectsNegativeOptionsAsTheKerasLayerDoes(String key, double value, String why) {
        ModelException e = assertThrows(ModelException.class, () -> new Relu().configure(spec(key, value)));
        assertEquals("layer 2 'act' (activation): parameter '" + key + "' " + why + ", got " + value, e.getMessage());
    }

    @Test
    void rejectsNonNumbers() {
        ModelException e = assertThrows(ModelException.class, () -> new Relu().configure(spec("max_value", "six")));
        assertEquals("layer 2 'act' (activation): parameter 'max_value' must be a number, got 'six'", e.getMessage());
    }

    @Test
    void defaultsKeepTheServiceInstance() {
        Relu relu = new Relu();
        assertSame(relu, relu.configure(spec("threshold", 0)));
    }
}
