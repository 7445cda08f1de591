package io.cnnkit.activations.hard_sigmoid;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/**
 * Keras 2 {@code hard_sigmoid}: clip(0.2x + 0.5, 0, 1), in float32 steps as keras.backend does.
 * Keras 3 changed it to relu6(x + 3) / 6; models saved by Keras 2 mean this one.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "hard_sigmoid")
public final class HardSigmoid implements Activation {
    @Override
    public float apply(float x) {
        return Math.min(Math.max(x * 0.2f + 0.5f, 0f), 1f);
    }
}
