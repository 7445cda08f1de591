package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;

/**
 * The one-line form and a Keras Sequential JSON (read by the engine's own JSON reader: no JSON
 * library bundle) parse and build through the Engine service; both describe the
 * walkthrough's first steps with constant weights and give the same, hand-checked output.
 */
class DescriptionsTest {
    static final String ONE_LINE = "input(5, 5, 3, name=one_line) | conv2d(3, 3, kernel_initializer=constant(0.12), "
            + "name=conv_1) | max_pooling2d(3) | relu | flatten | dense(2, kernel_initializer=constant(0.5), "
            + "bias_initializer=constant(0.25), name=dens_1)";

    /** As Keras 2.13 model.to_json() writes it (trimmed to the fields Keras always writes). */
    static final String KERAS_JSON = """
            {"class_name": "Sequential", "config": {"name": "keras_seq", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 5, 3], "dtype": "float32",
                "sparse": false, "ragged": false, "name": "conv_1_input"}},
              {"class_name": "Conv2D", "config": {"name": "conv_1", "trainable": true, "dtype": "float32",
                "batch_input_shape": [null, 5, 5, 3], "filters": 3, "kernel_size": [3, 3], "strides": [1, 1],
                "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
                "activation": "relu", "use_bias": true,
                "kernel_initializer": {"class_name": "Constant", "config": {"value": 0.12}},
                "bias_initializer": {"class_name": "Zeros", "config": {}},
                "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
                "kernel_constraint": null, "bias_constraint": null}},
              {"class_name": "MaxPooling2D", "config": {"name": "pool_1", "trainable": true, "dtype": "float32",
                "pool_size": [3, 3], "padding": "valid", "strides": [3, 3], "data_format": "channels_last"}},
              {"class_name": "Flatten", "config": {"name": "flatten", "trainable": true, "dtype": "float32",
                "data_format": "channels_last"}},
              {"class_name": "Dense", "config": {"name": "dens_1", "trainable": true, "dtype": "float32", "units": 2,
                "activation": "linear", "use_bias": true,
                "kernel_initializer": {"class_name": "Constant", "config": {"value": 0.5}},
                "bias_initializer": {"class_name": "Constant", "config": {"value": 0.25}},
                "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
                "kernel_constraint": null, "bias_constraint": null}}]},
             "keras_version": "2.13.1", "backend": "tensorflow"}
            """;

    static final Tensor X = Nhwc.input(5, 5, 3);

    @Test
    void oneLineFormBuildsAndRuns() {
        Engine engine = Osgi.engine();
        try (Model m = engine.build(engine.parse(ONE_LINE))) {
            assertEquals("one_line", m.name());
            assertEquals(List.of("conv2d", "max_pooling2d", "activation", "flatten", "dense"),
                    m.layers().stream().map(l -> l.type()).toList());
            assertEquals("conv_1", m.layers().get(0).name());
            Summary s = m.summary();
            assertEquals(3 * 3 * 3 * 3 + 3 + 3 * 2 + 2, s.totalParams(), s.format());
            Nhwc.assertClose(new int[] { 1, 2 }, expected(), m.predict(X), "one-line model");
        }
    }

    @Test
    void kerasSequentialJsonBuildsAndRunsLikeTheOneLineForm() {
        Engine engine = Osgi.engine();
        try (Model keras = engine.build(engine.parse(KERAS_JSON)); Model line = engine.build(engine.parse(ONE_LINE))) {
            assertEquals("keras_seq", keras.name());
            assertEquals(List.of("conv_1", "pool_1", "flatten", "dens_1"),
                    keras.layers().stream().map(l -> l.name()).toList());
            assertEquals(List.of("conv2d", "max_pooling2d", "flatten", "dense"),
                    keras.layers().stream().map(l -> l.type()).toList());
            assertEquals(line.summary().totalParams(), keras.summary().totalParams());
            Tensor y = keras.predict(X);
            Nhwc.assertClose(new int[] { 1, 2 }, expected(), y, "Keras JSON model");
            // relu inside conv_1 vs. after the max pool: the same numbers, bit for bit
            assertArrayEquals(line.predict(X).toArray(), y.toArray());
        }
    }

    /** The engine reads JSON itself: its packages come from the engine API and OSGi, no JSON library. */
    @Test
    void theEngineNeedsNoJsonLibrary() {
        Bundle engineBundle = Osgi.bundle("io.cnnkit.engine.core");
        BundleWiring wiring = engineBundle.adapt(BundleWiring.class);
        List<String> packages = wiring.getRequiredWires("osgi.wiring.package").stream()
                .map(w -> (String) w.getCapability().getAttributes().get("osgi.wiring.package")).sorted().toList();
        assertTrue(packages.contains("io.cnnkit.engine.api"), "engine.core's package wires: " + packages);
        for (String p : packages) {
            assertTrue(p.startsWith("io.cnnkit.engine.api") || p.startsWith("org.osgi."),
                    "engine.core is wired to " + p + ": " + packages);
        }
    }

    /** conv 3x3 of constant 0.12 -> 3x3x3 map, max over it (all filters equal), relu, dense 0.5 x 3 + 0.25. */
    static double[] expected() {
        double max = Double.NEGATIVE_INFINITY;
        for (int oy = 0; oy < 3; oy++) {
            for (int ox = 0; ox < 3; ox++) {
                max = Math.max(max, 0.12 * Nhwc.windowSum(X, oy, ox, 3, 3, -1));
            }
        }
        double d = 0.5 * 3 * Math.max(max, 0) + 0.25;
        return new double[] { d, d };
    }
}
