package io.cnnkit.layers.merge;

import java.util.List;

import io.cnnkit.engine.api.Tensor;

/**
 * Naive oracles, written independently of the kernels: one output element at a time through
 * multi-indices. Element-wise: Keras 2 (lower ranks get size-1 axes after the batch axis, then
 * size 1 broadcasts), combined in input order in float as Keras does (average: the sum divided
 * by the count). Concatenate: the input an output index falls in along the axis.
 */
final class Reference {
    private Reference() {
    }

    static Tensor elementwise(String type, List<Tensor> in) {
        int rank = 0;
        for (Tensor t : in) {
            rank = Math.max(rank, t.rank());
        }
        int n = in.size();
        int[][] al = new int[n][rank];
        int[] out = new int[rank];
        for (int i = 0; i < n; i++) {
            int[] s = in.get(i).shape();
            int pad = rank - s.length;
            for (int a = 0; a < rank; a++) {
                al[i][a] = a == 0 ? s[0] : a <= pad ? 1 : s[a - pad];
            }
        }
        for (int a = 0; a < rank; a++) {
            out[a] = 1;
            for (int i = 0; i < n; i++) {
                if (al[i][a] != 1) {
                    if (out[a] != 1 && out[a] != al[i][a]) {
                        throw new IllegalArgumentException("shapes do not broadcast");
                    }
                    out[a] = al[i][a];
                }
            }
        }
        Tensor y = Tensor.zeros(out);
        int[] idx = new int[rank];
        for (int flat = 0; flat < y.size(); flat++) {
            int rest = flat;
            for (int a = rank - 1; a >= 0; a--) {
                idx[a] = rest % out[a];
                rest /= out[a];
            }
            float acc = 0;
            for (int i = 0; i < n; i++) {
                int off = 0;
                for (int a = 0; a < rank; a++) {
                    off = off * al[i][a] + (al[i][a] == 1 ? 0 : idx[a]);
                }
                Tensor t = in.get(i);
                float v = t.data()[t.offset() + off];
                if (i == 0) {
                    acc = v;
                    continue;
                }
                acc = switch (type) {
                    case "add", "average" -> acc + v;
                    case "subtract" -> acc - v;
                    case "multiply" -> acc * v;
                    case "maximum" -> Math.max(acc, v);
                    case "minimum" -> Math.min(acc, v);
                    default -> throw new IllegalArgumentException(type);
                };
            }
            if (type.equals("average")) {
                acc /= n;
            }
            y.data()[flat] = acc;
        }
        return y;
    }

    /** {@code axis} in Keras's batched numbering (negative from the end). */
    static Tensor concatenate(List<Tensor> in, int axis) {
        int rank = in.get(0).rank();
        int ax = axis < 0 ? axis + rank : axis;
        int[] out = in.get(0).shape();
        out[ax] = 0;
        for (Tensor t : in) {
            out[ax] += t.dim(ax);
        }
        Tensor y = Tensor.zeros(out);
        int[] idx = new int[rank];
        for (int flat = 0; flat < y.size(); flat++) {
            int rest = flat;
            for (int a = rank - 1; a >= 0; a--) {
                idx[a] = rest % out[a];
                rest /= out[a];
            }
            int at = idx[ax];
            for (Tensor t : in) {
                if (at < t.dim(ax)) {
                    int[] src = idx.clone();
                    src[ax] = at;
                    y.data()[flat] = t.get(src);
                    break;
                }
                at -= t.dim(ax);
            }
        }
        return y;
    }

    static Tensor of(String type, Object axis, List<Tensor> in) {
        if (type.equals("concatenate")) {
            return concatenate(in, axis == null ? -1 : ((Number) axis).intValue());
        }
        return elementwise(type, in);
    }
}
