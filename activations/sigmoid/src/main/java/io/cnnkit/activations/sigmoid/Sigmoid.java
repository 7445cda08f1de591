package io.cnnkit.activations.sigmoid;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/**
 * Keras {@code sigmoid}: 1 / (1 + e<sup>-x</sup>). Computed in double, e<sup>-x</sup> overflows only
 * below x = -709, where infinity gives the correct limit 0: finite (no NaN) for every float.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "sigmoid")
public final class Sigmoid implements Activation {
    @Override
    public float apply(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
