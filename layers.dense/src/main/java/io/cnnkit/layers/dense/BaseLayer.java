package io.cnnkit.layers.dense;

import java.util.Map;

import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.api.WeightSet;

/** Name, type, built input shape and named weights, common to the layers of this bundle. */
abstract class BaseLayer implements Layer {
    protected final LayerSpec spec;
    protected final Shape inputShape;
    protected final WeightSet weights = new WeightSet();

    BaseLayer(LayerSpec spec, Shape inputShape) {
        this.spec = spec;
        this.inputShape = inputShape;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return spec.type();
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public Map<String, Tensor> weights() {
        return weights.asMap();
    }

    /** Elements per sample of a batched tensor. */
    static int perSample(Tensor t) {
        return t.dim(0) == 0 ? 0 : t.size() / t.dim(0);
    }
}
