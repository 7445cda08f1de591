package io.cnnkit.activations.selu;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/**
 * Keras {@code selu}: scale * (x, or alpha (e<sup>x</sup> - 1) below zero), with the
 * self-normalising constants of Klambauer et al. that Keras uses.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "selu")
public final class Selu implements Activation {
    private static final double ALPHA = 1.6732632423543772848170429916717;
    private static final double SCALE = 1.0507009873554804934193349852946;

    @Override
    public float apply(float x) {
        return (float) (SCALE * (x > 0 ? x : ALPHA * Math.expm1(x)));
    }
}
