package io.cnnkit.activations.tanh;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/** Keras {@code tanh}. */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "tanh")
public final class Tanh implements Activation {
    @Override
    public float apply(float x) {
        return (float) Math.tanh(x);
    }
}
