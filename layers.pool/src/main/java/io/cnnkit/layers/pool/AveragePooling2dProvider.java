package io.cnnkit.layers.pool;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/** average_pooling2d: Keras AveragePooling2D (pool_size, strides = pool_size, padding valid|same). */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "average_pooling2d", keras_class = {"AveragePooling2D"})
public class AveragePooling2dProvider extends WindowPoolProvider {
    public AveragePooling2dProvider() {
        super(Pool2d.Kind.AVERAGE);
    }
}
