package io.cnnkit.activations.relu6;

import org.osgi.service.component.annotations.Component;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/** Keras {@code relu6}: min(max(x, 0), 6). */
@Component(service = Activation.class)
@ActivationName(activation = "relu6")
public final class Relu6 implements Activation {
    @Override
    public float apply(float x) {
        return Math.min(Math.max(x, 0f), 6f);
    }
}
