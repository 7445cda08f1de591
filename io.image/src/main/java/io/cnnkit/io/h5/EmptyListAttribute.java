package io.cnnkit.io.h5;

import java.nio.ByteBuffer;

import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import io.jhdf.api.WritableAttributeImpl;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.message.DataSpace;

/**
 * An empty float64 array attribute of shape (0,): how Keras (through numpy) stores an empty
 * {@code weight_names} list for a weightless layer. jHDF 0.13 cannot write empty arrays
 * ({@code putAttribute} fails reading element 0 to find the type), so the type comes from a
 * one-element array, the dataspace from an empty one, and the encoder gets a scalar whose 8
 * bytes readers ignore because the dataspace holds no element.
 */
final class EmptyListAttribute implements Attribute {
    private final String name;
    private final Node node;
    private final DataType type;
    private final DataSpace space;

    EmptyListAttribute(String name, Node node) {
        this.name = name;
        this.node = node;
        this.type = new WritableAttributeImpl(name, node, new double[] {0}).getDataType();
        this.space = DataSpace.fromObject(new double[0]);
    }

    @Override
    public Node getNode() {
        return node;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public long getSize() {
        return 0;
    }

    @Override
    public long getSizeInBytes() {
        return 0;
    }

    @Override
    public int[] getDimensions() {
        return new int[] {0};
    }

    @Override
    public long[] getDimensionsAsLong() {
        return new long[] {0};
    }

    /** What jHDF's attribute message encoder is given (see the class comment). */
    @Override
    public Object getData() {
        return Double.valueOf(0);
    }

    @Override
    public Class<?> getJavaType() {
        return double.class;
    }

    @Override
    public boolean isScalar() {
        return false;
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public ByteBuffer getBuffer() {
        return ByteBuffer.allocate(0);
    }

    @Override
    public DataSpace getDataSpace() {
        return space;
    }

    @Override
    public DataType getDataType() {
        return type;
    }
}
