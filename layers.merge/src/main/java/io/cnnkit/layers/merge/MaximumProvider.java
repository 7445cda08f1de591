package io.cnnkit.layers.merge;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/**
 * maximum: Keras Maximum, element-wise maximum of the inputs (NaN propagates); shapes broadcast as
 * in Keras 2 (equal sizes or 1).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "maximum", keras_class = {"Maximum"})
public class MaximumProvider extends ElementwiseProvider {
    public MaximumProvider() {
        super(MergeOp.MAXIMUM);
    }
}
