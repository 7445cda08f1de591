package io.cnnkit.layers.dense;

import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ChannelAffine;
import io.cnnkit.engine.api.ChannelAffineLayer;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * batch_normalization: Keras BatchNormalization at inference,
 * y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta over one axis
 * (default the last, the channels). Weights in Keras order gamma (if scale), beta (if
 * center), moving_mean, moving_variance; the moving statistics are non-trainable.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "batch_normalization", keras_class = {"BatchNormalization"})
public class BatchNormalizationProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("axis", "momentum", "epsilon", "center", "scale",
            "beta_initializer", "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer");
    static final Set<String> NON_TRAINABLE = Set.of("moving_mean", "moving_variance");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /**
     * Keras 1 configs carry {@code mode}: only mode 0 (feature-wise, moving statistics at
     * inference) is Keras 2's layer; modes 1 and 2 normalise with statistics of the data itself.
     */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Object mode = config.get("mode");
        if (mode instanceof Number n && n.intValue() != 0) {
            throw new IllegalArgumentException("Keras 1 BatchNormalization mode " + n
                    + " normalises with per-batch or per-sample statistics; only mode 0 (moving statistics) is "
                    + "supported");
        }
        return LayerProvider.super.fromKeras(kerasClass, config);
    }

    /**
     * Configuration: the normalised axis as a 0-based index into the per-sample shape, epsilon,
     * center, scale.
     */
    record Config(int sampleAxis, double epsilon, boolean center, boolean scale) {
        static Config of(LayerSpec spec, Shape input) {
            int[] axes = spec.has("axis") ? spec.getIntList("axis") : new int[] {-1};
            if (axes.length != 1) {
                throw spec.paramError("axis", "must name one axis, got " + LayerSpec.describe(spec.raw("axis")));
            }
            // Keras counts the batch axis: for (None, H, W, C) the channels are axis 3 or -1.
            int fullRank = input.rank() + 1;
            int a = axes[0] < 0 ? axes[0] + fullRank : axes[0];
            if (a < 1 || a >= fullRank) {
                throw spec.paramError("axis", "must be an axis of the input " + input + " other than the batch axis "
                        + "(1.." + (fullRank - 1) + " or -1), got " + axes[0]);
            }
            double eps = spec.getDouble("epsilon", 1e-3);
            if (!(eps > 0)) {
                throw spec.paramError("epsilon", "must be positive, got " + eps);
            }
            spec.getDouble("momentum", 0.99);
            return new Config(a - 1, eps, spec.getBoolean("center", true), spec.getBoolean("scale", true));
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new BatchNormalization(spec, Config.of(spec, inputShape), inputShape, context);
    }

    static final class BatchNormalization extends AbstractLayer implements ChannelAffineLayer {
        private final Config config;
        private final int channels;
        private final Tensor gamma;
        private final Tensor beta;
        private final Tensor mean;
        private final Tensor variance;

        BatchNormalization(LayerSpec spec, Config config, Shape inputShape, BuildContext context) {
            super(spec, spec.type(), inputShape);
            this.config = config;
            if (!inputShape.isKnown(config.sampleAxis)) {
                throw spec.error("the normalised axis of the input " + inputShape + " must have a known size");
            }
            this.channels = inputShape.dim(config.sampleAxis);
            this.gamma = config.scale ? weights.add("gamma", Initializers.resolve(spec, "gamma_initializer", "ones"),
                    context.random(), channels) : null;
            this.beta = config.center ? weights.add("beta", Initializers.resolve(spec, "beta_initializer", "zeros"),
                    context.random(), channels) : null;
            this.mean = weights.add("moving_mean", Initializers.resolve(spec, "moving_mean_initializer", "zeros"),
                    context.random(), channels);
            this.variance = weights.add("moving_variance",
                    Initializers.resolve(spec, "moving_variance_initializer", "ones"), context.random(), channels);
        }

        @Override
        public Set<String> nonTrainableWeights() {
            return NON_TRAINABLE;
        }

        /**
         * On the last axis: scale = gamma / sqrt(var + eps) as {@link #forward} computes it, shift =
         * beta - mean * scale (rounded once), so that x * scale + shift is forward's map.
         */
        @Override
        public ChannelAffine channelAffine() {
            if (config.sampleAxis != inputShape().rank() - 1) {
                return null;
            }
            float[] scale = new float[channels];
            float[] shift = new float[channels];
            for (int c = 0; c < channels; c++) {
                float g = gamma == null ? 1f : gamma.data()[gamma.offset() + c];
                float v = variance.data()[variance.offset() + c];
                scale[c] = (float) (g / Math.sqrt((double) v + config.epsilon));
                double b = beta == null ? 0 : beta.data()[beta.offset() + c];
                shift[c] = (float) (b - (double) mean.data()[mean.offset() + c] * scale[c]);
            }
            return new ChannelAffine(scale, shift);
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() != inputShape().rank() || input.dim(config.sampleAxis) != channels) {
                throw spec.error("was built for inputs " + inputShape() + " (" + channels + " values on axis "
                        + (config.sampleAxis + 1) + "), got " + input);
            }
            return input;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            // Per channel: y = (x - mean) * scale + shift with scale = gamma / sqrt(var + eps).
            float[] scale = new float[channels];
            float[] shift = new float[channels];
            float[] m = new float[channels];
            for (int c = 0; c < channels; c++) {
                float g = gamma == null ? 1f : gamma.data()[gamma.offset() + c];
                float v = variance.data()[variance.offset() + c];
                scale[c] = (float) (g / Math.sqrt((double) v + config.epsilon));
                shift[c] = beta == null ? 0f : beta.data()[beta.offset() + c];
                m[c] = mean.data()[mean.offset() + c];
            }
            // inner: elements after the axis (1 for channels last); outer: blocks of channels*inner.
            int[] shape = input.shape();
            int inner = 1;
            for (int d = config.sampleAxis + 2; d < shape.length; d++) {
                inner *= shape[d];
            }
            int block = channels * inner;
            int outer = input.size() / block;
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            int in = inner;
            // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
            context.parallelFor(outer, 3L * block, new ExecutionContext.RangeBody() {
                @Override
                public void run(int from, int to) {
                    for (int o = from; o < to; o++) {
                        int base = o * block;
                        for (int c = 0; c < channels; c++) {
                            float s = scale[c];
                            float b = shift[c];
                            float mu = m[c];
                            int start = base + c * in;
                            for (int k = 0; k < in; k++) {
                                y[yo + start + k] = (x[xo + start + k] - mu) * s + b;
                            }
                        }
                    }
                }
            });
        }
    }
}
