package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.fakes.Fakes;

/** Unknown names in descriptions get one suggestion, not only the list of everything present. */
class DidYouMeanTest {
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    private String error(String description) {
        return assertThrows(ModelException.class, () -> engine.build(engine.parse(description))).getMessage();
    }

    @Test
    void closestNames() {
        List<String> types = List.of("conv2d", "max_pooling2d", "dense", "flatten", "activation");
        assertEquals("max_pooling2d", DidYouMean.closest("maxpool", types), "an abbreviation");
        assertEquals("conv2d", DidYouMean.closest("Conv2D", types), "case");
        assertEquals("flatten", DidYouMean.closest("flaten", types), "a letter missing");
        assertEquals("dense", DidYouMean.closest("desne", types), "two letters swapped");
        assertNull(DidYouMean.closest("lstm", types), "nothing close");
    }

    @Test
    void descriptionsSuggestTypesActivationsParametersAndInitializers() {
        assertTrue(error("maxpool(2)").contains("unknown layer type or activation 'maxpool' (did you mean "
                + "'max_pooling2d'?)"), error("maxpool(2)"));
        assertTrue(error("conv2d(3, 3) | rellu").contains("'rellu' (did you mean 'relu'?)"), error("conv2d(3, 3) | rellu"));
        assertTrue(error("Conv2D(3, 3)").contains("(did you mean 'conv2d'?)"), error("Conv2D(3, 3)"));
        String param = error("conv2d(3, 3, activaton=relu)");
        assertTrue(param.contains("unknown parameter 'activaton' (did you mean 'activation'?)"), param);
        String act = error("conv2d(3, 3, activation=sigmod)");
        assertTrue(act.contains("unknown activation 'sigmod' (did you mean 'sigmoid'?)"), act);
        String init = error("conv2d(3, 3, kernel_initializer=glorot_unifrom)");
        assertTrue(init.contains("(did you mean 'glorot_uniform'?)"), init);
        String choice = error("conv2d(3, 3, padding=smae)");
        assertTrue(choice.contains("got 'smae' (did you mean 'same'?)"), choice);
    }
}
