package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/**
 * A Keras initializer that is a plain Python function is saved by name only (Keras 2.13:
 * {"class_name": "function", "config": "random_kernel"}). cnnkit builds such a model so its
 * weights can be loaded, but fills the weight with NaN: a run before loading fails with an error
 * asking for the weights, never a result from made-up numbers. Initializers cnnkit merely lacks
 * stay build errors.
 */
class UnreproducibleInitializerTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static String conv(String kernelInitializer) {
        return "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [{\"class_name\": \"Conv2D\","
                + " \"config\": {\"name\": \"c\", \"batch_input_shape\": [null, 4, 4, 1], \"filters\": 2,"
                + " \"kernel_size\": [3, 3], \"activation\": \"linear\", \"kernel_initializer\": " + kernelInitializer
                + "}}]}}";
    }

    @Test
    void pythonFunctionNeedsLoadedWeights() {
        Model m = engine.build(engine.parse(conv("{\"module\": \"builtins\", \"class_name\": \"function\","
                + " \"config\": \"my_init\", \"registered_name\": \"function\"}")));
        assertTrue(Initializers.isUnreproducible(Map.of("class_name", "function", "config", "my_init")));
        ModelException unloaded = assertThrows(ModelException.class, () -> m.predict(KerasReal.input(4, 4, 1)));
        assertTrue(unloaded.getMessage().contains("'c/kernel'") && unloaded.getMessage().contains("load the model's weights"),
                unloaded.getMessage());
        Tensor kernel = Tensor.zeros(3, 3, 1, 2);
        for (int i = 0; i < kernel.size(); i++) {
            kernel.data()[i] = (i % 5 - 2) / 4f;
        }
        m.setWeights("c", Map.of("kernel", kernel));
        Tensor loaded = m.predict(KerasReal.input(4, 4, 1));
        assertTrue(KerasReal.allFinite(loaded), "after loading: " + loaded);
        // The model's weights now show the loaded kernel, not the marker.
        assertFalse(Float.isNaN(m.weights().get("c").get("kernel").get(0, 0, 0, 0)));
    }

    @Test
    void knownKerasInitializerCnnkitLacksIsAnError() {
        ModelException e = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(conv("{\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.0}}"))));
        // Not a typo of any name cnnkit knows: no suggestion, and the names are counted, not listed.
        assertTrue(e.getMessage().endsWith("parameter 'kernel_initializer' names an unknown initializer 'Orthogonal'; "
                + "no close match among the " + Initializers.names().size() + " initializers"), e.getMessage());
    }

    @Test
    void bareUnknownNameIsAnError() {
        // Keras before 2.13 saved a function initializer as its bare name: indistinguishable from a typo.
        ModelException e = assertThrows(ModelException.class,
                () -> engine.build(engine.parse(conv("\"random_kernel\""))));
        assertTrue(e.getMessage().contains("unknown initializer 'random_kernel'"), e.getMessage());
    }
}
