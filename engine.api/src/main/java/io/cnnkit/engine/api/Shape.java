package io.cnnkit.engine.api;

import java.util.Arrays;

/**
 * The shape of one sample (without the batch axis), as Keras reports it after
 * {@code None}: e.g. (H, W, C) for images, (N) after flatten. A dimension may be
 * {@link #UNKNOWN} when the model accepts any size there (input_shape [null, null, 3]).
 */
public final class Shape {
    /** An open dimension, printed as {@code None}. */
    public static final int UNKNOWN = -1;

    private final int[] dims;

    private Shape(int[] dims) {
        for (int d : dims) {
            if (d < UNKNOWN) {
                throw new IllegalArgumentException("invalid dimension " + d + " in " + Arrays.toString(dims));
            }
        }
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** The per-sample shape of a batched tensor. */
    public static Shape ofSample(Tensor t) {
        int[] s = t.shape();
        return new Shape(Arrays.copyOfRange(s, 1, s.length));
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    public boolean isKnown(int axis) {
        return dim(axis) != UNKNOWN;
    }

    public boolean isFullyKnown() {
        for (int d : dims) {
            if (d == UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    /** Elements per sample; only for fully known shapes. */
    public long elementCount() {
        if (!isFullyKnown()) {
            throw new IllegalStateException("shape " + this + " has open dimensions");
        }
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** The full tensor shape for a batch of {@code n}; only for fully known shapes. */
    public int[] withBatch(int n) {
        if (!isFullyKnown()) {
            throw new IllegalStateException("shape " + this + " has open dimensions");
        }
        int[] s = new int[dims.length + 1];
        s[0] = n;
        System.arraycopy(dims, 0, s, 1, dims.length);
        return s;
    }

    /** Whether a concrete shape fits this one (equal rank, equal where this is known). */
    public boolean accepts(Shape concrete) {
        if (concrete.rank() != rank()) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != UNKNOWN && dims[i] != concrete.dims[i]) {
                return false;
            }
        }
        return true;
    }

    /** Keras notation with the batch axis: {@code (None, 5, 5, 3)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("(None");
        for (int d : dims) {
            b.append(", ").append(d == UNKNOWN ? "None" : Integer.toString(d));
        }
        return b.append(')').toString();
    }

    /** Python tuple notation of a full shape: {@code (1, 5, 5, 3)}, {@code (7,)}. */
    public static String format(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i] == UNKNOWN ? "None" : Integer.toString(shape[i]));
        }
        return b.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }
}
