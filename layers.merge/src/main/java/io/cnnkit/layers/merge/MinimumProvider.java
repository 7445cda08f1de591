package io.cnnkit.layers.merge;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/**
 * minimum: Keras Minimum, element-wise minimum of the inputs (NaN propagates); shapes broadcast as
 * in Keras 2 (equal sizes or 1).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "minimum", keras_class = {"Minimum"})
public class MinimumProvider extends ElementwiseProvider {
    public MinimumProvider() {
        super(MergeOp.MINIMUM);
    }
}
