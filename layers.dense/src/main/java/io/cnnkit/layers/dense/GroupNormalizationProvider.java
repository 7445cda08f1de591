package io.cnnkit.layers.dense;

import java.util.List;
import java.util.Map;
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
 * group_normalization: tensorflow_addons GroupNormalization ({@code Addons>GroupNormalization})
 * and the built-in GroupNormalization of Keras 2.11+ and Keras 3. The C channels on axis
 * (default -1; Keras numbering, the batch axis is 0) split into groups of C / groups
 * consecutive channels; per sample and group, mean and biased variance over every other axis
 * and the group's channels, then
 * {@code y = (x - mean) / sqrt(variance + epsilon) * gamma[c] + beta[c]}. groups defaults to 32
 * as in Keras and recent tensorflow_addons (early addons releases defaulted to 2; saved configs
 * always carry groups); -1 means one group per channel (instance normalisation).
 * gamma (if scale) and beta (if center) have shape (C,): 2 * C trainable parameters.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "group_normalization", keras_class = {"GroupNormalization", "Addons>GroupNormalization"})
public class GroupNormalizationProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("groups", "axis", "epsilon", "center", "scale", "beta_initializer",
            "gamma_initializer");
    static final int DEFAULT_GROUPS = 32;

    @Override
    public List<String> positionalParameters() {
        return List.of("groups");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /**
     * The default mapping; tensorflow_addons' groups=-1 (instance normalisation) with a negative
     * axis other than -1 is refused, as in {@link InstanceNormalizationProvider#fromKeras}.
     */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        if (kerasClass.startsWith("Addons>") && config.get("groups") instanceof Number g && g.intValue() == -1
                && config.get("axis") instanceof Number a && a.intValue() < -1) {
            throw new IllegalArgumentException("axis " + a + " with groups -1 is refused: tensorflow_addons then "
                    + "takes its statistics over another axis than the channels it scales, and cnnkit does not "
                    + "reproduce that");
        }
        return LayerProvider.super.fromKeras(kerasClass, config);
    }

    /** Configuration: the channel axis (0-based per-sample), channels, groups, epsilon, center, scale. */
    record Config(int axis, int channels, int groups, double epsilon, boolean center, boolean scale) {
        /** @param groups the groups parameter's value (-1 = one per channel) */
        static Config of(LayerSpec spec, Shape input, int groups) {
            int[] kerasAxis = spec.has("axis") ? spec.getIntList("axis") : new int[] {-1};
            if (kerasAxis.length != 1) {
                throw spec.paramError("axis", "must name one axis (the channels), got "
                        + LayerSpec.describe(spec.raw("axis")));
            }
            StringBuilder why = new StringBuilder();
            int[] axes = AxisGroups.fromKeras(kerasAxis, input.rank(), why);
            if (axes == null) {
                throw spec.paramError("axis", "does not fit the input " + input + ": " + why
                        + " (Keras counts the batch axis: -1 is the last)");
            }
            int a = axes[0];
            if (!input.isKnown(a)) {
                throw spec.paramError("axis", "names axis " + (a + 1) + " of the input " + input
                        + ", whose size is open; gamma and beta need the number of channels");
            }
            int c = input.dim(a);
            int g = groups == -1 ? c : groups;
            if (g <= 0) {
                throw spec.paramError("groups", "must be a positive integer or -1 (one group per channel), got "
                        + groups);
            }
            if (g > c) {
                throw spec.paramError("groups", "(" + g + ") cannot be more than the number of channels (" + c
                        + ") on axis " + (a + 1) + " of the input " + input);
            }
            if (c % g != 0) {
                throw spec.paramError("groups", "(" + g + ") must divide the number of channels (" + c
                        + ") on axis " + (a + 1) + " of the input " + input);
            }
            double eps = spec.getDouble("epsilon", 1e-3);
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw spec.paramError("epsilon", "must be a number >= 0, got " + eps);
            }
            return new Config(a, c, g, eps, spec.getBoolean("center", true), spec.getBoolean("scale", true));
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        int groups = spec.getInt("groups", DEFAULT_GROUPS);
        return new GroupNorm(spec, Config.of(spec, inputShape, groups), inputShape, context);
    }

    /** Group normalisation; instance normalisation is the case groups = channels. */
    static final class GroupNorm extends AbstractLayer {
        private final Config config;
        private final Tensor gamma;
        private final Tensor beta;

        GroupNorm(LayerSpec spec, Config config, Shape inputShape, BuildContext context) {
            super(spec, spec.type(), inputShape);
            this.config = config;
            // tensorflow_addons and Keras 3 both add gamma, then beta
            this.gamma = config.scale ? weights.add("gamma", Initializers.resolve(spec, "gamma_initializer", "ones"),
                    context.random(), config.channels) : null;
            this.beta = config.center ? weights.add("beta", Initializers.resolve(spec, "beta_initializer", "zeros"),
                    context.random(), config.channels) : null;
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() != inputShape().rank() || input.dim(config.axis) != config.channels) {
                throw spec.error("was built for inputs " + inputShape() + " (" + config.channels + " channels on axis "
                        + (config.axis + 1) + "), got " + input);
            }
            return input;
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        /**
         * One task item per (sample, group): statistics in a fixed order (double), then the
         * group's outputs.
         */
        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int[] shape = input.shape();
            int a = config.axis + 1;
            int outer = 1;
            for (int d = 1; d < a; d++) {
                outer *= shape[d];
            }
            int inner = 1;
            for (int d = a + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
            int c = config.channels;
            int groups = config.groups;
            int cg = c / groups;
            int sampleSize = outer * c * inner;
            int len = outer * cg * inner;
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
            int in = inner;
            int out = outer;
            context.parallelFor(items, 6L * len, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int n = item / groups;
                    int c0 = (item % groups) * cg;
                    int sample = n * sampleSize;
                    double sum = 0;
                    for (int o = 0; o < out; o++) {
                        int start = sample + (o * c + c0) * in;
                        for (int i = 0; i < cg * in; i++) {
                            sum += x[xo + start + i];
                        }
                    }
                    double mean = sum / len;
                    double sq = 0;
                    for (int o = 0; o < out; o++) {
                        int start = sample + (o * c + c0) * in;
                        for (int i = 0; i < cg * in; i++) {
                            double dv = x[xo + start + i] - mean;
                            sq += dv * dv;
                        }
                    }
                    double inv = 1 / Math.sqrt(sq / len + eps);
                    for (int o = 0; o < out; o++) {
                        for (int ch = c0; ch < c0 + cg; ch++) {
                            double s = ga == null ? inv : inv * ga[gOff + ch];
                            double b = be == null ? 0 : be[bOff + ch];
                            int start = sample + (o * c + ch) * in;
                            for (int i = 0; i < in; i++) {
                                y[yo + start + i] = (float) ((x[xo + start + i] - mean) * s + b);
                            }
                        }
                    }
                }
            });
        }
    }
}
