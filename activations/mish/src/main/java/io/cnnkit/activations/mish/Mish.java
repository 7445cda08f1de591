package io.cnnkit.activations.mish;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/** Keras {@code mish}: x tanh(softplus(x)), softplus in its overflow-free form. */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "mish")
public final class Mish implements Activation {
    @Override
    public float apply(float x) {
        double softplus = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        return (float) (x * Math.tanh(softplus));
    }
}
