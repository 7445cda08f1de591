package io.cnnkit.engine.api;

import java.util.Random;

/** Fills a weight tensor with initial values (Keras initializer semantics). */
@FunctionalInterface
public interface Initializer {
    /**
     * @param weight the weight to fill: conv kernels (kh, kw, in, out), dense (in, units), biases (n)
     * @param random the layer's seeded random source
     */
    void fill(Tensor weight, Random random);
}
