package io.cnnkit.engine.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The Keras 1 config spellings that several layer types share, declared once for their
 * {@link LayerProvider#fromKeras} overrides (conv, separable conv, pooling, dense, padding,
 * up-sampling, cropping):
 * <ul>
 * <li>{@code nb_filter -> filters}, {@code nb_row + nb_col -> kernel_size},
 * {@code subsample -> strides}, {@code border_mode -> padding}, {@code bias -> use_bias},
 * {@code init -> kernel_initializer};</li>
 * <li>{@code dim_ordering -> data_format} with its values {@code "tf" -> "channels_last"} and
 * {@code "th" -> "channels_first"} ({@link #dataFormat}).</li>
 * </ul>
 * Keras 1 initializer names ({@code uniform}, {@code normal}, {@code zero}, {@code one}) need no
 * translation: Keras 2 kept them as aliases and {@link Initializers#resolve} reads them. Keys of
 * one layer type only (Dense's {@code output_dim}, Dropout's {@code p}, PReLU's {@code init})
 * stay in that type's provider.
 *
 * @since 1.4
 */
public final class Keras1 {
    /** Keras 1 key -> the Keras 2 key it became, for every layer type that takes the Keras 2 key. */
    private static final Map<String, String> RENAMED = Map.of(
            "nb_filter", "filters",
            "subsample", "strides",
            "border_mode", "padding",
            "bias", "use_bias",
            "init", "kernel_initializer",
            "dim_ordering", "data_format");

    private Keras1() {
    }

    /**
     * Keras 1's {@code dim_ordering} value as Keras 2's {@code data_format}: {@code "tf"} is
     * {@code channels_last}, {@code "th"} {@code channels_first}; anything else unchanged.
     */
    public static Object dataFormat(Object dimOrdering) {
        if ("tf".equals(dimOrdering)) {
            return "channels_last";
        }
        if ("th".equals(dimOrdering)) {
            return "channels_first";
        }
        return dimOrdering;
    }

    /**
     * Adds to {@code out} the Keras 2 form of the shared Keras 1 keys of {@code config} (see the
     * class comment): each one whose Keras 2 key is in {@code accepted} and not yet set (or null)
     * in {@code out}, so Keras 2 keys that are present win. {@code nb_row} and {@code nb_col}
     * become {@code kernel_size [nb_row, nb_col]}.
     *
     * @return {@code out}
     */
    public static Map<String, Object> rename(Map<String, Object> config, Set<String> accepted,
            Map<String, Object> out) {
        // (a loop, not forEach with a lambda: a bundle's lambdas are spun at first use, which the
        // class-data archive cannot hold)
        for (Map.Entry<String, String> e : RENAMED.entrySet()) {
            Object v = config.get(e.getKey());
            if (v != null && accepted.contains(e.getValue()) && out.get(e.getValue()) == null) {
                out.put(e.getValue(), e.getKey().equals("dim_ordering") ? dataFormat(v) : v);
            }
        }
        if ((config.get("nb_row") != null || config.get("nb_col") != null) && accepted.contains("kernel_size")
                && out.get("kernel_size") == null) {
            out.put("kernel_size", Arrays.asList(config.get("nb_row"), config.get("nb_col")));
        }
        return out;
    }
}
