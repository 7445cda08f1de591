package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.kernel.KernelBackend;

/**
 * How a dense layer multiplies: y (rows, units) = x (rows, in) . kernel (in, units) + bias.
 * This bundle's exact scalar kernel, or {@link BlockedDenseGemm} on a kernel backend's GEMM
 * micro-kernel. Contract: every output computed by one task in an order fixed by the shapes
 * (bit-identical for every thread count).
 */
@FunctionalInterface
interface DenseGemm {
    void multiply(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias, int bOff, int units,
            float[] y, int yOff, ExecutionContext context);

    // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
    DenseGemm SCALAR = new DenseGemm() {
        @Override
        public void multiply(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias, int bOff,
                int units, float[] y, int yOff, ExecutionContext context) {
            DenseKernels.tiled(x, xOff, rows, in, kernel, kOff, bias, bOff, units, y, yOff, context);
        }
    };

    /** The backend's GEMM when it has one, else {@link #SCALAR}. */
    static DenseGemm of(KernelBackend backend) {
        var mk = backend == null ? null : backend.gemm();
        if (mk == null) {
            return SCALAR;
        }
        return (x, xOff, rows, in, kernel, kOff, bias, bOff, units, y, yOff, context) -> BlockedDenseGemm
                .multiply(x, xOff, rows, in, kernel, kOff, bias, bOff, units, y, yOff, context, mk);
    }
}
