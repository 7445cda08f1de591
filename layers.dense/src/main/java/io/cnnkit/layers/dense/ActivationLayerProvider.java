package io.cnnkit.layers.dense;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationFunctionLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * activation: Keras Activation, and the activation layer classes ReLU, LeakyReLU, ELU,
 * Softmax and ThresholdedReLU mapped onto a named function with options. The function comes
 * from the activation services (one bundle each) and is applied over rows of the last axis.
 * A row-wise function (softmax) takes axis as Keras's Softmax does: any axis (Keras numbering,
 * negative from the end) or a list of axes, which the layer gathers into rows for the function.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "activation", keras_class = {"Activation", "ReLU", "LeakyReLU", "ELU", "Softmax",
    "ThresholdedReLU"})
public class ActivationLayerProvider implements LayerProvider {
    /** Options handed to the function's {@link Activation#configure}. */
    static final List<String> OPTIONS = List.of("max_value", "negative_slope", "threshold", "alpha", "approximate",
            "axis");
    static final Set<String> PARAMETERS = Set.of("activation", "max_value", "negative_slope", "threshold", "alpha",
            "approximate", "axis");

    @Override
    public List<String> positionalParameters() {
        return List.of("activation");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /**
     * Keras layer classes to a function plus options, with Keras 2 (tf.keras 2.13) defaults
     * where a config leaves a value out. ThresholdedReLU(theta) is relu with threshold theta:
     * both are x * (x > theta).
     */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (kerasClass) {
            case "Activation" -> out.put("activation", config.get("activation"));
            case "ReLU" -> {
                out.put("activation", "relu");
                copy(config, out, "max_value", "negative_slope", "threshold");
            }
            case "LeakyReLU" -> {
                out.put("activation", "leaky_relu");
                if (config.get("negative_slope") != null) {
                    out.put("negative_slope", config.get("negative_slope")); // Keras 3
                } else {
                    out.put("alpha", config.get("alpha") != null ? config.get("alpha") : 0.3); // Keras 2
                }
            }
            case "ELU" -> {
                out.put("activation", "elu");
                out.put("alpha", config.get("alpha") != null ? config.get("alpha") : 1.0);
            }
            case "Softmax" -> {
                out.put("activation", "softmax");
                out.put("axis", config.get("axis") != null ? config.get("axis") : -1);
            }
            case "ThresholdedReLU" -> {
                out.put("activation", "relu");
                out.put("threshold", config.get("theta") != null ? config.get("theta") : 1.0);
            }
            default -> throw new IllegalArgumentException("the activation layer does not read Keras class '"
                    + kerasClass + "'; it reads " + String.join(", ", kerasClasses()));
        }
        return out;
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to, String... keys) {
        for (String k : keys) {
            if (from.get(k) != null) {
                to.put(k, from.get(k));
            }
        }
    }

    /**
     * Configuration: the configured function, and for a row-wise function (softmax) the axes it
     * normalises over (0-based per-sample, increasing), null for the last axis.
     */
    record Config(Activation function, int[] axes) {
        static Config of(LayerSpec spec, Shape input, BuildContext context) {
            if (!spec.has("activation")) {
                throw spec.paramError("activation", "is required (a function name such as relu, sigmoid, softmax)");
            }
            LayerSpec s = spec;
            int[] axes = null;
            if (s.has("axis")) {
                // Keras numbering (batch axis 0, -1 the last); one axis or several (Keras 2 Softmax
                // takes a list: the function then runs over all their positions together).
                int[] given = s.getIntList("axis");
                StringBuilder why = new StringBuilder();
                axes = given.length == 0 ? null : AxisGroups.fromKeras(given, input.rank(), why);
                if (axes == null) {
                    throw spec.paramError("axis", "does not fit the input " + input + ": "
                            + (given.length == 0 ? "no axis given" : why.toString())
                            + " (Keras counts the batch axis: -1 is the last)");
                }
                axes = AxisGroups.sorted(axes);
                if (axes.length == 1 && axes[0] == input.rank() - 1) {
                    axes = null; // the last axis: rows as before
                }
                // The function itself always works on rows of the last axis; the layer brings
                // other axes there.
                s = s.withParam("axis", -1L);
            }
            Activation probe = context.activation(s, s.raw("activation"));
            Set<String> accepted = probe.options();
            // Keras 2 calls LeakyReLU's slope alpha, Keras 3 negative_slope: accept either for the
            // function that declares the other.
            s = alias(s, accepted, "alpha", "negative_slope", probe.name());
            s = alias(s, accepted, "negative_slope", "alpha", probe.name());
            for (String option : OPTIONS) {
                if (s.has(option) && !accepted.contains(option)) {
                    if (option.equals("axis") && !probe.elementWise()) {
                        // A row-wise function (softmax) without an axis option works on the last
                        // axis; the layer moves the chosen axes there.
                        s = s.withParam("axis", null);
                        continue;
                    }
                    throw spec.paramError(option, "does not apply to activation '" + probe.name() + "'"
                            + (accepted.isEmpty() ? ", which takes no options"
                                    : "; it takes " + String.join(", ", new TreeSet<>(accepted))));
                }
            }
            if (probe.elementWise()) {
                axes = null; // an element-wise function that takes an axis option: the axis changes nothing here
            }
            return new Config(s == spec ? probe : context.activation(s, s.raw("activation")), axes);
        }

        private static LayerSpec alias(LayerSpec s, Set<String> accepted, String given, String wanted, String fn) {
            if (fn.equals("leaky_relu") && s.has(given) && !accepted.contains(given) && accepted.contains(wanted)
                    && !s.has(wanted)) {
                return s.withParam(wanted, s.raw(given)).withParam(given, null);
            }
            return s;
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new ActivationLayer(spec, Config.of(spec, inputShape, context), inputShape);
    }

    static final class ActivationLayer extends AbstractLayer implements ActivationFunctionLayer {
        private final Config config;

        ActivationLayer(LayerSpec spec, Config config, Shape inputShape) {
            super(spec, spec.type(), inputShape);
            this.config = config;
        }

        /** The function when it maps each value on its own (not softmax, which normalises rows). */
        @Override
        public Activation function() {
            return config.axes == null && config.function.elementWise() ? config.function : null;
        }

        @Override
        public Shape outputShape(Shape input) {
            if (config.axes != null && input.rank() != inputShape().rank()) {
                throw spec.error("was built for inputs " + inputShape() + " (axis " + (config.axes[0] + 1)
                        + (config.axes.length > 1 ? ", ..." : "") + "), got " + input);
            }
            return input;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int[] shape = input.shape();
            if (config.axes == null) {
                int lastAxis = input.dim(-1);
                int rows = lastAxis == 0 ? 0 : input.size() / lastAxis;
                Activations.applyRows(config.function, input.data(), input.offset(), output.data(), output.offset(),
                        rows, lastAxis, context);
                return;
            }
            AxisGroups g = new AxisGroups(Arrays.copyOfRange(shape, 1, shape.length), config.axes);
            int len = g.length;
            if (len == 0 || input.size() == 0) {
                return;
            }
            if (g.contiguous()) {
                // trailing axes: their positions are consecutive, rows of len
                Activations.applyRows(config.function, input.data(), input.offset(), output.data(), output.offset(),
                        input.size() / len, len, context);
                return;
            }
            // One task item per row (sample, position on the other axes): gathered into a
            // buffer, the function applied to it as one row, scattered back.
            Activation f = config.function;
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            int groups = g.groups;
            int sampleSize = g.sampleSize;
            context.parallelFor(input.dim(0) * groups, 6L * len, (from, to) -> {
                float[] row = new float[len];
                for (int item = from; item < to; item++) {
                    int base = (item / groups) * sampleSize + g.base(item % groups);
                    for (int k = 0; k < len; k++) {
                        row[k] = x[xo + base + g.offset(k)];
                    }
                    f.apply(row, 0, row, 0, len, len);
                    for (int k = 0; k < len; k++) {
                        y[yo + base + g.offset(k)] = row[k];
                    }
                }
            });
        }
    }
}
