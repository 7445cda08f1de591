package io.cnnkit.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.cnnkit.engine.api.Tensor;

/** Tolerance comparisons that say where and by how much two tensors differ. */
public final class Approx {
    private Approx() {
    }

    /**
     * Asserts equal shapes and |a - e| <= rtol * max(|e|, 1) for every element (relative,
     * with an absolute floor at 1 so values near zero do not demand impossible precision).
     */
    public static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
        if (!expected.hasShape(actual.shape())) {
            fail(what + ": shape " + actual.shapeString() + ", expected " + expected.shapeString());
        }
        double worst = 0;
        int worstAt = -1;
        float[] e = expected.data();
        float[] a = actual.data();
        for (int i = 0; i < expected.size(); i++) {
            float ev = e[expected.offset() + i];
            float av = a[actual.offset() + i];
            double diff = Math.abs((double) ev - av) / Math.max(Math.abs(ev), 1.0);
            if (Double.isNaN(av) != Double.isNaN(ev)) {
                diff = Double.POSITIVE_INFINITY;
            }
            if (diff > worst) {
                worst = diff;
                worstAt = i;
            }
        }
        if (worst > rtol) {
            fail(String.format("%s: largest relative difference %.3g at flat index %d (expected %s, got %s), "
                    + "tolerance %.1g", what, worst, worstAt, e[expected.offset() + worstAt],
                    a[actual.offset() + worstAt], rtol));
        }
    }

    /**
     * Asserts equal shapes and |a - e| <= rtol * |e| + atol for every element: relative, with a
     * small absolute floor for values near zero. Infinities and NaN must match exactly.
     */
    public static void assertRelClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        if (!expected.hasShape(actual.shape())) {
            fail(what + ": shape " + actual.shapeString() + ", expected " + expected.shapeString());
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.size(); i++) {
            double ev = expected.data()[expected.offset() + i];
            double av = actual.data()[actual.offset() + i];
            double excess;
            if (Double.isNaN(ev) || Double.isNaN(av) || Double.isInfinite(ev) || Double.isInfinite(av)) {
                excess = Double.compare(ev, av) == 0 ? 0 : Double.POSITIVE_INFINITY;
            } else {
                excess = Math.abs(ev - av) / (rtol * Math.abs(ev) + atol);
            }
            if (excess > worst) {
                worst = excess;
                worstAt = i;
            }
        }
        if (worst > 1) {
            fail(String.format("%s: at flat index %d expected %s, got %s (|diff| > %.1g * |expected| + %.1g)", what,
                    worstAt, expected.data()[expected.offset() + worstAt], actual.data()[actual.offset() + worstAt],
                    rtol, atol));
        }
    }

    /** The largest relative difference (for reports). */
    public static double maxRelDiff(Tensor expected, Tensor actual) {
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            float ev = expected.data()[expected.offset() + i];
            float av = actual.data()[actual.offset() + i];
            worst = Math.max(worst, Math.abs((double) ev - av) / Math.max(Math.abs(ev), 1.0));
        }
        return worst;
    }
}
