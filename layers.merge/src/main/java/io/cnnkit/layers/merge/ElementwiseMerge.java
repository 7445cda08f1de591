package io.cnnkit.layers.merge;

import java.util.ArrayList;
import java.util.List;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationFusable;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ResidualSum;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * add / subtract / multiply / average / maximum / minimum (Keras Add, Subtract, Multiply,
 * Average, Maximum, Minimum) with Keras 2's broadcasting ({@link Broadcast}), and Keras 1's
 * Merge modes sum / mul / ave / max, which need equal shapes.
 *
 * <p>The kernel walks the output in rows of its innermost (merged) axis, cut into blocks of at
 * most {@link #BLOCK} elements; a parallel item is one block, so equal shapes are one long
 * contiguous loop split into blocks over the whole batch. Each output element is computed by one
 * item with a fixed order of operations: the result does not depend on the thread count.
 */
final class ElementwiseMerge extends MergeLayer implements ActivationFusable, ResidualSum {
    /** Elements per parallel item: 16 KiB of output, which stays in L1 between the passes over the inputs. */
    static final int BLOCK = 4096;

    private final MergeOp op;
    /** Keras 1 Merge mode (no broadcasting), or null for the Keras 2 layers. */
    private final String strictMode;
    /** An element-wise activation the optimised plan moved into this kernel, or null (Keras's merges have none). */
    private final Activation activation;

    ElementwiseMerge(LayerSpec spec, String type, MergeOp op, String strictMode, List<Shape> inputShapes) {
        this(spec, type, op, strictMode, inputShapes, null);
    }

    private ElementwiseMerge(LayerSpec spec, String type, MergeOp op, String strictMode, List<Shape> inputShapes,
            Activation activation) {
        super(spec, type, inputShapes);
        this.op = op;
        this.strictMode = strictMode;
        this.activation = activation;
        outputShape(inputShapes); // checks the shapes now
    }

    /** Applied to each block right after it is combined, while it is still in L1. */
    @Override
    public Layer fuseActivation(Activation act) {
        return activation != null || !act.elementWise() ? null
                : new ElementwiseMerge(spec, type(), op, strictMode, inputShapes(), act);
    }

    MergeOp op() {
        return op;
    }

    /** An add of two inputs of one fully known shape (no broadcasting): input0 + input1, then the activation. */
    @Override
    public boolean isResidualSum() {
        List<Shape> in = inputShapes();
        return op == MergeOp.ADD && in.size() == 2 && in.get(0).isFullyKnown() && in.get(0).equals(in.get(1));
    }

    @Override
    public Activation sumActivation() {
        return activation;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        checkCount(inputs.size());
        return strictMode != null ? Broadcast.sameShape(spec, strictMode, inputs) : Broadcast.outputShape(spec, inputs);
    }

    @Override
    public void forward(List<Tensor> inputs, Tensor output, ExecutionContext context) {
        Shape out = outputShape(sampleShapes(inputs));
        checkOutput(inputs, out, output);
        if (output.size() == 0) {
            return;
        }
        int n = inputs.size();
        float[][] x = new float[n][];
        int[] base = new int[n];
        boolean equal = true;
        for (int i = 0; i < n; i++) {
            Tensor t = inputs.get(i);
            x[i] = t.data();
            base[i] = t.offset();
            equal &= t.hasShape(output.shape());
        }
        float[] y = output.data();
        int yBase = output.offset();
        Activation act = activation;
        if (equal) {
            // fast path: one contiguous axis over the whole batch
            int total = output.size();
            int blocks = (total + BLOCK - 1) / BLOCK;
            context.parallelFor(blocks, (long) BLOCK * n, (from, to) -> {
                for (int b = from; b < to; b++) {
                    int s = b * BLOCK;
                    int len = Math.min(BLOCK, total - s);
                    MergeOp.first(x[0], base[0] + s, 1, y, yBase + s, len);
                    for (int i = 1; i < n; i++) {
                        op.combine(x[i], base[i] + s, 1, y, yBase + s, len);
                    }
                    op.finish(y, yBase + s, len, n);
                    if (act != null) {
                        act.apply(y, yBase + s, y, yBase + s, len, len);
                    }
                }
            });
            return;
        }
        List<int[]> shapes = new ArrayList<>(n);
        for (Tensor t : inputs) {
            shapes.add(t.shape());
        }
        Broadcast.Plan plan = Broadcast.Plan.of(output.shape(), shapes);
        int[] dims = plan.dims();
        int[][] strides = plan.strides();
        int k = dims.length;
        int row = dims[k - 1];
        int perRow = (row + BLOCK - 1) / BLOCK;
        int rows = output.size() / row;
        long items = (long) rows * perRow;
        int[] inner = new int[n];
        for (int i = 0; i < n; i++) {
            inner[i] = strides[i][k - 1];
        }
        context.parallelFor((int) items, (long) Math.min(row, BLOCK) * n, (from, to) -> {
            // the outer index of the first item's row, and each input's offset there
            int r = from / perRow;
            int blk = from % perRow;
            int[] idx = new int[k - 1];
            int[] off = base.clone();
            for (int a = k - 2, rest = r; a >= 0; a--) {
                idx[a] = rest % dims[a];
                rest /= dims[a];
                for (int i = 0; i < n; i++) {
                    off[i] += idx[a] * strides[i][a];
                }
            }
            for (int item = from; item < to; item++) {
                int s = blk * BLOCK;
                int len = Math.min(BLOCK, row - s);
                int yo = yBase + r * row + s;
                MergeOp.first(x[0], off[0] + s * inner[0], inner[0], y, yo, len);
                for (int i = 1; i < n; i++) {
                    op.combine(x[i], off[i] + s * inner[i], inner[i], y, yo, len);
                }
                op.finish(y, yo, len, n);
                if (act != null) {
                    act.apply(y, yo, y, yo, len, len);
                }
                if (++blk == perRow) {
                    blk = 0;
                    r++;
                    // next row: odometer over the outer axes
                    for (int a = k - 2; a >= 0; a--) {
                        idx[a]++;
                        for (int i = 0; i < n; i++) {
                            off[i] += strides[i][a];
                        }
                        if (idx[a] < dims[a]) {
                            break;
                        }
                        for (int i = 0; i < n; i++) {
                            off[i] -= strides[i][a] * dims[a];
                        }
                        idx[a] = 0;
                    }
                }
            }
        });
    }
}
