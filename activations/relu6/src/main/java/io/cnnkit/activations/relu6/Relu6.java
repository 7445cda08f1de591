package io.cnnkit.activations.relu6;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.kernel.ClampActivation;

/** Keras {@code relu6}: min(max(x, 0), 6), a clamp that conv2d applies in its GEMM micro-kernel. */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "relu6")
public final class Relu6 implements Activation, ClampActivation {
    private static final Bounds BOUNDS = new Bounds(0f, 6f);

    @Override
    public float apply(float x) {
        return Math.min(Math.max(x, 0f), 6f);
    }

    @Override
    public Bounds clamp() {
        return BOUNDS;
    }
}
