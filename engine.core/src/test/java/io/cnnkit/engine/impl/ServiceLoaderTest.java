package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

class ServiceLoaderTest {
    @Test
    void findsProvidersListedInMetaInfServices() {
        try (StandaloneEngine e = Engines.fromServiceLoader(getClass().getClassLoader())) {
            assertEquals(List.of("conv2d", "dense", "flatten"), e.layerTypes());
            assertEquals(List.of("relu"), e.activations());
            assertTrue(e.providers().get("layer conv2d").contains("NaiveConv2d"), e.providers().toString());
            try (Model m = e.build(e.parse("input(4, 4, 1) | conv2d(2, 3, activation=relu) | flatten | dense(3)"))) {
                assertTrue(m.predict(Tensor.zeros(1, 4, 4, 1)).hasShape(1, 3));
            }
        }
    }
}
