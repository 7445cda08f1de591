package io.cnnkit.activations.softplus;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/**
 * Keras {@code softplus}: log(1 + e<sup>x</sup>), computed as max(x, 0) + log1p(e<sup>-|x|</sup>) so
 * that large x neither overflows nor loses the small term.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "softplus")
public final class Softplus implements Activation {
    @Override
    public float apply(float x) {
        return (float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
    }
}
