package io.cnnkit.layers.dense;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Component;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.Activation;
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
 */
@Component(service = LayerProvider.class)
@LayerType(layer_type = "activation", keras_class = {"Activation", "ReLU", "LeakyReLU", "ELU", "Softmax",
    "ThresholdedReLU"})
public class ActivationLayerProvider implements LayerProvider {
    /** Options handed to the function's {@link Activation#configure}. */
    static final List<String> OPTIONS = List.of("max_value", "negative_slope", "threshold", "alpha", "approximate",
            "axis");
    static final Set<String> PARAMETERS = Set.of("activation", "max_value", "negative_slope", "threshold", "alpha",
            "approximate", "axis");

    @Override
    public String type() {
        return "activation";
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("activation");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU");
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

    /** Configuration: the configured function. */
    record Config(Activation function) {
        static Config of(LayerSpec spec, Shape input, BuildContext context) {
            if (!spec.has("activation")) {
                throw spec.paramError("activation", "is required (a function name such as relu, sigmoid, softmax)");
            }
            LayerSpec s = spec;
            if (s.has("axis")) {
                // Functions run over rows of the last axis; the axis must be that one (Keras: -1).
                int[] axes = s.getIntList("axis");
                int fullRank = input.rank() + 1;
                if (axes.length != 1 || (axes[0] != -1 && axes[0] != fullRank - 1)) {
                    throw spec.paramError("axis", "must be the last axis (-1 or " + (fullRank - 1)
                            + ") for the input " + input + ", got " + LayerSpec.describe(spec.raw("axis")));
                }
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
                        // axis, which is the axis checked above.
                        s = s.withParam("axis", null);
                        continue;
                    }
                    throw spec.paramError(option, "does not apply to activation '" + probe.name() + "'"
                            + (accepted.isEmpty() ? ", which takes no options"
                                    : "; it takes " + String.join(", ", new TreeSet<>(accepted))));
                }
            }
            return new Config(s == spec ? probe : context.activation(s, s.raw("activation")));
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

    static final class ActivationLayer extends AbstractLayer {
        private final Config config;

        ActivationLayer(LayerSpec spec, Config config, Shape inputShape) {
            super(spec, spec.type(), inputShape);
            this.config = config;
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int lastAxis = input.dim(-1);
            int rows = lastAxis == 0 ? 0 : input.size() / lastAxis;
            Activations.applyRows(config.function, input.data(), input.offset(), output.data(), output.offset(), rows,
                    lastAxis, context);
        }
    }
}
