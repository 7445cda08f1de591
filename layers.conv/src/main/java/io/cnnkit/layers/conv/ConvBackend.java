package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/**
 * How a built conv2d layer computes its forward pass. This bundle's scalar kernels are the
 * default; the optional layers.conv.vector bundle plugs in a Vector API backend through the
 * same provider class (it embeds this package privately, so the type never leaves a bundle).
 *
 * <p>Contract: y = act(conv(x, kernel) + bias) with the {@link ConvKernels#conv2dNaive}
 * semantics, every output element computed by exactly one task with a summation order fixed
 * by the shapes alone (bit-identical results for every thread count and chunking).
 */
interface ConvBackend {
    /** Short name shown in logs and tests, e.g. "scalar" or "vector512". */
    String name();

    void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx);

    /** The scalar kernels of this bundle (exact: same sums as the naive reference). */
    ConvBackend SCALAR = new ConvBackend() {
        @Override
        public String name() {
            return "scalar";
        }

        @Override
        public void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
                ExecutionContext ctx) {
            ConvKernels.conv2d(x, kernel, bias, y, g, act, ctx);
        }
    };
}
