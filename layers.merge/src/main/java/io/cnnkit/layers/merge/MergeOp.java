package io.cnnkit.layers.merge;

import java.util.Arrays;

/**
 * The element-wise merges and their row kernels. A row of the output is set from the first
 * input, then combined with each further input in list order, so every element sees the same
 * operations in the same order whatever the blocking: {@code ((x0 + x1) + x2) ...}; average
 * divides that sum by the input count once at the end (Keras: {@code output / len(inputs)}).
 * Maximum and minimum propagate NaN (as NumPy and PyTorch do).
 */
enum MergeOp {
    ADD,
    SUBTRACT,
    MULTIPLY,
    AVERAGE,
    MAXIMUM,
    MINIMUM;

    /** y[yo .. yo+n) = x (stride 1, or stride 0: one value for the whole row). */
    static void first(float[] x, int xo, int xs, float[] y, int yo, int n) {
        if (xs == 1) {
            System.arraycopy(x, xo, y, yo, n);
        } else {
            Arrays.fill(y, yo, yo + n, x[xo]);
        }
    }

    /** y = y op x over one row, x with stride 1 or 0. */
    void combine(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int end = yo + n;
        if (xs == 1 && xo == yo) {
            // the usual case (every tensor a pooled buffer from index 0): one index for both
            // arrays, which C2 (JDK 17) vectorises; with two offsets it cannot rule out that x and
            // y overlap and runs one element at a time (several times slower). Same operations.
            sameIndex(x, y, yo, end);
        } else if (xs == 1) {
            int d = xo - yo;
            switch (this) {
                case ADD, AVERAGE -> {
                    for (int j = yo; j < end; j++) {
                        y[j] += x[j + d];
                    }
                }
                case SUBTRACT -> {
                    for (int j = yo; j < end; j++) {
                        y[j] -= x[j + d];
                    }
                }
                case MULTIPLY -> {
                    for (int j = yo; j < end; j++) {
                        y[j] *= x[j + d];
                    }
                }
                case MAXIMUM -> {
                    for (int j = yo; j < end; j++) {
                        y[j] = Math.max(y[j], x[j + d]);
                    }
                }
                case MINIMUM -> {
                    for (int j = yo; j < end; j++) {
                        y[j] = Math.min(y[j], x[j + d]);
                    }
                }
                default -> throw new AssertionError(this);
            }
        } else {
            float v = x[xo];
            switch (this) {
                case ADD, AVERAGE -> {
                    for (int j = yo; j < end; j++) {
                        y[j] += v;
                    }
                }
                case SUBTRACT -> {
                    for (int j = yo; j < end; j++) {
                        y[j] -= v;
                    }
                }
                case MULTIPLY -> {
                    for (int j = yo; j < end; j++) {
                        y[j] *= v;
                    }
                }
                case MAXIMUM -> {
                    for (int j = yo; j < end; j++) {
                        y[j] = Math.max(y[j], v);
                    }
                }
                case MINIMUM -> {
                    for (int j = yo; j < end; j++) {
                        y[j] = Math.min(y[j], v);
                    }
                }
                default -> throw new AssertionError(this);
            }
        }
    }

    /** {@link #combine} with stride 1 and both rows at index {@code from}. */
    private void sameIndex(float[] x, float[] y, int from, int end) {
        switch (this) {
            case ADD, AVERAGE -> {
                for (int j = from; j < end; j++) {
                    y[j] += x[j];
                }
            }
            case SUBTRACT -> {
                for (int j = from; j < end; j++) {
                    y[j] -= x[j];
                }
            }
            case MULTIPLY -> {
                for (int j = from; j < end; j++) {
                    y[j] *= x[j];
                }
            }
            case MAXIMUM -> {
                for (int j = from; j < end; j++) {
                    y[j] = Math.max(y[j], x[j]);
                }
            }
            case MINIMUM -> {
                for (int j = from; j < end; j++) {
                    y[j] = Math.min(y[j], x[j]);
                }
            }
            default -> throw new AssertionError(this);
        }
    }

    /** The last step after every input is combined: average divides by the input count. */
    void finish(float[] y, int yo, int n, int inputs) {
        if (this == AVERAGE) {
            float count = inputs;
            for (int j = yo; j < yo + n; j++) {
                y[j] /= count;
            }
        }
    }
}
