package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;

/** Applies an activation's bulk form over whole rows of the last axis, rows split across threads. */
final class Activations {
    private Activations() {
    }

    /**
     * {@code dst = f(src)} for {@code rows} rows of {@code lastAxis} elements each (softmax
     * normalises each row). In place when src and dst are the same array and offset.
     */
    static void applyRows(Activation f, float[] src, int srcOff, float[] dst, int dstOff, int rows, int lastAxis,
            ExecutionContext context) {
        if (rows == 0 || lastAxis == 0) {
            return;
        }
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        context.parallelFor(rows, 4L * lastAxis, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                f.apply(src, srcOff + from * lastAxis, dst, dstOff + from * lastAxis, (to - from) * lastAxis, lastAxis);
            }
        });
    }

    /** Whether {@code f} is the identity and can be skipped. */
    static boolean isLinear(Activation f) {
        return "linear".equals(f.name());
    }
}
