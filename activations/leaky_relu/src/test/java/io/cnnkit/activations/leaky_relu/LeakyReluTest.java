package io.cnnkit.activations.leaky_relu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;

class LeakyReluTest {
    @Test
    void refusesBothSpellingsOfTheSlope() {
        LayerSpec spec = new LayerSpec(1, "activation", "a", Map.of("alpha", 0.1, "negative_slope", 0.2));
        ModelException e = assertThrows(ModelException.class, () -> new LeakyRelu().configure(spec));
        assertEquals("layer 1 'a' (activation): parameter 'negative_slope' and 'alpha' are the Keras 3 and "
                + "Keras 2 names of the same slope; give only one", e.getMessage());
    }
}
