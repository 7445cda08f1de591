package io.cnnkit.launcher.shell;

/**
 * {@code String.format(Locale.ROOT, "%.Ng", v)} and {@code "%.Nf"} without the Formatter: the
 * stage table of a run formats four numbers per layer, 344 calls for a MobileNet, which took about
 * 10 ms at the end of a one-shot command (the Formatter's parsing and its digit code, cold). The
 * same text: the shortest decimal digits of the double (as {@link Double#toString} and the
 * Formatter take them), rounded half up, laid out as the Formatter lays them out
 * ({@code DecimalTextTest} compares the two on over a hundred thousand values in ten formats).
 */
final class DecimalText {
    private DecimalText() {
    }

    /** As {@code String.format(Locale.ROOT, "%." + precision + "g", v)}, precision 1 or more. */
    static String general(double v, int precision) {
        if (precision < 1) {
            throw new IllegalArgumentException("precision " + precision + ": use 1 or more");
        }
        String special = special(v);
        if (special != null) {
            return special;
        }
        StringBuilder b = new StringBuilder(precision + 8);
        if (Double.compare(v, 0.0) < 0) {
            b.append('-');
        }
        double a = Math.abs(v);
        if (a == 0) {
            return zeros(b.append('0'), precision - 1).toString();
        }
        Digits d = Digits.of(a);
        d.round(precision);
        int sciExp = d.exp - 1; // the value is 0.d1d2... x 10^exp
        if (sciExp < -4 || sciExp >= precision) {
            b.append(d.digit(0));
            if (precision > 1) {
                b.append('.');
                for (int i = 1; i < precision; i++) {
                    b.append(d.digit(i));
                }
            }
            b.append('e').append(sciExp < 0 ? '-' : '+');
            int e = Math.abs(sciExp);
            if (e < 10) {
                b.append('0');
            }
            return b.append(e).toString();
        }
        return d.decimal(b, precision - 1 - sciExp).toString();
    }

    /** As {@code String.format(Locale.ROOT, "%." + decimals + "f", v)}, decimals 0 or more. */
    static String fixed(double v, int decimals) {
        if (decimals < 0) {
            throw new IllegalArgumentException("decimals " + decimals + ": use 0 or more");
        }
        String special = special(v);
        if (special != null) {
            return special;
        }
        StringBuilder b = new StringBuilder(decimals + 24);
        if (Double.compare(v, 0.0) < 0) {
            b.append('-');
        }
        double a = Math.abs(v);
        if (a == 0) {
            return zeros(b.append('0'), decimals).toString();
        }
        Digits d = Digits.of(a);
        d.round(d.exp + decimals);
        return d.decimal(b, decimals).toString();
    }

    private static String special(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        return null;
    }

    /** A point and {@code n} zeros (nothing for none). */
    private static StringBuilder zeros(StringBuilder b, int n) {
        if (n > 0) {
            b.append('.');
            for (int i = 0; i < n; i++) {
                b.append('0');
            }
        }
        return b;
    }

    /** The shortest decimal digits of a positive finite double: 0.d1d2...dn x 10^exp. */
    private static final class Digits {
        char[] digits;
        int n;
        int exp;

        static Digits of(double a) {
            String s = Double.toString(a); // "123.45", "0.00123" or "1.2345E-5"
            int e = s.indexOf('E');
            int exp10 = e < 0 ? 0 : Integer.parseInt(s, e + 1, s.length(), 10);
            int end = e < 0 ? s.length() : e;
            int dot = s.indexOf('.');
            Digits d = new Digits();
            d.digits = new char[end];
            int exp = dot + exp10; // the point after the integer part's digits
            boolean leading = true;
            for (int i = 0; i < end; i++) {
                char c = s.charAt(i);
                if (c == '.') {
                    continue;
                }
                if (leading && c == '0') {
                    exp--; // 0.00123: the point moves right past leading zeros
                    continue;
                }
                leading = false;
                d.digits[d.n++] = c;
            }
            while (d.n > 1 && d.digits[d.n - 1] == '0') {
                d.n--;
            }
            d.exp = exp;
            return d;
        }

        char digit(int i) {
            return i < n ? digits[i] : '0';
        }

        /**
         * Keeps {@code keep} digits, rounding half up on the next as the Formatter does (a carry
         * out of the first digit makes it 1 and the exponent one larger; keeping none leaves 1
         * or nothing at the first digit's place).
         */
        void round(int keep) {
            if (keep >= n || keep < 0) {
                return;
            }
            if (keep == 0) {
                if (digits[0] >= '5') {
                    digits[0] = '1';
                    n = 1;
                    exp++;
                } else {
                    n = 0;
                }
                return;
            }
            boolean up = digits[keep] >= '5';
            n = keep;
            if (!up) {
                return;
            }
            int i = keep - 1;
            while (i >= 0 && digits[i] == '9') {
                i--;
            }
            if (i < 0) {
                digits[0] = '1';
                n = 1;
                exp++;
                return;
            }
            digits[i]++;
            n = i + 1;
        }

        /** The digits with the point at exp and exactly {@code decimals} digits after it. */
        StringBuilder decimal(StringBuilder b, int decimals) {
            if (exp <= 0) {
                b.append('0');
            } else {
                for (int i = 0; i < exp; i++) {
                    b.append(digit(i));
                }
            }
            if (decimals > 0) {
                b.append('.');
                for (int k = 0; k < decimals; k++) {
                    int i = exp + k; // digit index of the k-th place after the point
                    b.append(i < 0 ? '0' : digit(i));
                }
            }
            return b;
        }
    }
}
