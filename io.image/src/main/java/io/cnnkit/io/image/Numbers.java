package io.cnnkit.io.image;

/**
 * The report's number formats, written out by hand: each gives exactly what
 * {@code String.format(Locale.ROOT, ...)} gives for its pattern (NumbersTest compares them on
 * 100,000 random values at several precisions, and the rounding edges), without the formatter. A report formats some 700 numbers, and in the
 * one-shot JVM that writes it (client compiler, nothing warm) {@code String.format} took about
 * 60 us a call, 20 ms of the MobileNet run's report on the thread that writes it.
 *
 * <p>Like the formatter, the rounding is half-up on the shortest decimal digits of the double
 * (those of {@link Double#toString}), not on its exact binary value.
 */
public final class Numbers {
    private Numbers() {
    }

    /** {@code %02d}. */
    static String twoDigits(int n) {
        return n >= 0 && n < 10 ? "0" + n : Integer.toString(n);
    }

    /** {@code %.Nf} with {@code decimals} = N. */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return nonFinite(v);
        }
        StringBuilder b = new StringBuilder();
        if (isNegative(v)) {
            b.append('-');
        }
        Digits d = Digits.of(Math.abs(v));
        d.round(d.exp + 1 + decimals);
        if (d.exp < 0) {
            b.append('0');
        } else {
            for (int i = 0; i <= d.exp; i++) {
                b.append(d.digit(i));
            }
        }
        if (decimals > 0) {
            b.append('.');
            for (int i = 0; i < decimals; i++) {
                b.append(d.digit(d.exp + 1 + i));
            }
        }
        return b.toString();
    }

    /** {@code %.Ng} with {@code precision} = N (at least 1). */
    public static String general(double v, int precision) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return nonFinite(v);
        }
        int p = Math.max(1, precision);
        StringBuilder b = new StringBuilder();
        if (isNegative(v)) {
            b.append('-');
        }
        if (v == 0) { // the formatter writes zero in decimal form
            b.append('0');
            if (p > 1) {
                b.append('.').append("0".repeat(p - 1));
            }
            return b.toString();
        }
        Digits d = Digits.of(Math.abs(v));
        d.round(p);
        if (d.exp >= -4 && d.exp < p) { // decimal form: p significant digits
            if (d.exp < 0) {
                b.append("0.").append("0".repeat(-d.exp - 1));
                for (int i = 0; i < p; i++) {
                    b.append(d.digit(i));
                }
            } else {
                for (int i = 0; i <= d.exp; i++) {
                    b.append(d.digit(i));
                }
                if (d.exp + 1 < p) {
                    b.append('.');
                    for (int i = d.exp + 1; i < p; i++) {
                        b.append(d.digit(i));
                    }
                }
            }
        } else { // scientific: d.ddddde+XX
            b.append(d.digit(0));
            if (p > 1) {
                b.append('.');
                for (int i = 1; i < p; i++) {
                    b.append(d.digit(i));
                }
            }
            int e = Math.abs(d.exp);
            b.append(d.exp < 0 ? "e-" : "e+").append(e < 10 ? "0" : "").append(e);
        }
        return b.toString();
    }

    private static boolean isNegative(double v) {
        return v < 0 || (v == 0 && 1 / v < 0);
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }

    /** The significant digits of a non-negative double and the power of ten of the first. */
    private static final class Digits {
        /** Significant digits, no leading zeros (empty for zero). */
        private char[] digits;
        private int count;
        /** The value is digits[0].digits[1..] x 10^exp. */
        private int exp;

        static Digits of(double a) {
            Digits d = new Digits();
            String s = Double.toString(a);
            int e = s.indexOf('E');
            String mantissa = e < 0 ? s : s.substring(0, e);
            int shift = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
            int dot = mantissa.indexOf('.');
            char[] all = new char[mantissa.length() - 1];
            mantissa.getChars(0, dot, all, 0);
            mantissa.getChars(dot + 1, mantissa.length(), all, dot);
            int first = 0;
            while (first < all.length && all[first] == '0') {
                first++;
            }
            int last = all.length;
            while (last > first && all[last - 1] == '0') {
                last--;
            }
            d.digits = new char[Math.max(0, last - first) + 1]; // room for a carry
            System.arraycopy(all, first, d.digits, 0, last - first);
            d.count = last - first;
            d.exp = dot - 1 - first + shift;
            return d;
        }

        /** The i-th significant digit ('0' beyond the last). */
        char digit(int i) {
            return i >= 0 && i < count ? digits[i] : '0';
        }

        /** Rounds half-up to {@code keep} significant digits (keep <= 0: to a power of ten or zero). */
        void round(int keep) {
            if (count <= keep) {
                return;
            }
            if (keep < 0) {
                count = 0;
                return;
            }
            boolean up = digits[keep] >= '5';
            count = keep;
            if (!up) {
                trim();
                return;
            }
            int i = keep - 1;
            while (i >= 0 && digits[i] == '9') {
                i--;
            }
            if (i < 0) { // 99..9 (or nothing) rounds up to 1 of the next power of ten
                digits[0] = '1';
                count = 1;
                exp++;
                return;
            }
            digits[i]++;
            count = i + 1;
        }

        private void trim() {
            while (count > 0 && digits[count - 1] == '0') {
                count--;
            }
        }
    }
}
