package io.cnnkit.activations.softsign;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/** Keras {@code softsign}: x / (1 + |x|). */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "softsign")
public final class Softsign implements Activation {
    @Override
    public float apply(float x) {
        return (float) (x / (1.0 + Math.abs(x)));
    }
}
