package io.cnnkit.layers.dense;

import java.util.LinkedHashMap;
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
 * normalization: Keras Normalization (Keras 2 and 3; TF 2.3-2.5's experimental preprocessing
 * layer has the same class name and weights) at inference:
 * {@code y = (x - mean) / maximum(sqrt(variance), 1e-7)}, or with invert
 * {@code y = mean + x * maximum(sqrt(variance), 1e-7)}, in float32 as Keras computes it
 * (1e-7 is Keras's backend.epsilon()).
 *
 * <p>axis names the axes that keep their own statistics (Keras counts the batch axis: -1 is the
 * last, the default; a list keeps several; an empty list, Keras's axis=None, keeps none and
 * uses one mean and variance). mean and variance span the kept axes in increasing order (Keras
 * sorts them). Two ways, as in Keras: with mean and variance given as parameters (numbers or
 * arrays that broadcast to that shape) there are no weights; otherwise the layer has Keras's
 * non-trainable weights mean, variance and count (count has shape () and is counted as a
 * parameter as Keras does, but not used at inference).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "normalization", keras_class = {"Normalization"})
public class NormalizationProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("axis", "mean", "variance", "invert");
    static final Set<String> NON_TRAINABLE = Set.of("mean", "variance", "count");
    /** Keras's backend.epsilon(), as a float32 (tf.maximum casts it to the tensor's dtype). */
    static final float EPSILON = 1e-7f;

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /**
     * Keras 2 and 3 configs carry axis as a list ([-1]; [] for axis=None) and mean/variance as
     * null after adapt(): the default mapping keeps them; only nulls are dropped so that
     * "not given" reads as "weights".
     */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config));
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }

    /**
     * Configuration: the kept axes (0-based into the per-sample shape, increasing), their sizes,
     * invert, and the constant mean and variance when given as parameters (else null: weights).
     */
    record Config(int[] axes, int[] keptDims, boolean invert, float[] mean, float[] variance) {
        static Config of(LayerSpec spec, Shape input) {
            int[] kerasAxes = spec.has("axis") ? spec.getIntList("axis") : new int[] {-1};
            StringBuilder why = new StringBuilder();
            int[] axes = AxisGroups.fromKeras(kerasAxes, input.rank(), why);
            if (axes == null) {
                throw spec.paramError("axis", "does not fit the input " + input + ": " + why
                        + " (Keras counts the batch axis: -1 is the last; [] keeps no axis)");
            }
            axes = AxisGroups.sorted(axes);
            int[] kept = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                if (!input.isKnown(axes[i])) {
                    throw spec.paramError("axis", "keeps axis " + (axes[i] + 1) + " of the input " + input
                            + ", whose size is open; mean and variance need its size");
                }
                kept[i] = input.dim(axes[i]);
            }
            boolean invert = spec.getBoolean("invert", false);
            if (spec.has("mean") != spec.has("variance")) {
                throw spec.paramError(spec.has("mean") ? "variance" : "mean", "must be given with "
                        + (spec.has("mean") ? "mean" : "variance") + " (Keras takes both or neither; neither means "
                        + "weights mean, variance and count)");
            }
            float[] mean = null;
            float[] variance = null;
            if (spec.has("mean")) {
                mean = constant(spec, "mean", kept);
                variance = constant(spec, "variance", kept);
            }
            return new Config(axes, kept, invert, mean, variance);
        }

        /** Keras: {@code input_mean * np.ones(mean_and_var_shape)}, which must keep that shape. */
        private static float[] constant(LayerSpec spec, String param, int[] kept) {
            Values v = Values.parse(spec, param);
            float[] out = v.broadcastTo(kept);
            if (out == null) {
                throw spec.paramError(param, "of shape " + v.shapeString() + " does not broadcast to the shape "
                        + Shape.format(kept) + " of the kept axes");
            }
            return out;
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new Normalization(spec, Config.of(spec, inputShape), inputShape, context);
    }

    static final class Normalization extends AbstractLayer {
        private final Config config;
        private final Tensor mean;
        private final Tensor variance;

        Normalization(LayerSpec spec, Config config, Shape inputShape, BuildContext context) {
            super(spec, spec.type(), inputShape);
            this.config = config;
            if (config.mean == null) {
                this.mean = weights.add("mean", Initializers.resolve(spec, "mean_initializer", "zeros"),
                        context.random(), config.keptDims);
                this.variance = weights.add("variance", Initializers.resolve(spec, "variance_initializer", "ones"),
                        context.random(), config.keptDims);
                weights.add("count", Initializers.resolve(spec, "count_initializer", "zeros"), context.random());
            } else {
                this.mean = null;
                this.variance = null;
            }
        }

        @Override
        public Set<String> nonTrainableWeights() {
            return config.mean == null ? NON_TRAINABLE : Set.of();
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() != inputShape().rank()) {
                throw spec.error("was built for inputs " + inputShape() + ", got " + input);
            }
            for (int i = 0; i < config.axes.length; i++) {
                if (input.dim(config.axes[i]) != config.keptDims[i]) {
                    throw spec.error("was built for inputs " + inputShape() + " (mean and variance "
                            + Shape.format(config.keptDims) + "), got " + input);
                }
            }
            return input;
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        /** One task item per group of the kept axes (a row of channels for axis -1). */
        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int[] shape = input.shape();
            AxisGroups g = new AxisGroups(java.util.Arrays.copyOfRange(shape, 1, shape.length), config.axes);
            int len = g.length;
            float[] m = new float[len];
            float[] d = new float[len];
            for (int k = 0; k < len; k++) {
                float v = config.variance != null ? config.variance[k] : variance.data()[variance.offset() + k];
                m[k] = config.mean != null ? config.mean[k] : mean.data()[mean.offset() + k];
                // float32 sqrt (the double root rounds to the same float), then maximum(., epsilon)
                d[k] = Math.max((float) Math.sqrt(v), EPSILON);
            }
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            int groups = g.groups;
            int sampleSize = g.sampleSize;
            int items = input.dim(0) * groups;
            if (items == 0 || len == 0) {
                return;
            }
            boolean invert = config.invert;
            context.parallelFor(items, 2L * len, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int base = (item / groups) * sampleSize + g.base(item % groups);
                    for (int k = 0; k < len; k++) {
                        int i = base + g.offset(k);
                        y[yo + i] = invert ? m[k] + x[xo + i] * d[k] : (x[xo + i] - m[k]) / d[k];
                    }
                }
            });
        }
    }
}
