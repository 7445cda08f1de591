package io.cnnkit.osgitest.plugin;

import java.lang.ref.WeakReference;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.LayerSpec;

/**
 * A real activation plug-in registered by the tests: {@code test_gain} multiplies by this
 * instance's gain, so a test can tell which of two registered functions a model uses.
 */
public final class TestGain implements Activation {
    public static final String NAME = "test_gain";

    private final float gain;
    private volatile WeakReference<Activation> lastConfigured = new WeakReference<>(null);

    public TestGain(float gain) {
        this.gain = gain;
    }

    public float gain() {
        return gain;
    }

    /** The configured copy a layer got last, weakly held (for leak checks). */
    public WeakReference<Activation> lastConfigured() {
        return lastConfigured;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float apply(float x) {
        return gain * x;
    }

    @Override
    public Activation configure(LayerSpec spec) {
        // a distinct object per layer, as activations with options hand out
        Activation copy = new TestGain(gain);
        lastConfigured = new WeakReference<>(copy);
        return copy;
    }
}
