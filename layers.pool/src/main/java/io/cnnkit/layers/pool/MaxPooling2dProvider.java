package io.cnnkit.layers.pool;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;

/** max_pooling2d: Keras MaxPooling2D (pool_size, strides = pool_size, padding valid|same). */
@Component(service = LayerProvider.class)
@LayerType(layer_type = "max_pooling2d", keras_class = {"MaxPooling2D"})
public class MaxPooling2dProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("pool_size", "strides", "padding", "data_format");

    @Override
    public String type() {
        return "max_pooling2d";
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("pool_size");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("MaxPooling2D");
    }

    /** Keras 2 keys pass through; Keras 1's border_mode and dim_ordering are renamed. */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        return PoolSupport.fromKeras(config, PARAMETERS);
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new Pool2d(spec, Pool2d.Config.of(Pool2d.Kind.MAX, spec), inputShape);
    }
}
