package io.cnnkit.engine.api;

/**
 * One step of a traced run: the output of layer {@code index} (1-based; 0 is the input).
 */
public record Stage(int index, String name, String type, Tensor output) {
}
