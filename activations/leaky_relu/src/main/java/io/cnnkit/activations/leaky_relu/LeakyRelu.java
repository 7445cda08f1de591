package io.cnnkit.activations.leaky_relu;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.api.LayerSpec;

/**
 * Keras {@code LeakyReLU}: x at or above zero, slope * x below. The slope is {@code alpha} in
 * Keras 2 and {@code negative_slope} in Keras 3; the default 0.3 is the Keras 2 layer's.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "leaky_relu")
public final class LeakyRelu implements Activation {
    private static final double DEFAULT_SLOPE = 0.3;
    private final double slope;

    public LeakyRelu() {
        this(DEFAULT_SLOPE);
    }

    private LeakyRelu(double slope) {
        this.slope = slope;
    }

    @Override
    public float apply(float x) {
        return x >= 0 ? x : (float) (slope * x);
    }

    @Override
    public Set<String> options() {
        return Set.of("alpha", "negative_slope");
    }

    @Override
    public Activation configure(LayerSpec spec) {
        if (spec.has("alpha") && spec.has("negative_slope")) {
            throw spec.paramError("negative_slope", "and 'alpha' are the Keras 3 and Keras 2 names of the same "
                    + "slope; give only one");
        }
        double s = spec.has("alpha") ? spec.getDouble("alpha", DEFAULT_SLOPE)
                : spec.getDouble("negative_slope", DEFAULT_SLOPE);
        return s == slope ? this : new LeakyRelu(s);
    }
}
