package io.cnnkit.layers.merge;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/**
 * add: Keras Add, element-wise sum of the inputs, in input order; shapes broadcast as in Keras 2
 * (equal sizes or 1).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "add", keras_class = {"Add"})
public class AddProvider extends ElementwiseProvider {
    public AddProvider() {
        super(MergeOp.ADD);
    }
}
