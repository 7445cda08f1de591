package io.cnnkit.activations.elu;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.api.LayerSpec;

/** Keras {@code elu}: x above zero, alpha (e<sup>x</sup> - 1) otherwise; option alpha (default 1). */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "elu")
public final class Elu implements Activation {
    private final double alpha;

    public Elu() {
        this(1.0);
    }

    private Elu(double alpha) {
        this.alpha = alpha;
    }

    @Override
    public float apply(float x) {
        return x > 0 ? x : (float) (alpha * Math.expm1(x));
    }

    @Override
    public Set<String> options() {
        return Set.of("alpha");
    }

    @Override
    public Activation configure(LayerSpec spec) {
        double a = spec.getDouble("alpha", 1.0);
        return a == alpha ? this : new Elu(a);
    }
}
