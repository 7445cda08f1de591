package io.cnnkit.layers.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/** Checks and Keras config reading shared by the merge providers. */
final class MergeSupport {
    private MergeSupport() {
    }

    /**
     * Keras configs: keeps the keys this type accepts. The rest (name, trainable, dtype as a string
     * or Keras 3's DTypePolicy object, ...) does not change what the layer computes.
     */
    static Map<String, Object> fromKeras(Map<String, Object> config, Set<String> accepted) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (accepted.contains(k) && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The number of inputs must be within what the type takes (the engine checks it too). */
    static void checkCount(LayerSpec spec, List<Shape> inputShapes, int min, int max) {
        int n = inputShapes.size();
        if (n < min || n > max) {
            String want = max == Integer.MAX_VALUE ? "at least " + min : min == max ? "exactly " + min
                    : min + " to " + max;
            throw spec.error("takes " + want + " inputs but is given " + n + (n == 0 ? "" : " " + inputShapes));
        }
    }
}
