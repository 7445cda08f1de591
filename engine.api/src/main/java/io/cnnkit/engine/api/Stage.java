package io.cnnkit.engine.api;

import java.util.List;

/**
 * One node of a traced run: the output of layer {@code index} (1-based position in
 * topological order; 0 is the model input), keyed by the node's {@code name}.
 *
 * @param inputs the nodes this one read, in order (empty for the model input)
 */
public record Stage(int index, String name, String type, Tensor output, List<String> inputs) {
    public Stage {
        inputs = List.copyOf(inputs);
    }

    /** A stage whose inputs are not recorded. */
    public Stage(int index, String name, String type, Tensor output) {
        this(index, name, type, output, List.of());
    }
}
