package io.cnnkit.layers.conv;

import io.cnnkit.engine.kernel.DepthwiseMicroKernel;
import io.cnnkit.engine.kernel.GemmMicroKernel;
import io.cnnkit.engine.kernel.KernelBackend;

/**
 * The micro-kernels a provider's layers compute with: a bound {@link KernelBackend}'s, or this
 * bundle's scalar ones where the backend has none. The drivers (blocking, packing, the work
 * split) are this bundle's either way, so every backend gets the same deterministic split.
 *
 * @param name      "scalar", or the backend's name when it supplies any kernel
 * @param gemm      the GEMM micro-kernel (never null)
 * @param depthwise the depthwise micro-kernel, or null for this bundle's scalar depthwise loops
 */
record Kernels(String name, GemmMicroKernel gemm, DepthwiseMicroKernel depthwise) {
    static final Kernels SCALAR = new Kernels("scalar", ScalarMicroKernel.INSTANCE, null);

    static Kernels of(KernelBackend backend) {
        if (backend == null || (backend.gemm() == null && backend.depthwise() == null)) {
            return SCALAR;
        }
        return new Kernels(backend.name(), backend.gemm() != null ? backend.gemm() : ScalarMicroKernel.INSTANCE,
                backend.depthwise());
    }
}
