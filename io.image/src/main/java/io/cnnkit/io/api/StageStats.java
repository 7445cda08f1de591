package io.cnnkit.io.api;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.image.Pictures;

/**
 * Summary statistics of one stage output, over all its elements (computed in double).
 *
 * @param min          smallest value
 * @param max          largest value
 * @param mean         arithmetic mean
 * @param std          population standard deviation (divides by n, as numpy's {@code std()})
 * @param zeroFraction fraction of elements that are exactly 0 (dead relu units show here)
 */
public record StageStats(double min, double max, double mean, double std, double zeroFraction) {
    /** Statistics of every element; NaN values make min, max, mean and std NaN. */
    public static StageStats of(Tensor t) {
        int n = t.size();
        if (n == 0) {
            throw new IllegalArgumentException("no statistics for an empty tensor of shape " + t.shapeString());
        }
        float[] d = t.data();
        int off = t.offset();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long zeros = 0;
        boolean nan = false;
        for (int i = 0; i < n; i++) {
            float v = d[off + i];
            if (Float.isNaN(v)) {
                nan = true;
            }
            min = Pictures.lower(min, v); // Math.min/max without their calls (NaN handled below)
            max = Pictures.upper(max, v);
            sum += v;
            if (v == 0f) {
                zeros++;
            }
        }
        double mean = sum / n;
        // Two passes: the textbook E[x^2]-E[x]^2 loses precision on large offsets.
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double e = d[off + i] - mean;
            sq += e * e;
        }
        double std = Math.sqrt(sq / n);
        if (nan) {
            return new StageStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, (double) zeros / n);
        }
        return new StageStats(min, max, mean, std, (double) zeros / n);
    }
}
