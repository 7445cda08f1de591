package io.cnnkit.layers.merge;

import java.util.List;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * concatenate (Keras Concatenate; Keras 1 Merge mode concat): joins the inputs along one axis.
 * The axis counts in the batched shape as Keras does: 1 is the first axis after the batch, -1
 * the last; the batch axis (0) cannot be joined. Every other axis must have equal sizes (no
 * broadcasting; open sizes meet anything).
 *
 * <p>The kernel copies, for each index before the axis (batch included), each input's
 * contiguous block in input order; a parallel item is one such index.
 */
final class Concatenate extends MergeLayer {
    /** The parameter the axis came from (axis, or Keras 1's concat_axis), for messages. */
    private final String axisParam;
    private final int axisValue;

    Concatenate(LayerSpec spec, String type, String axisParam, int axisValue, List<Shape> inputShapes) {
        super(spec, type, inputShapes);
        this.axisParam = axisParam;
        this.axisValue = axisValue;
        outputShape(inputShapes); // checks the axis and the shapes now
    }

    /** The axis as an index of the per-sample shape (0 = the first axis after the batch). */
    private int sampleAxis(int rank) {
        int batched = axisValue < 0 ? axisValue + rank + 1 : axisValue;
        if (batched == 0) {
            throw spec.paramError(axisParam, "is " + axisValue + ", the batch axis, for inputs of rank " + (rank + 1)
                    + "; concatenate joins samples' axes (1 to " + rank + ", or -1 to -" + rank + ")");
        }
        if (batched < 0 || batched > rank) {
            throw spec.paramError(axisParam, "is " + axisValue + ", out of range for inputs of rank " + (rank + 1)
                    + " (batch included); use 1 to " + rank + " or -1 to -" + rank);
        }
        return batched - 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        checkCount(inputs.size());
        Shape first = inputs.get(0);
        int rank = first.rank();
        for (Shape s : inputs) {
            if (s.rank() != rank) {
                throw spec.error("cannot concatenate " + first + " with " + s + ": inputs of different ranks "
                        + (rank + 1) + " and " + (s.rank() + 1) + " (concatenate does not broadcast)");
            }
        }
        if (rank == 0) {
            throw spec.error("cannot concatenate inputs of shape " + first + ": they have no axis besides the batch");
        }
        int axis = sampleAxis(rank);
        int[] out = new int[rank];
        int[] from = new int[rank];
        java.util.Arrays.fill(from, -1);
        for (int i = 0; i < inputs.size(); i++) {
            Shape s = inputs.get(i);
            for (int a = 0; a < rank; a++) {
                int d = s.dim(a);
                if (a == axis) {
                    out[a] = i == 0 ? d : out[a] == Shape.UNKNOWN || d == Shape.UNKNOWN ? Shape.UNKNOWN : out[a] + d;
                } else if (d != Shape.UNKNOWN) {
                    if (from[a] < 0) {
                        from[a] = i;
                        out[a] = d;
                    } else if (d != out[a]) {
                        throw spec.error("cannot concatenate " + inputs.get(from[a]) + " with " + s + " on axis "
                                + (axis + 1) + ": axis " + (a + 1) + " has " + out[a] + " and " + d
                                + "; every axis but the concatenation axis must match");
                    }
                } else if (from[a] < 0) {
                    out[a] = Shape.UNKNOWN;
                }
            }
        }
        return Shape.of(out);
    }

    @Override
    public void forward(List<Tensor> inputs, Tensor output, ExecutionContext context) {
        Shape out = outputShape(sampleShapes(inputs));
        checkOutput(inputs, out, output);
        if (output.size() == 0) {
            return;
        }
        int axis = sampleAxis(out.rank()) + 1; // batched
        int n = inputs.size();
        int[] shape = output.shape();
        int outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= shape[a];
        }
        int inner = 1;
        for (int a = axis + 1; a < shape.length; a++) {
            inner *= shape[a];
        }
        int rowLength = shape[axis] * inner;
        float[][] x = new float[n][];
        int[] base = new int[n];
        int[] chunk = new int[n];
        for (int i = 0; i < n; i++) {
            Tensor t = inputs.get(i);
            x[i] = t.data();
            base[i] = t.offset();
            chunk[i] = t.dim(axis) * inner;
        }
        float[] y = output.data();
        int yBase = output.offset();
        context.parallelFor(outer, rowLength, (from, to) -> {
            for (int o = from; o < to; o++) {
                int pos = yBase + o * rowLength;
                for (int i = 0; i < n; i++) {
                    System.arraycopy(x[i], base[i] + o * chunk[i], y, pos, chunk[i]);
                    pos += chunk[i];
                }
            }
        });
    }
}
