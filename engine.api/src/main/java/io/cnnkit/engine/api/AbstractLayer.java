package io.cnnkit.engine.api;

import java.util.Map;

/**
 * A base for {@link Layer} implementations: the name from the layer's description, its type,
 * the input shape it was built for, and its named weights. A layer declares its weights in
 * {@link #weights} (Keras's order) from its constructor; {@link #weights()} returns them live.
 * Layers without weights have none to declare.
 */
public abstract class AbstractLayer implements Layer {
    /** The description the layer was built from: its name, and the layer errors name. */
    protected final LayerSpec spec;
    /** The layer's weights, declared in Keras's order. */
    protected final WeightSet weights = new WeightSet();
    private final String type;
    private final Shape inputShape;

    /**
     * @param spec       the layer's description (its name must be set: the engine names layers
     *                   before it creates them)
     * @param type       the layer type the provider registers, e.g. {@code conv2d}
     * @param inputShape the per-sample input shape the layer is built for
     */
    protected AbstractLayer(LayerSpec spec, String type, Shape inputShape) {
        this.spec = spec;
        this.type = type;
        this.inputShape = inputShape;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public Map<String, Tensor> weights() {
        return weights.asMap();
    }
}
