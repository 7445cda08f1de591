package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.KerasWeights;

/**
 * The real files cnnkit cannot run yet: parsing their architecture fails with a message that
 * names the model, the layer and the reason (a Keras class no provider reads, a subclassed model), so a user knows what to change. Architectures come from
 * the .h5 itself where it is a full-model file (skipped when a large file is absent) and from the
 * .json copies in the test resources otherwise.
 */
class UnsupportedFilesTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static String refusal(String json) {
        ModelException e = assertThrows(ModelException.class, () -> engine.build(engine.parse(json)));
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "message should mention \"" + p + "\": " + message);
        }
    }

    @Test
    void subclassedKeras3Model() {
        String m = refusal(KerasReal.jsonResource("k3-nested-dense"));
        assertMentions(m, "NestedDenseModel", "no layer list", "subclassed", "Sequential and Functional");
    }
}
