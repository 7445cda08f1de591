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

    /** Most elements one weight may have by default: 2^28 floats = 1 GiB, 2.6 times VGG16's largest kernel. */
    private static final long DEFAULT_MAX_ELEMENTS = 1L << 28;
    private static final String MAX_ELEMENTS_PROPERTY = "cnnkit.maxWeightElements";

    /**
     * Declares a weight of {@code shape}, filled by {@code init}; returns the live tensor. With the
     * engine's {@link BuildRandom} (what {@link BuildContext#random()} gives), values the build
     * already has for this weight are copied instead, and {@code init} draws nothing; in a build
     * that defers draws, a random initializer's values are left zero and drawn before the model is
     * first used.
     * Refuses, before allocating, a weight beyond 2^28 elements (system property
     * {@code cnnkit.maxWeightElements} changes the limit) or
     * one that cannot fit in this JVM's heap twice (the engine keeps a copy of every weight):
     * a description typo such as filters=2000000000 is an error naming the weight and its
     * shape, not an OutOfMemoryError.
     */
    public Tensor add(String name, Initializer init, java.util.Random random, int... shape) {
        if (weights.containsKey(name)) {
            throw new IllegalArgumentException("weight '" + name + "' declared twice");
        }
        checkSize(name, shape);
        Tensor t = Tensor.zeros(shape);
        BuildRandom build = random instanceof BuildRandom b ? b : null;
        Tensor stored = build == null ? null : build.stored(name);
        if (stored != null && stored.hasShape(shape)) {
            t.copyFrom(stored);
        } else if (build != null && build.defersDraws() && init instanceof Initializers.Drawn) {
            build.deferred(name); // left zero: the engine draws it before the model is used
        } else {
            init.fill(t, random);
        }
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

    private static void checkSize(String name, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("weight '" + name + "' has a negative dimension in shape "
                        + Shape.format(shape));
            }
            n = d == 0 ? 0 : (n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d);
        }
        long limit = maxElements();
        if (n > limit || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight '" + name + "' of shape " + Shape.format(shape) + " would have "
                    + (n == Long.MAX_VALUE ? "more than 2^63" : n) + " elements, more than the "
                    + (limit < Integer.MAX_VALUE ? "limit of " + limit + " per weight (system property "
                            + MAX_ELEMENTS_PROPERTY + ")" : "2^31-1 a tensor can hold")
                    + "; check the layer's sizes");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && 2 * 4 * n > heap) {
            throw new IllegalArgumentException("weight '" + name + "' of shape " + Shape.format(shape) + " needs "
                    + mib(4 * n) + " MiB, twice that with the engine's copy, but the Java heap is " + mib(heap)
                    + " MiB; check the layer's sizes or raise -Xmx");
        }
    }

    private static long maxElements() {
        String v = System.getProperty(MAX_ELEMENTS_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_ELEMENTS;
        }
        try {
            long l = Long.parseLong(v.trim());
            if (l > 0) {
                return l;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + MAX_ELEMENTS_PROPERTY
                + " must be a positive integer (elements per weight), got '" + v + "'");
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** Read-only map in declaration order (the tensors themselves are live). */
    public Map<String, Tensor> asMap() {
        return view;
    }
}
