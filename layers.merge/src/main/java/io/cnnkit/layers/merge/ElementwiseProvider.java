package io.cnnkit.layers.merge;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;

/**
 * Base of the element-wise merge providers: no parameters (Keras's config holds only name,
 * trainable and dtype), two or more inputs, Keras 2 broadcasting. Each subclass declares its
 * layer type and Keras class with {@code @LayerType}.
 */
abstract class ElementwiseProvider implements MultiInputLayerProvider {
    private final MergeOp op;

    ElementwiseProvider(MergeOp op) {
        this.op = op;
    }

    @Override
    public final Set<String> parameters() {
        return Set.of();
    }

    @Override
    public final Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        return MergeSupport.fromKeras(config, parameters());
    }

    @Override
    public final MultiInputLayer create(LayerSpec spec, List<Shape> inputShapes, BuildContext context) {
        MergeSupport.checkCount(spec, inputShapes, minInputs(), maxInputs());
        return new ElementwiseMerge(spec, type(), op, null, inputShapes);
    }
}
