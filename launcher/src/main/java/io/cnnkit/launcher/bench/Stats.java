package io.cnnkit.launcher.bench;

import java.util.Arrays;

/** Order statistics of run times. */
public final class Stats {
    private Stats() {
    }

    /** The median (mean of the two middle values for an even count). */
    public static double median(double[] xs) {
        double[] s = sorted(xs);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * The {@code p}-th percentile by the nearest-rank method: the smallest value with at
     * least p% of the values at or below it (for 10 runs, p90 is the 9th smallest).
     */
    public static double percentile(double[] xs, double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        double[] s = sorted(xs);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(rank, 1) - 1];
    }

    private static double[] sorted(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        return s;
    }
}
