package io.cnnkit.activations.linear;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/** Keras {@code linear}: the identity (what a layer without an activation applies). */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "linear")
public final class Linear implements Activation {
    @Override
    public float apply(float x) {
        return x;
    }
}
