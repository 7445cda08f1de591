package io.cnnkit.layers.pool;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cnnkit.engine.api.Keras1;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/** Checks shared by the pooling types: data_format and the NHWC input rank. */
final class PoolSupport {
    private PoolSupport() {
    }

    /** Only channels_last exists in cnnkit; channels_first would silently mean other axes. */
    static void requireChannelsLast(LayerSpec spec) {
        String f = spec.getString("data_format", "channels_last");
        if (!f.equals("channels_last")) {
            throw spec.paramError("data_format", "must be channels_last (cnnkit tensors are NHWC), got '" + f
                    + "'; transpose the input to channels_last");
        }
    }

    /** Input per sample must be (H, W, C) with a known channel count. */
    static void requireImage(LayerSpec spec, Shape input) {
        if (input.rank() != 3) {
            throw spec.error("expects an image input (None, height, width, channels) but got " + input);
        }
    }

    /**
     * Keras 2 keys pass through when this type accepts them; Keras 1 configs' border_mode and
     * dim_ordering (tf/th) are renamed as {@link Keras1} declares.
     */
    static Map<String, Object> fromKeras(Map<String, Object> config, java.util.Set<String> accepted) {
        Map<String, Object> out = new LinkedHashMap<>();
        // (a loop, not forEach with a lambda: a bundle's lambdas are spun at first use, which the
        // class-data archive cannot hold)
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (accepted.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        Keras1.rename(config, accepted, out);
        if (out.get("data_format") == null) {
            out.remove("data_format");
        }
        return out;
    }
}
