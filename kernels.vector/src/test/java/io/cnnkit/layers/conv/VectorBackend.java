package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.kernels.vector.VectorKernels;

/** The Vector API backend as layers.conv's drivers use it (this test tree shares their package). */
final class VectorBackend {
    static final VectorKernels BACKEND = new VectorKernels();
    static final int RANKING = VectorKernels.RANKING;

    private VectorBackend() {
    }

    static boolean available() {
        return BACKEND.unavailableReason().isEmpty();
    }

    static String reason() {
        return BACKEND.unavailableReason().orElse("");
    }

    /** conv2d through layers.conv's driver on the vector GEMM micro-kernel. */
    static void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx) {
        ConvKernels.conv2d(x, kernel, bias, y, g, act, ctx, BACKEND.gemm());
    }

    /** depthwise through layers.conv's driver on the vector depthwise micro-kernel. */
    static void depthwise(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
            ExecutionContext ctx) {
        DepthwiseKernels.depthwise(x, kernel, bias, y, g, act, ctx, BACKEND.depthwise());
    }

    static KernelBackend backend() {
        return BACKEND;
    }
}
