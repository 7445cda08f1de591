package io.cnnkit.launcher.bench;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;

/**
 * The engine the tests use: every layer type and activation ServiceLoader finds on the test
 * class path (the layer and activation bundles the bench depends on), as the bench's main does.
 */
final class TestEngines {
    private TestEngines() {
    }

    static StandaloneEngine engine() {
        return Engines.fromServiceLoader(TestEngines.class.getClassLoader());
    }
}
