package io.cnnkit.activations.exponential;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/** Keras {@code exponential}: e<sup>x</sup> (infinite past x = 88.7, as in float32 Keras). */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "exponential")
public final class Exponential implements Activation {
    @Override
    public float apply(float x) {
        return (float) Math.exp(x);
    }
}
