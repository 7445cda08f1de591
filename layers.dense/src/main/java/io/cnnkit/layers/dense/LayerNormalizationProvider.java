package io.cnnkit.layers.dense;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * layer_normalization: Keras LayerNormalization (Keras 2 and 3). Per sample, mean and biased
 * variance over the axes in axis (an int or a list, Keras numbering with the batch axis 0;
 * default -1), then {@code y = (x - mean) / sqrt(variance + epsilon) * gamma + beta}.
 * gamma (if scale) and beta (if center), in that order, have the normalised axes' sizes in
 * the order axis lists them (2 * that many parameters, trainable). As Keras does, they are
 * then laid over the normalised axes in increasing axis order by a plain reshape, so an
 * unsorted list such as [3, 1] reads gamma's values as if its shape were sorted.
 * Keras 3's rms_scaling=true (a different formula, changed between Keras 3 releases) is refused.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "layer_normalization", keras_class = {"LayerNormalization"})
public class LayerNormalizationProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("axis", "epsilon", "center", "scale", "rms_scaling",
            "beta_initializer", "gamma_initializer");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /**
     * Configuration: the normalised axes (0-based per-sample) as given and sorted, gamma/beta's
     * shape, epsilon, center, scale.
     */
    record Config(int[] given, int[] sorted, int[] paramShape, double epsilon, boolean center, boolean scale) {
        static Config of(LayerSpec spec, Shape input) {
            int[] kerasAxes = spec.has("axis") ? spec.getIntList("axis") : new int[] {-1};
            if (kerasAxes.length == 0) {
                throw spec.paramError("axis", "must name at least one axis, got []");
            }
            StringBuilder why = new StringBuilder();
            int[] axes = AxisGroups.fromKeras(kerasAxes, input.rank(), why);
            if (axes == null) {
                throw spec.paramError("axis", "does not fit the input " + input + ": " + why
                        + " (Keras counts the batch axis: -1 is the last)");
            }
            int[] shape = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                if (!input.isKnown(axes[i])) {
                    throw spec.paramError("axis", "normalises axis " + (axes[i] + 1) + " of the input " + input
                            + ", whose size is open; gamma and beta need its size");
                }
                shape[i] = input.dim(axes[i]);
            }
            double eps = spec.getDouble("epsilon", 1e-3);
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw spec.paramError("epsilon", "must be a number >= 0, got " + eps);
            }
            if (spec.getBoolean("rms_scaling", false)) {
                throw spec.paramError("rms_scaling", "true is not supported (Keras 3's rms_scaling formula differs "
                        + "between releases); only the standard layer normalisation is");
            }
            return new Config(axes, AxisGroups.sorted(axes), shape, eps, spec.getBoolean("center", true),
                    spec.getBoolean("scale", true));
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new LayerNormalization(spec, Config.of(spec, inputShape), inputShape, context);
    }

    static final class LayerNormalization extends AbstractLayer {
        private final Config config;
        private final Tensor gamma;
        private final Tensor beta;

        LayerNormalization(LayerSpec spec, Config config, Shape inputShape, BuildContext context) {
            super(spec, spec.type(), inputShape);
            this.config = config;
            this.gamma = config.scale ? weights.add("gamma", Initializers.resolve(spec, "gamma_initializer", "ones"),
                    context.random(), config.paramShape) : null;
            this.beta = config.center ? weights.add("beta", Initializers.resolve(spec, "beta_initializer", "zeros"),
                    context.random(), config.paramShape) : null;
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() != inputShape().rank()) {
                throw spec.error("was built for inputs " + inputShape() + ", got " + input);
            }
            for (int i = 0; i < config.given.length; i++) {
                if (input.dim(config.given[i]) != config.paramShape[i]) {
                    throw spec.error("was built for inputs " + inputShape() + " (gamma and beta "
                            + Shape.format(config.paramShape) + "), got " + input);
                }
            }
            return input;
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        /**
         * One task item per (sample, position on the other axes): it sums its group in a fixed
         * order (double), then writes the group's outputs.
         */
        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int[] shape = input.shape();
            AxisGroups g = new AxisGroups(java.util.Arrays.copyOfRange(shape, 1, shape.length), config.sorted);
            int len = g.length;
            int groups = g.groups;
            int sampleSize = g.sampleSize;
            int items = input.dim(0) * groups;
            if (items == 0 || len == 0) {
                return;
            }
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            float[] ga = gamma == null ? null : gamma.data();
            int gOff = gamma == null ? 0 : gamma.offset();
            float[] be = beta == null ? null : beta.data();
            int bOff = beta == null ? 0 : beta.offset();
            double eps = config.epsilon;
            context.parallelFor(items, 6L * len, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int base = xo + (item / groups) * sampleSize + g.base(item % groups);
                    int outBase = base - xo + yo;
                    double sum = 0;
                    for (int k = 0; k < len; k++) {
                        sum += x[base + g.offset(k)];
                    }
                    double mean = sum / len;
                    double sq = 0;
                    for (int k = 0; k < len; k++) {
                        double dv = x[base + g.offset(k)] - mean;
                        sq += dv * dv;
                    }
                    double inv = 1 / Math.sqrt(sq / len + eps);
                    for (int k = 0; k < len; k++) {
                        int o = g.offset(k);
                        double v = (x[base + o] - mean) * inv;
                        if (ga != null) {
                            v *= ga[gOff + k];
                        }
                        if (be != null) {
                            v += be[bOff + k];
                        }
                        y[outBase + o] = (float) v;
                    }
                }
            });
        }
    }
}
