package io.cnnkit.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.cnnkit.engine.api.Tensor;

/** Tolerance comparisons that say where and by how much two tensors differ. */
public final class Approx {
    private Approx() {
    }

    /** The absolute floor of {@link #assertClose}: float32 noise around zero. */
    public static final double ATOL = 1e-6;

    /**
     * Asserts equal shapes and |a - e| <= rtol * |e| + {@value #ATOL} for every element: relative,
     * with a small absolute floor so values near zero do not demand more than float32 gives.
     * Infinities and NaN must match exactly.
     */
    public static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
        assertRelClose(what, expected, actual, rtol, ATOL);
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

    /**
     * Asserts equal shapes and |a - e| <= rtol * max|e| (normwise): for two float32 kernels that sum
     * long dot products in different orders (FMA, blocking), where an element that is a small
     * difference of large terms differs more than its own size suggests.
     */
    public static void assertNormClose(String what, Tensor expected, Tensor actual, double rtol) {
        double scale = 0;
        for (int i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.data()[expected.offset() + i]));
        }
        assertRelClose(what + " (normwise, max |expected| " + (float) scale + ")", expected, actual, 0,
                rtol * Math.max(scale, Float.MIN_NORMAL));
    }

    /** The largest relative difference |a - e| / max(|e|, ATOL), for reports. */
    public static double maxRelDiff(Tensor expected, Tensor actual) {
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            float ev = expected.data()[expected.offset() + i];
            float av = actual.data()[actual.offset() + i];
            worst = Math.max(worst, Math.abs((double) ev - av) / Math.max(Math.abs(ev), ATOL));
        }
        return worst;
    }
}
