package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** DecimalText gives the Formatter's text: checked against String.format itself. */
class DecimalTextTest {
    private static void same(double v) {
        for (int p = 1; p <= 6; p++) {
            assertEquals(String.format(Locale.ROOT, "%." + p + "g", v), DecimalText.general(v, p), "%." + p + "g of " + v);
        }
        for (int d = 0; d <= 3; d++) {
            assertEquals(String.format(Locale.ROOT, "%." + d + "f", v), DecimalText.fixed(v, d), "%." + d + "f of " + v);
        }
    }

    @Test
    void edgesAsTheFormatterWritesThem() {
        double[] edges = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
            -Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 1, -1, 0.5, 0.05, 0.04999, 0.15, 0.25, 0.35, 9.5, 99.95,
            999.95, 9999.5, 99995, 9.9995e-5, 9.99949e-5, 1e-4, 1e-5, 1e7, 1e-3, 0.001, 0.0012345, 123.45, 2.5, 3.5,
            1.0e21, 123456789, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 100, 1000, 10000, 0.3, 0.7, 1e22, 4.35, 2.675, 1.005,
            (float) 0.1, (float) 1.1, (float) 33.3, Float.MAX_VALUE, Float.MIN_VALUE, 46.8, 3.9, 75.0, 0.95, 99.99};
        for (double v : edges) {
            same(v);
            same(-v);
        }
    }

    @Test
    void aHundredThousandValuesOfEveryMagnitudeAsTheFormatterWritesThem() {
        SplittableRandom r = new SplittableRandom(20261206);
        for (int i = 0; i < 30_000; i++) {
            double mant = r.nextDouble();
            int e = r.nextInt(-30, 31);
            double v = mant * Math.pow(10, e);
            same(v);
            same((float) v); // the stage table's values are floats widened to double
            same(Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL)); // any finite double
            // values at a rounding boundary: k + 0.5 units of the 4th significant digit
            double k = r.nextInt(1000, 10000) + 0.5;
            same(k * Math.pow(10, r.nextInt(-8, 9)));
        }
    }
}
