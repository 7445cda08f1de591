package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;

/** Misspelt names in a description, through Gogo as ./cnnkit runs it, with the real plug-ins. */
class MisspeltNamesTest {
    GogoHarness real;

    @BeforeEach
    void setUp() {
        real = new GogoHarness(Engines.fromServiceLoader(getClass().getClassLoader()));
    }

    @AfterEach
    void tearDown() {
        real.close();
    }

    /**
     * A misspelt name gets the closest one on the 'cnnkit:' line, and the
     * 'hint:' line says where the full list is (for a parameter not cnn:types, which lists none). In the
     * shell (and a script) the error names the cnn: command and the hint names shell commands.
     */
    @Test
    void closestNameOnTheErrorLineAndWhereAllAreOnTheHintLine() {
        String types = "hint: cnn:types lists the layer types and activations present";
        assertEquals(1, real.exec("cnn:load m 'input(8, 8, 1) | maxpool(2)'"));
        assertEquals(List.of("cnnkit: cnn:load: one-line description, column 18: unknown layer type or activation 'maxpool' "
                + "at layer 1; did you mean 'max_pooling2d'?", "  input(8, 8, 1) | maxpool(2)",
                "                   ^", types), real.err().lines().toList());
        assertEquals(1, real.exec("cnn:load m 'input(8, 8, 1) | conv2d(2, 3, activation=rellu)'"));
        assertEquals(List.of("cnnkit: cnn:load: layer 1 'conv2d' (conv2d): unknown activation 'rellu'; did you mean 'relu'?",
                types), real.err().lines().toList());
        assertEquals(1, real.exec("cnn:load m 'input(8, 8, 1) | conv2d(2, 3, activaton=relu)'"));
        assertEquals(List.of("cnnkit: cnn:load: layer 1 'conv2d' (conv2d): unknown parameter 'activaton'; did you mean "
                + "'activation'?", "hint: parameter names follow the arguments of the layer's Keras class"),
                real.err().lines().toList());
        assertEquals(1, real.exec("cnn:load m 'input(8, 8, 1) | conv2d(2, 3, kernel_initializer=xavier)'"));
        assertEquals(List.of("cnnkit: cnn:load: layer 1 'conv2d' (conv2d): parameter 'kernel_initializer' names an unknown "
                + "initializer 'xavier'; no close match among the 21 initializers",
                "hint: README.md, \"Layers and activations\", lists the initializers"), real.err().lines().toList());
    }
}
