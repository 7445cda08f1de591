package io.cnnkit.layers.pool;

import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;

/** global_average_pooling2d: Keras GlobalAveragePooling2D, keepdims (default false). */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "global_average_pooling2d", keras_class = {"GlobalAveragePooling2D"})
public class GlobalAveragePooling2dProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("keepdims", "data_format");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        return PoolSupport.fromKeras(config, PARAMETERS);
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new GlobalPool2d(spec, GlobalPool2d.Config.of(Pool2d.Kind.AVERAGE, spec), inputShape);
    }
}
