package io.cnnkit.engine.api;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" for names in error messages (layer types, activations, parameters,
 * initializers, node names): the closest candidate by edit distance (a swap of neighbours counts
 * once, case is ignored), or the shortest candidate that the name abbreviates ({@code maxpool}
 * for {@code max_pooling2d}).
 *
 * @since 1.4
 */
public final class DidYouMean {
    private DidYouMean() {
    }

    /** The closest of {@code candidates} to {@code wrong} when close enough to be a typo, else null. */
    public static String closest(String wrong, Collection<String> candidates) {
        String w = wrong.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best != null && bestDistance <= Math.max(1, (wrong.length() + 1) / 3)) {
            return best;
        }
        String bare = bare(w);
        String abbreviated = null;
        if (bare.length() >= 3) {
            for (String c : candidates) {
                if (bare(c.toLowerCase(Locale.ROOT)).startsWith(bare)
                        && (abbreviated == null || c.length() < abbreviated.length())) {
                    abbreviated = c;
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

    private static String bare(String s) {
        return s.replace("_", "").replace("-", "");
    }

    /** Optimal string alignment distance. */
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
