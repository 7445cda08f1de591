package io.cnnkit.engine.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named weights of one layer in Keras order, for layer implementations: declare each
 * weight with its shape, fill it from an initializer, read it in forward.
 */
public final class WeightSet {
    private final Map<String, Tensor> weights = new LinkedHashMap<>();
    private final Map<String, Tensor> view = Collections.unmodifiableMap(weights);

    /** Declares a weight of {@code shape}, filled by {@code init}; returns the live tensor. */
    public Tensor add(String name, Initializer init, java.util.Random random, int... shape) {
        if (weights.containsKey(name)) {
            throw new IllegalArgumentException("weight '" + name + "' declared twice");
        }
        Tensor t = Tensor.zeros(shape);
        init.fill(t, random);
        weights.put(name, t);
        return t;
    }

    public Tensor get(String name) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no weight '" + name + "'; weights: " + weights.keySet());
        }
        return t;
    }

    /** Read-only map in declaration order (the tensors themselves are live). */
    public Map<String, Tensor> asMap() {
        return view;
    }
}
