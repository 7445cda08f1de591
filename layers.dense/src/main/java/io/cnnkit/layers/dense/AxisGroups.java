package io.cnnkit.layers.dense;

import java.util.Arrays;

/**
 * The elements of one sample split by a set of axes: a <em>group</em> is one combination of
 * the other axes, and holds every position along the chosen axes. Element {@code k} of group
 * {@code g} sits at {@link #base(int) base(g)} + {@link #offset(int) offset(k)}, where
 * {@code k} counts row-major over the chosen axes in increasing axis order. That order is
 * also how Keras lays out a weight spanning those axes (LayerNormalization's gamma reshaped to
 * its broadcast shape, Normalization's mean), so {@code k} indexes such a weight directly.
 *
 * <p>Used for reductions (layer normalisation: statistics per group), row-wise functions
 * along any axes (softmax) and parameters broadcast over the other axes (normalization,
 * rescaling). When the chosen axes are the trailing ones a group is contiguous and no index
 * arrays exist.
 */
final class AxisGroups {
    /** Groups per sample (product of the other axes). */
    final int groups;
    /** Elements per group (product of the chosen axes). */
    final int length;
    /** Elements per sample. */
    final int sampleSize;
    /** Relative offsets of a group's elements, or null when contiguous (offset(k) = k). */
    private final int[] offsets;
    /** Offsets of each group's first element, or null when contiguous (base(g) = g * length). */
    private final int[] bases;

    /**
     * @param dims the per-sample shape (concrete)
     * @param axes chosen axes, 0-based into {@code dims}, each once, in increasing order
     */
    AxisGroups(int[] dims, int[] axes) {
        int rank = dims.length;
        boolean[] chosen = new boolean[rank];
        for (int a : axes) {
            chosen[a] = true;
        }
        int[] stride = new int[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            stride[d] = (int) s;
            s *= dims[d];
        }
        this.sampleSize = (int) s;
        long len = 1;
        for (int a : axes) {
            len *= dims[a];
        }
        this.length = (int) len;
        this.groups = length == 0 ? 0 : sampleSize / length;
        // The chosen axes are trailing: groups are consecutive runs of `length` elements.
        boolean suffix = true;
        for (int i = 0; i < axes.length; i++) {
            suffix &= axes[i] == rank - axes.length + i;
        }
        if (suffix) {
            offsets = null;
            bases = null;
            return;
        }
        int[] other = new int[rank - axes.length];
        for (int d = 0, i = 0; d < rank; d++) {
            if (!chosen[d]) {
                other[i++] = d;
            }
        }
        offsets = enumerate(dims, stride, axes, length);
        bases = enumerate(dims, stride, other, groups);
    }

    /** Row-major offsets of every combination of {@code axes}. */
    private static int[] enumerate(int[] dims, int[] stride, int[] axes, int count) {
        int[] out = new int[count];
        int[] idx = new int[axes.length];
        int off = 0;
        for (int i = 0; i < count; i++) {
            out[i] = off;
            for (int j = axes.length - 1; j >= 0; j--) {
                int a = axes[j];
                idx[j]++;
                off += stride[a];
                if (idx[j] < dims[a]) {
                    break;
                }
                off -= stride[a] * idx[j];
                idx[j] = 0;
            }
        }
        return out;
    }

    /** Whether every group is one contiguous run. */
    boolean contiguous() {
        return offsets == null;
    }

    int base(int group) {
        return bases == null ? group * length : bases[group];
    }

    int offset(int k) {
        return offsets == null ? k : offsets[k];
    }

    /**
     * Axes (0-based into a per-sample shape of {@code rank}) from Keras axis numbers, which
     * count the batch axis (1 = the first per-sample axis, -1 = the last): sorted, each once.
     * Null when a value is out of range, the batch axis, or repeated; {@code why} then holds
     * the reason.
     */
    static int[] fromKeras(int[] kerasAxes, int rank, StringBuilder why) {
        int fullRank = rank + 1;
        int[] out = new int[kerasAxes.length];
        for (int i = 0; i < kerasAxes.length; i++) {
            int a = kerasAxes[i] < 0 ? kerasAxes[i] + fullRank : kerasAxes[i];
            if (a == 0) {
                why.append("axis ").append(kerasAxes[i]).append(" is the batch axis");
                return null;
            }
            if (a < 0 || a >= fullRank) {
                why.append("axis ").append(kerasAxes[i]).append(" is outside 1..").append(fullRank - 1)
                        .append(" (or -").append(fullRank - 1).append("..-1)");
                return null;
            }
            out[i] = a - 1;
        }
        int[] sorted = out.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                why.append("axis ").append(sorted[i] + 1).append(" is given twice");
                return null;
            }
        }
        return out;
    }

    static int[] sorted(int[] axes) {
        int[] s = axes.clone();
        Arrays.sort(s);
        return s;
    }
}
