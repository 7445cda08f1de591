package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Tensor;

/**
 * A residual sum as the last step of a conv's kernel: {@code y = after(y + residual)} over a run
 * of the output, the residual read at the same flat index as the output. Passed to the conv
 * kernels in place of their activation (which they apply in place to each work item's outputs
 * while those are in cache, or in a pass over rows), so every path takes it unchanged; never
 * registered or handed out. Bulk only: a value alone has no position ({@link #apply(float)}
 * refuses). The sum is the one Keras's Add takes (conv + residual, one rounding), then the
 * Add's activation, so the bits of the unfused plan.
 */
final class ResidualEpilogue implements Activation {
    private final float[] r;
    private final int rBase;
    private final int yBase;
    private final Activation after;

    ResidualEpilogue(Tensor residual, Tensor output, Activation after) {
        if (!residual.hasShape(output.shape())) {
            throw new IllegalArgumentException("residual sum: the residual " + residual.shapeString()
                    + " does not have the output's shape " + output.shapeString());
        }
        if (residual.data() == output.data() && residual.offset() < output.offset() + output.size()
                && output.offset() < residual.offset() + residual.size()) {
            throw new IllegalArgumentException("residual sum: the residual and the output overlap; pass a separate "
                    + "output tensor");
        }
        this.r = residual.data();
        this.rBase = residual.offset();
        this.yBase = output.offset();
        this.after = after;
    }

    @Override
    public String name() {
        return "residual";
    }

    @Override
    public float apply(float x) {
        throw new UnsupportedOperationException("a residual sum needs each value's position; apply it to runs");
    }

    @Override
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
        int ro = rBase + (dstOff - yBase);
        if (src == dst && srcOff == dstOff && ro == dstOff) {
            // the usual case (pooled buffers from index 0): one index for both arrays, which C2
            // vectorises (see MergeOp.combine)
            for (int j = dstOff, end = dstOff + length; j < end; j++) {
                dst[j] += r[j];
            }
        } else {
            for (int i = 0; i < length; i++) {
                dst[dstOff + i] = src[srcOff + i] + r[ro + i];
            }
        }
        if (after != null) {
            after.apply(dst, dstOff, dst, dstOff, length, lastAxis);
        }
    }
}
