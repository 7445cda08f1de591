package io.cnnkit.layers.merge;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/**
 * subtract: Keras Subtract, the first input minus the second; exactly 2 inputs; shapes broadcast
 * as in Keras 2 (equal sizes or 1).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "subtract", keras_class = {"Subtract"})
public class SubtractProvider extends ElementwiseProvider {
    public SubtractProvider() {
        super(MergeOp.SUBTRACT);
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return 2;
    }
}
