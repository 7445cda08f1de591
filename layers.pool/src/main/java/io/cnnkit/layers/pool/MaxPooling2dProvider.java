package io.cnnkit.layers.pool;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/** max_pooling2d: Keras MaxPooling2D (pool_size, strides = pool_size, padding valid|same). */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "max_pooling2d", keras_class = {"MaxPooling2D"})
public class MaxPooling2dProvider extends WindowPoolProvider {
    public MaxPooling2dProvider() {
        super(Pool2d.Kind.MAX);
    }
}
