package io.cnnkit.layers.merge;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/**
 * average: Keras Average, element-wise sum of the inputs divided by their count; shapes broadcast
 * as in Keras 2 (equal sizes or 1).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "average", keras_class = {"Average"})
public class AverageProvider extends ElementwiseProvider {
    public AverageProvider() {
        super(MergeOp.AVERAGE);
    }
}
