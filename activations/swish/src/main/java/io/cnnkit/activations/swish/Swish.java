package io.cnnkit.activations.swish;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/**
 * Keras {@code swish}: x sigmoid(x) = x / (1 + e<sup>-x</sup>). In double the quotient is finite
 * for every float (e<sup>-x</sup> = infinity gives -0). Not final: {@link Silu} is the same
 * function under its other name.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "swish")
public class Swish implements Activation {
    @Override
    public final float apply(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }
}
