package io.cnnkit.layers.dense;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.InferenceIdentity;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * dropout: Keras Dropout and SpatialDropout2D at inference, where Keras passes the input
 * through unchanged (cnnkit does not train). rate, noise_shape and seed are checked and kept
 * so descriptions round-trip.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "dropout", keras_class = {"Dropout", "SpatialDropout2D"})
public class DropoutProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("rate", "noise_shape", "seed");

    @Override
    public List<String> positionalParameters() {
        return List.of("rate");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /** Keras 1 calls the rate {@code p}. */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config));
        if (!out.containsKey("rate") && config.containsKey("p")) {
            out.put("rate", config.get("p"));
        }
        return out;
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        if (!spec.has("rate")) {
            throw spec.paramError("rate", "is required (the fraction of inputs dropped in training, 0..1)");
        }
        double rate = spec.getDouble("rate", 0);
        if (!(rate >= 0 && rate <= 1)) {
            throw spec.paramError("rate", "must be between 0 and 1, got " + rate);
        }
        Object noise = spec.raw("noise_shape");
        if (noise != null && !(noise instanceof List<?>)) {
            throw spec.paramError("noise_shape", "must be a list such as [null, 1, 1, 16] or null, got "
                    + LayerSpec.describe(noise));
        }
        spec.getInt("seed", 0);
        return new Dropout(spec, inputShape);
    }

    static final class Dropout extends AbstractLayer implements InferenceIdentity {
        Dropout(LayerSpec spec, Shape inputShape) {
            super(spec, spec.type(), inputShape);
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            System.arraycopy(input.data(), input.offset(), output.data(), output.offset(), input.size());
        }
    }
}
