package io.cnnkit.layers.merge;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;

/**
 * concatenate: Keras Concatenate, axis (default -1, counted in the batched shape as Keras does;
 * the batch axis 0 is refused). Two or more inputs whose other axes match.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "concatenate", keras_class = {"Concatenate"})
public class ConcatenateProvider implements MultiInputLayerProvider {
    static final Set<String> PARAMETERS = Set.of("axis");

    @Override
    public List<String> positionalParameters() {
        return List.of("axis");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        return MergeSupport.fromKeras(config, PARAMETERS);
    }

    @Override
    public MultiInputLayer create(LayerSpec spec, List<Shape> inputShapes, BuildContext context) {
        MergeSupport.checkCount(spec, inputShapes, minInputs(), maxInputs());
        return new Concatenate(spec, type(), "axis", spec.getInt("axis", -1), inputShapes);
    }
}
