package io.cnnkit.layers.conv;

import java.util.List;

import io.cnnkit.engine.api.LayerSpec;

/**
 * Rows at the top and bottom and columns at the left and right, as Keras's ZeroPadding2D
 * {@code padding} and Cropping2D {@code cropping} give them: {@code n}, {@code [rows, cols]}
 * (symmetric) or {@code [[top, bottom], [left, right]]}.
 */
record Sides(int top, int bottom, int left, int right) {
    /** The sides a parameter gives, or {@code all} on every side when it is absent. */
    static Sides of(LayerSpec spec, String param, int all) {
        if (!spec.has(param)) {
            return new Sides(all, all, all, all);
        }
        Object v = spec.raw(param);
        if (v instanceof List<?> l && l.size() == 2) {
            if (l.get(0) instanceof List<?> hs && l.get(1) instanceof List<?> ws && hs.size() == 2 && ws.size() == 2) {
                return new Sides(amount(spec, param, hs.get(0)), amount(spec, param, hs.get(1)),
                        amount(spec, param, ws.get(0)), amount(spec, param, ws.get(1)));
            }
            int h = amount(spec, param, l.get(0));
            int w = amount(spec, param, l.get(1));
            return new Sides(h, h, w, w);
        }
        if (v instanceof List<?>) {
            throw bad(spec, param);
        }
        int n = amount(spec, param, v);
        return new Sides(n, n, n, n);
    }

    private static int amount(LayerSpec spec, String param, Object v) {
        if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue()) && num.doubleValue() >= 0
                && num.doubleValue() <= Integer.MAX_VALUE) {
            return num.intValue();
        }
        if (v instanceof String s && s.trim().matches("\\d+")) {
            return Integer.parseInt(s.trim());
        }
        throw bad(spec, param);
    }

    private static RuntimeException bad(LayerSpec spec, String param) {
        return spec.paramError(param, "must be a non-negative integer, [rows, columns] or "
                + "[[top, bottom], [left, right]], got " + LayerSpec.describe(spec.raw(param)));
    }
}
