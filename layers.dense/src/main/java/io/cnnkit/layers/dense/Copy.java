package io.cnnkit.layers.dense;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

/** Element copies split across the scheduler (each block copied by one task). */
final class Copy {
    /** Elements per copy task: large enough that a task is worth its overhead. */
    static final int BLOCK = 1 << 14;

    private Copy() {
    }

    /** {@code output = input} element for element (equal sizes, any shapes). */
    static void samples(Tensor input, Tensor output, ExecutionContext context) {
        int n = input.size();
        if (n != output.size()) {
            throw new IllegalStateException("copy of " + n + " values into " + output.size());
        }
        float[] x = input.data();
        float[] y = output.data();
        int xo = input.offset();
        int yo = output.offset();
        int blocks = (n + BLOCK - 1) / BLOCK;
        context.parallelFor(blocks, BLOCK, (from, to) -> {
            int start = from * BLOCK;
            int end = (int) Math.min(n, (long) to * BLOCK);
            System.arraycopy(x, xo + start, y, yo + start, end - start);
        });
    }
}
