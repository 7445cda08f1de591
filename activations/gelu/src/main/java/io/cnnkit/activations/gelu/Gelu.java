package io.cnnkit.activations.gelu;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.api.LayerSpec;

/**
 * Keras {@code gelu}: x Φ(x) = x (1 + erf(x / √2)) / 2 (default), or with option
 * {@code approximate=true} x (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2. Java has no erf, so
 * {@link #erfc} computes it in double, far beyond float precision.
 */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "gelu")
public final class Gelu implements Activation {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private final boolean approximate;

    public Gelu() {
        this(false);
    }

    private Gelu(boolean approximate) {
        this.approximate = approximate;
    }

    @Override
    public float apply(float x) {
        if (approximate) {
            return (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
        }
        // Φ(x) = erfc(-x/√2) / 2; taking erfc of |x|/√2 keeps the negative tail relatively accurate
        double e = erfc(Math.abs(x) * SQRT_HALF);
        return (float) (x >= 0 ? x * (1 - 0.5 * e) : 0.5 * x * e);
    }

    @Override
    public Set<String> options() {
        return Set.of("approximate");
    }

    @Override
    public Activation configure(LayerSpec spec) {
        boolean a = spec.getBoolean("approximate", false);
        return a == approximate ? this : new Gelu(a);
    }

    /** erfc(z) for z &ge; 0, relative error below 1e-12 (GeluTest checks it against Python's math.erfc). */
    static double erfc(double z) {
        if (z < 2) {
            // erf(z) = 2/√π e^(-z²) Σ 2^n z^(2n+1) / (1·3·…·(2n+1)): positive terms, no
            // cancellation; at most 31 terms below 2, where erfc > 0.004 so 1 - erf loses little
            double term = z;
            double sum = z;
            for (int n = 1; term > 1e-17 * sum; n++) {
                term *= 2 * z * z / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / SQRT_PI * Math.exp(-z * z) * sum;
        }
        // Laplace's continued fraction erfc(z) = e^(-z²) / (√π (z + (1/2) / (z + 1 / (z + (3/2) /
        // (z + …))))), evaluated from a fixed depth of 40, ample from z = 2 on
        double f = z;
        for (int k = 40; k > 0; k--) {
            f = z + 0.5 * k / f;
        }
        return Math.exp(-z * z) / (SQRT_PI * f);
    }
}
