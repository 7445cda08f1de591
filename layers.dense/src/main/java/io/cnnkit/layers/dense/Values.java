package io.cnnkit.layers.dense;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/**
 * A constant array given in a layer's configuration (Rescaling's scale, Normalization's mean):
 * a number, a nested list, or Keras 3's serialized NumPy array
 * {@code {"class_name": "__numpy__", "config": {"value": [...], "dtype": "float32"}}}.
 */
record Values(int[] shape, double[] data) {

    /** The value of {@code param}; fails naming the parameter when it is not numbers in a regular nesting. */
    static Values parse(LayerSpec spec, String param) {
        Object v = spec.raw(param);
        if (v instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> c && c.containsKey("value")
                && ("__numpy__".equals(m.get("class_name")) || "__tensor__".equals(m.get("class_name")))) {
            v = c.get("value"); // Keras 3 serialize_keras_object of an ndarray or tensor
        }
        List<Integer> shape = new ArrayList<>();
        Object probe = v;
        while (probe instanceof List<?> l) {
            shape.add(l.size());
            probe = l.isEmpty() ? null : l.get(0);
        }
        int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
        double[] data = new double[Math.toIntExact(count(dims))];
        int[] at = {0};
        if (!flatten(v, dims, 0, data, at)) {
            throw spec.paramError(param, "must be a number or a regular (rectangular) list of numbers, got "
                    + LayerSpec.describe(spec.raw(param)));
        }
        return new Values(dims, data);
    }

    private static boolean flatten(Object v, int[] dims, int depth, double[] out, int[] at) {
        if (depth == dims.length) {
            if (v instanceof Number n) {
                out[at[0]++] = n.doubleValue();
                return true;
            }
            return false;
        }
        if (!(v instanceof List<?> l) || l.size() != dims[depth]) {
            return false;
        }
        for (Object e : l) {
            if (!flatten(e, dims, depth + 1, out, at)) {
                return false;
            }
        }
        return true;
    }

    static long count(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    boolean scalar() {
        return data.length == 1 && shape.length == 0;
    }

    /**
     * These values broadcast (NumPy rules, aligned on the right) to {@code target}, which has
     * at least as many axes: each of this array's dimensions is 1 or the target's. Returns the
     * target-shaped values row-major as floats, or null when they do not broadcast.
     */
    float[] broadcastTo(int[] target) {
        if (shape.length > target.length) {
            return null;
        }
        int lead = target.length - shape.length;
        int[] srcStride = new int[target.length];
        int s = 1;
        for (int d = target.length - 1; d >= lead; d--) {
            int sd = shape[d - lead];
            if (sd != 1 && sd != target[d]) {
                return null;
            }
            srcStride[d] = sd == 1 ? 0 : s;
            s *= sd;
        }
        int n = Math.toIntExact(count(target));
        float[] out = new float[n];
        int[] idx = new int[target.length];
        int src = 0;
        for (int i = 0; i < n; i++) {
            out[i] = (float) data[src];
            for (int d = target.length - 1; d >= 0; d--) {
                idx[d]++;
                src += srcStride[d];
                if (idx[d] < target[d]) {
                    break;
                }
                src -= srcStride[d] * idx[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    String shapeString() {
        return Shape.format(shape);
    }
}
