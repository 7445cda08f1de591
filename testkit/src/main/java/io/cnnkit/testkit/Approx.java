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
