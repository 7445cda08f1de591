package io.cnnkit.engine.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * "Did you mean" for names in error messages (layer types, activations, parameters,
 * initializers, node names). Names are compared without case, '_', '-' and spaces
 * ({@code Conv2D} is {@code conv2d}, {@code GlobalAveragePooling2D} is
 * {@code global_average_pooling2d}); Keras's short forms {@code avg} and {@code pool} read as
 * {@code average} and {@code pooling} ({@code MaxPool2D}, {@code avg_pool}). The closest
 * candidate is the one with the smallest Damerau-Levenshtein distance (optimal string alignment:
 * a swap of neighbours counts once) when that is a typo's distance: 1 for names of up to 4
 * letters, 2 up to 8, else 3; failing that, the shortest candidate that the name abbreviates
 * ({@code maxpool} for {@code max_pooling2d}, {@code batchnorm} for {@code batch_normalization}).
 *
 * @since 1.4; aliases, {@link #suggestion} and the comparison without '_' and '-' since 1.6
 */
public final class DidYouMean {
    /** Lists of at most this many names are spelled out in {@link #suggestion}; longer ones only counted. */
    public static final int SHORT_LIST = 12;

    private static final int MAX_LENGTH = 200;

    private DidYouMean() {
    }

    /** The closest of {@code candidates} to {@code wrong} when close enough to be a typo, else null. */
    public static String closest(String wrong, Collection<String> candidates) {
        return closest(wrong, candidates, Map.of());
    }

    /**
     * As {@link #closest(String, Collection)}, where {@code aliases} maps other spellings to the
     * candidate they stand for, e.g. a layer type's Keras classes ({@code Conv2D} -> {@code conv2d},
     * {@code Convolution2D} -> {@code conv2d}). A candidate that matches wins over an alias.
     *
     * @since 1.6
     */
    public static String closest(String wrong, Collection<String> candidates, Map<String, String> aliases) {
        String plain = normal(wrong);
        if (plain.isEmpty() || plain.length() > MAX_LENGTH) {
            return null; // no name is that long; and the distance table grows with the length
        }
        String expanded = expand(plain);
        // Sorted: ties go to the same candidate on every run, whatever order the caller's set has.
        List<String[]> names = new ArrayList<>(); // {spelling, candidate it stands for}
        for (String c : new TreeSet<>(candidates)) {
            names.add(new String[] {c, c});
        }
        for (String a : new TreeSet<>(aliases.keySet())) {
            names.add(new String[] {a, aliases.get(a)});
        }
        for (String[] n : names) {
            String s = normal(n[0]);
            if (s.equals(plain) || s.equals(expanded)) {
                return n[1];
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int bestRaw = Integer.MAX_VALUE;
        String lower = wrong.toLowerCase(Locale.ROOT);
        for (String[] n : names) {
            String s = normal(n[0]);
            int d = Math.min(distance(plain, s), distance(expanded, s));
            // Between equally close ones, the one also closest as written ('_' included) wins.
            int raw = distance(lower, n[0].toLowerCase(Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && raw < bestRaw)) {
                bestDistance = d;
                bestRaw = raw;
                best = n[1];
            }
        }
        if (best != null && bestDistance <= limit(plain.length())) {
            return best;
        }
        String abbreviated = null;
        if (plain.length() >= 3) {
            for (String[] n : names) {
                String s = normal(n[0]);
                if ((s.startsWith(plain) || s.startsWith(expanded))
                        && (abbreviated == null || n[1].length() < abbreviated.length())) {
                    abbreviated = n[1];
                }
            }
        }
        return abbreviated;
    }

    /** {@code " (did you mean 'x'?)"} for a near miss, else "". */
    public static String hint(String wrong, Collection<String> candidates) {
        String best = closest(wrong, candidates);
        return best == null || best.equals(wrong) ? "" : " (did you mean '" + best + "'?)";
    }

    /**
     * The end of an "unknown name" message, kept to one short line: {@code "; did you mean 'x'?"}
     * for a near miss; else the candidates when there are at most {@link #SHORT_LIST}
     * ({@code "; <what>: a, b, c"}), else only their number
     * ({@code "; no close match among the 33 <what>"}; the caller's hint says where the full list
     * is); {@code "; no <what> present"} when there are none.
     *
     * @param what the candidates in the plural, e.g. {@code "layer types"} or {@code "conv2d parameters"}
     * @since 1.6
     */
    public static String suggestion(String wrong, Collection<String> candidates, Map<String, String> aliases,
            String what) {
        String best = closest(wrong, candidates, aliases);
        if (best != null && !best.equals(wrong)) {
            return "; did you mean '" + best + "'?";
        }
        if (candidates.isEmpty()) {
            return "; no " + what + " present";
        }
        if (candidates.size() <= SHORT_LIST) {
            return "; " + what + ": " + String.join(", ", new TreeSet<>(candidates));
        }
        return "; no close match among the " + candidates.size() + " " + what;
    }

    /** Lower case without '_', '-' and spaces: how the name reads, not how it is spelt. */
    private static String normal(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '_' && c != '-' && c != ' ') {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }

    /** Keras's own short forms (MaxPool2D, AvgPool2D, GlobalAvgPool2D) spelt out. */
    private static String expand(String normal) {
        return normal.replace("avg", "average").replaceAll("pool(?!ing)", "pooling");
    }

    /** How many edits still read as a typo of a name of {@code length} letters. */
    private static int limit(int length) {
        return length <= 4 ? 1 : length <= 8 ? 2 : 3;
    }

    /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
