package io.cnnkit.engine.api;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order; for images NHWC, batch first (Keras
 * channels_last). The shape is immutable; the data is a plain {@code float[]} that kernels
 * read and write directly, starting at {@link #offset()}. Views ({@link #sample},
 * {@link #reshape}) share the array, so nothing is copied on hot paths.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;
    private final int offset;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        this.shape = shape.clone();
        long n = 1;
        for (int d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape)
                    + " has more than 2^31-1 elements");
        }
        if (offset < 0 || offset + n > data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " at offset " + offset
                    + " needs " + n + " elements but the array has " + data.length);
        }
        this.data = data;
        this.offset = offset;
        this.size = (int) n;
    }

    /** A new zero-filled tensor. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], 0, shape);
    }

    /** Wraps an array without copying; it must hold exactly the shape's element count. */
    public static Tensor wrap(float[] data, int... shape) {
        if (checkedSize(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs "
                    + checkedSize(shape) + " elements but the array has " + data.length);
        }
        return new Tensor(data, 0, shape);
    }

    /** A view of {@code data} starting at {@code offset}, without copying. */
    public static Tensor view(float[] data, int offset, int... shape) {
        return new Tensor(data, offset, shape);
    }

    /** The number of elements a shape holds; rejects negative dimensions and overflow. */
    public static int checkedSize(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape)
                        + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return size;
    }

    /** The backing array; elements live at {@code offset() .. offset()+size()-1}. */
    public float[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    /** Flat index of a multi-index, checked against the shape. */
    public int index(int... idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + idx.length + " for a tensor of shape " + shapeString());
        }
        int flat = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for shape " + shapeString());
            }
            flat = flat * shape[i] + idx[i];
        }
        return offset + flat;
    }

    public float get(int... idx) {
        return data[index(idx)];
    }

    public void set(float value, int... idx) {
        data[index(idx)] = value;
    }

    /** Sample {@code n} of the batch (axis 0) as a view of shape (1, ...). */
    public Tensor sample(int n) {
        if (shape.length == 0 || n < 0 || n >= shape[0]) {
            throw new IndexOutOfBoundsException("sample " + n + " of a tensor of shape " + shapeString());
        }
        int[] s = shape.clone();
        s[0] = 1;
        int per = shape[0] == 0 ? 0 : size / shape[0];
        return new Tensor(data, offset + n * per, s);
    }

    /** The same elements under another shape with the same element count (a view). */
    public Tensor reshape(int... newShape) {
        if (checkedSize(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + shapeString() + " (" + size + " elements) to "
                    + Shape.format(newShape));
        }
        return new Tensor(data, offset, newShape);
    }

    /** A deep copy with its own compact array. */
    public Tensor copy() {
        return new Tensor(Arrays.copyOfRange(data, offset, offset + size), 0, shape);
    }

    /** The elements as a new compact array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** Copies {@code src}'s elements into this tensor; the shapes must be equal. */
    public void copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("cannot copy a tensor of shape " + src.shapeString()
                    + " into one of shape " + shapeString());
        }
        System.arraycopy(src.data, src.offset, data, offset, size);
    }

    public boolean hasShape(int... s) {
        return Arrays.equals(shape, s);
    }

    /** Whether the two tensors' element ranges overlap in one array (kernels refuse aliasing). */
    public boolean overlaps(Tensor other) {
        return data == other.data && size > 0 && other.size > 0 && offset < other.offset + other.size
                && other.offset < offset + size;
    }

    /** Shape in Python tuple notation, e.g. {@code (1, 5, 5, 3)}. */
    public String shapeString() {
        return Shape.format(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }

    /** Equal shape and bit-identical elements. */
    public boolean contentEquals(Tensor o) {
        if (!Arrays.equals(shape, o.shape)) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (Float.floatToIntBits(data[offset + i]) != Float.floatToIntBits(o.data[o.offset + i])) {
                return false;
            }
        }
        return true;
    }
}
