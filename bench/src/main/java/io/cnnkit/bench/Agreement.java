package io.cnnkit.bench;

import java.util.Arrays;
import java.util.Locale;

import io.cnnkit.engine.api.Tensor;

/**
 * How far cnnkit's output is from ONNX Runtime's: the largest element difference relative to
 * the largest magnitude of the reference output, {@code max|a - r| / max|r|}. Scale-free (the
 * workloads' outputs range from 1e-2 to 1e1) and not blown up by elements near zero, which
 * float summation in a different order cannot match relatively.
 *
 * @param maxRelDiff  max|a - r| / max|r|
 * @param maxAbsDiff  max|a - r|
 * @param maxAbsRef   max|r|
 * @param nonZero     elements of r that are not 0 (a relu output that is all zero proves little)
 * @param size        elements compared
 */
public record Agreement(double maxRelDiff, double maxAbsDiff, double maxAbsRef, int nonZero, int size) {
    /** The default tolerance of the side-by-side check. */
    public static final double TOLERANCE = 1e-3;

    public static Agreement of(Tensor reference, Tensor actual) {
        if (!Arrays.equals(reference.shape(), actual.shape())) {
            throw new IllegalArgumentException("output shapes differ: reference " + reference.shapeString()
                    + ", cnnkit " + actual.shapeString());
        }
        float[] r = reference.data();
        float[] a = actual.data();
        double maxDiff = 0;
        double maxRef = 0;
        int nonZero = 0;
        for (int i = 0; i < reference.size(); i++) {
            double rv = r[reference.offset() + i];
            double av = a[actual.offset() + i];
            double d = Math.abs(rv - av);
            maxDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(maxDiff, d);
            maxRef = Math.max(maxRef, Math.abs(rv));
            if (rv != 0) {
                nonZero++;
            }
        }
        double rel = maxRef == 0 ? (maxDiff == 0 ? 0 : Double.POSITIVE_INFINITY) : maxDiff / maxRef;
        return new Agreement(rel, maxDiff, maxRef, nonZero, reference.size());
    }

    /** Within {@code tolerance}, and the reference has at least one non-zero element. */
    public boolean ok(double tolerance) {
        return maxRelDiff < tolerance && nonZero > 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "max rel diff %.2e (max abs diff %.2e, max |ref| %.3g, %d of %d non-zero)",
                maxRelDiff, maxAbsDiff, maxAbsRef, nonZero, size);
    }
}
