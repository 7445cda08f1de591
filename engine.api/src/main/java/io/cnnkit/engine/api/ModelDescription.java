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
 * <p>A description is a graph: each layer reads the nodes its {@link LayerSpec#inputs()} name
 * (a layer, or the model input by {@link #inputName()}), or the previous layer when it names
 * none, so a chain is the special case where no layer names its inputs.
 *
 * @param name       the model's name
 * @param inputShape the per-sample input shape; open dimensions allowed (default (None, None, 3))
 * @param layers     the layers in order
 * @param seed       seed for the weight initializers (each layer derives its own from it and its name)
 * @param inputName  the name layers use to read the model input (Keras's InputLayer name; default "input")
 * @param outputs    the nodes whose outputs the model returns, in order; empty means the last layer
 * @param notes      what a reader changed to run the model as written (e.g. a channels_first Keras model
 *                   converted to channels_last); shown with the summary
 */
public record ModelDescription(String name, Shape inputShape, List<LayerSpec> layers, long seed, String inputName,
        List<String> outputs, List<String> notes) {
    /** Default input: RGB images of any size. */
    public static final Shape DEFAULT_INPUT = Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3);
    /** The model input's node name unless a description names it. @since 1.3 */
    public static final String DEFAULT_INPUT_NAME = "input";

    public ModelDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputShape, "inputShape");
        inputName = inputName == null ? DEFAULT_INPUT_NAME : inputName;
        outputs = List.copyOf(outputs == null ? List.of() : outputs);
        notes = List.copyOf(notes == null ? List.of() : notes);
        List<LayerSpec> renumbered = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            renumbered.add(layers.get(i).withPosition(i + 1));
        }
        layers = List.copyOf(renumbered);
    }

    /** A chain (or a graph whose layers name their inputs) with the default input name and output. */
    public ModelDescription(String name, Shape inputShape, List<LayerSpec> layers, long seed) {
        this(name, inputShape, layers, seed, DEFAULT_INPUT_NAME, List.of(), List.of());
    }

    /** A description without notes. */
    public ModelDescription(String name, Shape inputShape, List<LayerSpec> layers, long seed, String inputName,
            List<String> outputs) {
        this(name, inputShape, layers, seed, inputName, outputs, List.of());
    }

    /**
     * Whether any layer names its inputs or the model names its outputs.
     *
     * @since 1.3
     */
    public boolean isGraph() {
        if (!outputs.isEmpty()) {
            return true;
        }
        for (LayerSpec s : layers) {
            if (!s.inputs().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The first {@code n} layers (the walkthrough's truncated models); the last of them is the output. */
    public ModelDescription prefix(int n) {
        if (n < 0 || n > layers.size()) {
            throw new ModelException("model '" + name + "' has " + layers.size() + " layers; cannot take the first " + n);
        }
        return new ModelDescription(name, inputShape, layers.subList(0, n), seed, inputName, List.of(), notes);
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

    /** This description with {@code more} layers appended (the output becomes the last one). */
    public ModelDescription extend(List<LayerSpec> more) {
        List<LayerSpec> all = new ArrayList<>(layers);
        all.addAll(more);
        return new ModelDescription(name, inputShape, all, seed, inputName, List.of(), notes);
    }

    public ModelDescription withName(String newName) {
        return new ModelDescription(newName, inputShape, layers, seed, inputName, outputs, notes);
    }

    public ModelDescription withInputShape(Shape shape) {
        return new ModelDescription(name, shape, layers, seed, inputName, outputs, notes);
    }

    public ModelDescription withSeed(long newSeed) {
        return new ModelDescription(name, inputShape, layers, newSeed, inputName, outputs, notes);
    }

    /** @since 1.3 */
    public ModelDescription withLayers(List<LayerSpec> newLayers) {
        return new ModelDescription(name, inputShape, newLayers, seed, inputName, outputs, notes);
    }

    /** @since 1.3 */
    public ModelDescription withOutputs(List<String> newOutputs) {
        return new ModelDescription(name, inputShape, layers, seed, inputName, newOutputs, notes);
    }
}
