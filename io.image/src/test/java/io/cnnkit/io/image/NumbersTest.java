package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.io.api.NumberText;

/** The hand-written number formats give what String.format gives, value for value. */
class NumbersTest {
    /** Edge cases: zeros, non-finite values, rounding ties and carries across the format switch. */
    private static final double[] EDGES = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 1, -1, 0.5, 0.05, 0.005, 0.25, 0.125,
        2.675, 1.005, 9.5, 99.5, 999.95, 9.9999995, 999999.5, 999999.4, 1e6, 1e7, 123456.5, 0.0001, 0.00009999995,
        0.000099999949, 1e-4, 1e-5, 9.99995e-5, 0.1, 0.15, 0.95, 0.995, 12345.678, -12345.678, 1e21, 1e-300, 3.0e-7,
        100, 1000, 0.001, 0.0015, 55.55, 0.045, 1.45, 4.35, 8.675};

    private static List<Double> values() {
        List<Double> vs = new ArrayList<>();
        for (double v : EDGES) {
            vs.add(v);
        }
        Random r = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextGaussian() * Math.pow(10, r.nextInt(24) - 12);
                case 1 -> Double.longBitsToDouble(r.nextLong()); // every magnitude, NaNs included
                case 2 -> (r.nextInt(2_000_001) - 1_000_000) / Math.pow(10, r.nextInt(9)); // short decimals: ties
                default -> r.nextFloat() * (r.nextBoolean() ? 1 : -1); // what activations hold
            };
            vs.add(v);
        }
        return vs;
    }

    @Test
    void generalIsTheFormattersG() {
        for (double v : values()) {
            for (int p : new int[] {1, 3, 4, 6, 8}) {
                assertEquals(String.format(Locale.ROOT, "%." + p + "g", v), Numbers.general(v, p), "%." + p + "g of " + v);
            }
        }
    }

    @Test
    void fixedIsTheFormattersF() {
        for (double v : values()) {
            if (Math.abs(v) > 1e30) {
                continue; // %f writes every integer digit: checked below on a few
            }
            for (int n : new int[] {0, 1, 2, 4}) {
                assertEquals(String.format(Locale.ROOT, "%." + n + "f", v), Numbers.fixed(v, n), "%." + n + "f of " + v);
            }
        }
        for (double v : new double[] {1e300, -Double.MAX_VALUE, 1.5e40}) {
            assertEquals(String.format(Locale.ROOT, "%.1f", v), Numbers.fixed(v, 1), "%.1f of " + v);
        }
    }

    @Test
    void integersAreTheFormatters() {
        Random r = new Random(7);
        List<Long> ns = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 999L, 1000L, -1000L, 999_999L, 1_000_000L,
                Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MIN_VALUE));
        for (int i = 0; i < 100_000; i++) {
            ns.add(r.nextLong() >> r.nextInt(63));
        }
        for (long n : ns) {
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                assertEquals(String.format(Locale.ROOT, "%02d", n), Numbers.twoDigits((int) n), "%02d of " + n);
            }
        }
    }

    @Test
    void theApisNumberTextIsTheFormattersToo() {
        Random r = new Random(15);
        for (int i = 0; i < 2000; i++) {
            float v = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(16) - 8));
            for (int p = 0; p <= 6; p++) {
                assertEquals(String.format(Locale.ROOT, "%." + p + "g", v), NumberText.general(v, p), "%." + p + "g of " + v);
            }
            assertEquals(String.format(Locale.ROOT, "%.1f", v), NumberText.fixed(v, 1), "%.1f of " + v);
        }
        assertThrows(IllegalArgumentException.class, () -> NumberText.general(1, -1));
        assertThrows(IllegalArgumentException.class, () -> NumberText.fixed(1, -1));
    }
}
