package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * How a dense layer multiplies: y (rows, units) = x (rows, in) . kernel (in, units) + bias.
 * This bundle's exact scalar kernel is the default; the optional layers.conv.vector bundle plugs
 * in a Vector API one (it embeds this package privately). Contract: every output computed by
 * one task in an order fixed by the shapes (bit-identical for every thread count).
 */
@FunctionalInterface
interface DenseGemm {
    void multiply(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias, int bOff, int units,
            float[] y, int yOff, ExecutionContext context);

    DenseGemm SCALAR = DenseKernels::tiled;
}
