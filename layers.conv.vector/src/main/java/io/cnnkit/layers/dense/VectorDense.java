package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.layers.conv.VectorDenseGemm;

/**
 * The dense provider of layers.dense, multiplying with the Vector API GEMM. Lives in this
 * bundle's private copy of the dense package; see {@code VectorConv2d} for when to use it.
 */
public final class VectorDense {
    private VectorDense() {
    }

    /** A dense provider computing with {@link VectorDenseGemm}; the caller checks availability. */
    public static LayerProvider provider() {
        return new DenseProvider(VectorDenseGemm::multiply);
    }
}
