package io.cnnkit.bench;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;

/**
 * Engines for the tests: whatever ServiceLoader finds on the test class path (the layer
 * bundles, and the activation bundles once they are in the build), plus test-only relu and
 * linear when no activation bundle provides them. The bench's main path never adds these.
 */
final class TestEngines {
    private TestEngines() {
    }

    static StandaloneEngine engine() {
        StandaloneEngine e = Engines.fromServiceLoader(TestEngines.class.getClassLoader());
        if (!e.activations().contains("relu")) {
            e.register(new Relu());
        }
        if (!e.activations().contains("linear")) {
            e.register(new Linear());
        }
        return e;
    }

    /** Whether the conv2d layer bundle is on the class path (it is built in parallel). */
    static boolean hasConv(StandaloneEngine e) {
        return e.layerTypes().contains("conv2d");
    }

    static final class Relu implements Activation {
        @Override
        public String name() {
            return "relu";
        }

        @Override
        public float apply(float x) {
            return x > 0 ? x : 0f;
        }
    }

    static final class Linear implements Activation {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public float apply(float x) {
            return x;
        }
    }
}
