package io.cnnkit.io.api;

import io.cnnkit.io.image.Numbers;

/**
 * Numbers as {@code String.format(Locale.ROOT, ...)} writes them, without the formatter: the
 * same text (half-up rounding on the double's shortest decimal digits, as the formatter rounds;
 * io.image's tests compare the two on 100,000 values), for code that formats hundreds of numbers
 * in a one-shot command, where the formatter, cold, took about 60 us a call (a run's stage table
 * formats four per layer, the report some 700).
 */
public final class NumberText {
    private NumberText() {
    }

    /** As {@code String.format(Locale.ROOT, "%.Ng", v)} with N = {@code precision} (0 acts as 1, as there). */
    public static String general(double v, int precision) {
        if (precision < 0) {
            throw new IllegalArgumentException("precision " + precision + ": use 0 or more");
        }
        return Numbers.general(v, precision);
    }

    /** As {@code String.format(Locale.ROOT, "%.Nf", v)} with N = {@code decimals}. */
    public static String fixed(double v, int decimals) {
        if (decimals < 0) {
            throw new IllegalArgumentException("decimals " + decimals + ": use 0 or more");
        }
        return Numbers.fixed(v, decimals);
    }
}
