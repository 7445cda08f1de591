package io.cnnkit.engine.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a model is made of, independent of the services that implement its layers: the
 * engine builds (and after a hot swap, rebuilds) a {@link Model} from it. Parsed from
 * cnnkit JSON, a Keras {@code model.to_json()} or the one-line shell form by
 * {@link Engine#parse(String)}.
 *
 * @param name       the model's name
 * @param inputShape the per-sample input shape; open dimensions allowed (default (None, None, 3))
 * @param layers     the layers in order
 * @param seed       seed for the weight initializers (each layer derives its own from it and its name)
 */
public record ModelDescription(String name, Shape inputShape, List<LayerSpec> layers, long seed) {
    /** Default input: RGB images of any size. */
    public static final Shape DEFAULT_INPUT = Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3);

    public ModelDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputShape, "inputShape");
        List<LayerSpec> renumbered = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            renumbered.add(layers.get(i).withPosition(i + 1));
        }
        layers = List.copyOf(renumbered);
    }

    /** The first {@code n} layers (the walkthrough's truncated models). */
    public ModelDescription prefix(int n) {
        if (n < 0 || n > layers.size()) {
            throw new ModelException("model '" + name + "' has " + layers.size() + " layers; cannot take the first " + n);
        }
        return new ModelDescription(name, inputShape, layers.subList(0, n), seed);
    }

    /** The first layers up to and including the one named {@code layerName}. */
    public ModelDescription prefixThrough(String layerName) {
        for (int i = 0; i < layers.size(); i++) {
            if (layerName.equals(layers.get(i).name())) {
                return prefix(i + 1);
            }
        }
        throw new ModelException("model '" + name + "' has no layer named '" + layerName + "'");
    }

    /** This description with {@code more} layers appended. */
    public ModelDescription extend(List<LayerSpec> more) {
        List<LayerSpec> all = new ArrayList<>(layers);
        all.addAll(more);
        return new ModelDescription(name, inputShape, all, seed);
    }

    public ModelDescription withName(String newName) {
        return new ModelDescription(newName, inputShape, layers, seed);
    }

    public ModelDescription withInputShape(Shape shape) {
        return new ModelDescription(name, shape, layers, seed);
    }

    public ModelDescription withSeed(long newSeed) {
        return new ModelDescription(name, inputShape, layers, newSeed);
    }
}
