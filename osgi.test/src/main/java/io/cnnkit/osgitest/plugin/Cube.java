package io.cnnkit.osgitest.plugin;

import io.cnnkit.engine.api.Activation;

/** x^3: an activation function no cnnkit bundle has, shipped only in the runtime-built plug-in. */
public final class Cube implements Activation {
    public static final String NAME = "test_cube";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float apply(float x) {
        return x * x * x;
    }
}
