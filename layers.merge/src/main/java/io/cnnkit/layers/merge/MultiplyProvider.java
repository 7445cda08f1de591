package io.cnnkit.layers.merge;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/**
 * multiply: Keras Multiply, element-wise product of the inputs, in input order; shapes broadcast
 * as in Keras 2 (equal sizes or 1).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "multiply", keras_class = {"Multiply"})
public class MultiplyProvider extends ElementwiseProvider {
    public MultiplyProvider() {
        super(MergeOp.MULTIPLY);
    }
}
