package io.cnnkit.io.h5;

import java.util.List;
import java.util.Map;

/** Maps a weight name as stored in a file to the model's weight name. */
final class WeightNames {
    /** Keras 1 suffixes after "<layer>_" and their Keras 2 names. */
    private static final Map<String, String> KERAS1 = Map.of(
            "W", "kernel",
            "b", "bias",
            "gamma", "gamma",
            "beta", "beta",
            "running_mean", "moving_mean",
            // Keras 1 stored the variance under this name despite calling it std.
            "running_std", "moving_variance",
            "alphas", "alpha",
            "depthwise_kernel", "depthwise_kernel");

    private WeightNames() {
    }

    /**
     * The last path segment without the ":0" suffix ({@code conv1/conv1_1/kernel:0 -> kernel},
     * {@code conv2d/kernel -> kernel}); Keras 1 names {@code <layer>_W} etc. are translated.
     */
    static String canonical(String layer, String stored) {
        String s = stored.substring(stored.lastIndexOf('/') + 1);
        int colon = s.lastIndexOf(':');
        if (colon > 0 && colon < s.length() - 1 && digits(s, colon + 1)) {
            s = s.substring(0, colon);
        }
        if (s.startsWith(layer + "_")) {
            String suffix = s.substring(layer.length() + 1);
            String k2 = KERAS1.get(suffix);
            if (k2 != null) {
                return k2;
            }
        }
        // A prefix other than the layer's name: only the unambiguous W and b suffixes (of KERAS1).
        for (String suffix : List.of("W", "b")) {
            if (s.endsWith("_" + suffix)) {
                return KERAS1.get(suffix);
            }
        }
        return s;
    }

    /**
     * Whether {@code s} from {@code from} on is digits only (a loop: a bundle's lambdas and the
     * stream pipeline are set up at their first use on a one-shot JVM).
     */
    private static boolean digits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
