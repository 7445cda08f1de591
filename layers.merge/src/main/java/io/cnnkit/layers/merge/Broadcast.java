package io.cnnkit.layers.merge;

import java.util.ArrayList;
import java.util.List;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/**
 * Keras 2's element-wise merge shapes ({@code keras.layers.merge._Merge}): an input of lower
 * rank is expanded with size-1 axes right after the batch axis until the ranks agree (so (N, C)
 * meets (N, H, W, C) as (N, 1, 1, C)); then every axis holds equal sizes or 1, and 1 broadcasts
 * (NumPy rules over the non-batch axes). The batch sizes must be equal.
 */
final class Broadcast {
    private Broadcast() {
    }

    /** The per-sample shape of input {@code s} expanded to {@code rank} (size-1 axes first). */
    static int[] aligned(Shape s, int rank) {
        int[] d = new int[rank];
        int pad = rank - s.rank();
        for (int a = 0; a < rank; a++) {
            d[a] = a < pad ? 1 : s.dim(a - pad);
        }
        return d;
    }

    /**
     * The output shape of per-sample input shapes (open dimensions allowed: an open size meets
     * anything; the sizes are checked again when the run's shapes are known). Shapes that do not
     * broadcast are an error naming both and the axis (numbered with the batch axis as 0).
     */
    static Shape outputShape(LayerSpec spec, List<Shape> in) {
        int rank = 0;
        boolean ranksDiffer = false;
        for (Shape s : in) {
            ranksDiffer |= rank != 0 && s.rank() != rank;
            rank = Math.max(rank, s.rank());
        }
        List<int[]> dims = new ArrayList<>(in.size());
        for (Shape s : in) {
            dims.add(aligned(s, rank));
        }
        int[] out = new int[rank];
        for (int a = 0; a < rank; a++) {
            int size = 1;
            int from = -1;
            boolean open = false;
            for (int i = 0; i < in.size(); i++) {
                int d = dims.get(i)[a];
                if (d == Shape.UNKNOWN) {
                    open = true;
                } else if (d != 1) {
                    if (from < 0) {
                        size = d;
                        from = i;
                    } else if (d != size) {
                        throw spec.error("cannot broadcast " + in.get(from) + " with " + in.get(i) + ": axis " + (a + 1)
                                + " has " + size + " and " + d
                                + (ranksDiffer ? " (inputs of lower rank get size-1 axes after the batch axis, as in "
                                        + "Keras 2)" : "")
                                + "; element-wise merges need equal sizes or 1 on each axis");
                    }
                }
            }
            out[a] = from >= 0 ? size : open ? Shape.UNKNOWN : 1;
        }
        return Shape.of(out);
    }

    /**
     * Keras 1 Merge (sum, mul, ave, max): the input shapes must be equal (open sizes meet
     * anything); there is no broadcasting.
     */
    static Shape sameShape(LayerSpec spec, String mode, List<Shape> in) {
        Shape first = in.get(0);
        int[] out = first.dims();
        for (int i = 1; i < in.size(); i++) {
            Shape s = in.get(i);
            boolean ok = s.rank() == first.rank();
            for (int a = 0; ok && a < out.length; a++) {
                int d = s.dim(a);
                if (out[a] == Shape.UNKNOWN) {
                    out[a] = d;
                } else if (d != Shape.UNKNOWN && d != out[a]) {
                    ok = false;
                }
            }
            if (!ok) {
                throw spec.error("mode '" + mode + "' needs inputs of one shape (Keras 1 Merge does not "
                        + "broadcast), got " + first + " and " + s);
            }
        }
        return Shape.of(out);
    }

    /**
     * How a kernel walks the output: the batched output shape with size-1 axes dropped and
     * neighbouring axes merged wherever every input is laid out alike, so equal shapes are one
     * contiguous axis and (N, 1, 1, C) * (N, H, W, C) is (N, H*W, C). {@code dims} has at least
     * one axis; {@code strides[i][a]} is input i's element step along axis a (0 where it
     * broadcasts). The innermost stride of each input is 0 or 1.
     */
    record Plan(int[] dims, int[][] strides) {
        static Plan of(int[] out, List<int[]> inputs) {
            int rank = out.length;
            int n = inputs.size();
            int[][] full = new int[n][rank];
            for (int i = 0; i < n; i++) {
                int[] s = inputs.get(i);
                // align: batch first, then size-1 axes, then the input's own axes
                int[] al = new int[rank];
                int pad = rank - s.length;
                al[0] = s[0];
                for (int a = 1; a < rank; a++) {
                    al[a] = a <= pad ? 1 : s[a - pad];
                }
                int step = 1;
                for (int a = rank - 1; a >= 0; a--) {
                    full[i][a] = al[a] == out[a] ? step : 0;
                    step *= al[a];
                }
            }
            // keep the axes of size > 1, merging an axis into the one before it where possible
            int[] dims = new int[rank];
            int[][] strides = new int[n][rank];
            int k = 0;
            for (int a = 0; a < rank; a++) {
                if (out[a] == 1) {
                    continue;
                }
                boolean merge = k > 0;
                for (int i = 0; merge && i < n; i++) {
                    merge = strides[i][k - 1] == full[i][a] * out[a];
                }
                if (merge) {
                    dims[k - 1] *= out[a];
                    for (int i = 0; i < n; i++) {
                        strides[i][k - 1] = full[i][a];
                    }
                } else {
                    dims[k] = out[a];
                    for (int i = 0; i < n; i++) {
                        strides[i][k] = full[i][a];
                    }
                    k++;
                }
            }
            if (k == 0) {
                // every axis has size 1: one element per input
                return new Plan(new int[] {1}, new int[n][1]);
            }
            int[][] s = new int[n][];
            for (int i = 0; i < n; i++) {
                s[i] = java.util.Arrays.copyOf(strides[i], k);
            }
            return new Plan(java.util.Arrays.copyOf(dims, k), s);
        }
    }
}
