package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;


import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;

/**
 * A channels_first Keras model (Keras 2 {@code data_format: "channels_first"}, Keras 1
 * {@code dim_ordering: "th"}) read as the channels_last model that computes the same: the input
 * (C, H, W) becomes (H, W, C), every layer's data_format becomes channels_last, channel axes
 * (BatchNormalization, Concatenate, Softmax) move to the last axis, and a Flatten of a spatial
 * tensor gets a permute to (C, H, W) before it, so the Dense after it sees Keras's order. Keras 1
 * Theano-ordered Convolution2D kernels are stored (out, in, kh, kw) for a true (flipped)
 * convolution: such layers carry {@code kernel_order: theano}, and the Keras weights reader
 * converts them when it loads. This is the one place that knows channels_first.
 */
final class ChannelsFirst {
    /** The conv parameter that marks a Keras 1 Theano kernel. */
    static final String KERNEL_ORDER = "kernel_order";
    static final String THEANO = "theano";

    /** Classes whose meaning does not depend on the layout once their data_format is channels_last. */
    private static final Set<String> SPATIAL = Set.of("Conv2D", "Convolution2D", "DepthwiseConv2D",
            "SeparableConv2D", "SeparableConvolution2D", "Conv2DTranspose", "MaxPooling2D", "AveragePooling2D",
            "ZeroPadding2D", "Cropping2D", "UpSampling2D");
    /** Classes that end the spatial part (their output is (N, features)). */
    private static final Set<String> FLAT = Set.of("GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten",
            "Dense");
    /** Classes that keep their input's layout (elementwise, or a channel axis remapped here). */
    private static final Set<String> SAME_LAYOUT = Set.of("Activation", "Dropout", "SpatialDropout2D",
            "BatchNormalization", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
            "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "Softmax");
    private static final String INPUT_LAYER = "InputLayer";

    private final String model;
    private final String why;
    private final boolean theano;
    private final List<String> permuted = new ArrayList<>();
    private String inputNote = "";

    private ChannelsFirst(String model, String why, boolean theano) {
        this.model = model;
        this.why = why;
        this.theano = theano;
    }

    /** The conversion for a model that has a channels_first layer, else null; refuses what cannot convert. */
    static ChannelsFirst of(String model, List<JsonNode> layers) {
        String why = null;
        boolean theano = false;
        int pos = 0;
        for (JsonNode l : layers) {
            pos++;
            JsonNode c = l.get("config");
            if (c != null && c.isObject()) {
                String df = text(c.get("data_format"));
                String dim = text(c.get("dim_ordering"));
                if (why == null && ("channels_first".equals(df) || "th".equals(dim))) {
                    why = "layer " + pos + " '" + text(c.get("name")) + "' uses "
                            + ("th".equals(dim) ? "dim_ordering \"th\" (Theano)" : "data_format \"channels_first\"");
                }
                theano |= "th".equals(dim);
            }
        }
        if (why == null) {
            return null;
        }
        pos = 0;
        for (JsonNode l : layers) {
            pos++;
            String cls = text(l.get("class_name"));
            if (cls != null && !INPUT_LAYER.equals(cls) && !SPATIAL.contains(cls) && !FLAT.contains(cls)
                    && !SAME_LAYOUT.contains(cls)) {
                JsonNode c = l.get("config");
                throw new ModelException("Keras model '" + model + "' is channels_first (" + why + "); cnnkit runs "
                        + "such models converted to channels_last for convolution, pooling, padding, cropping, "
                        + "up-sampling, flatten, dense, activation, dropout, batch normalization and merge layers, "
                        + "but not layer " + pos + " '" + (c == null ? "?" : text(c.get("name"))) + "' (" + cls
                        + "), whose meaning depends on the layout; save the model channels_last");
            }
        }
        return new ChannelsFirst(model, why, theano);
    }

    /** Whether a Keras 1 Theano-ordered Convolution2D: its file kernel is (out, in, kh, kw), flipped. */
    boolean theanoKernel(String cls, Map<String, Object> config) {
        return "Convolution2D".equals(cls) && "th".equals(config.get("dim_ordering"));
    }

    /** Rewrites one layer's Keras config to channels_last (in place). */
    void toChannelsLast(String cls, Map<String, Object> config) {
        if (config.containsKey("data_format")) {
            config.put("data_format", "channels_last");
        }
        if (config.containsKey("dim_ordering")) {
            config.put("dim_ordering", "tf");
        }
        if ("BatchNormalization".equals(cls)) {
            config.put("axis", axis(config.get("axis"), "axis"));
        } else if ("Concatenate".equals(cls) || "Softmax".equals(cls)) {
            config.put("axis", axis(config.getOrDefault("axis", -1), "axis"));
        }
    }

    /**
     * A channels_first axis of a batched rank-4 tensor (N, C, H, W) as the channels_last one
     * (N, H, W, C); lists map element by element.
     */
    private Object axis(Object a, String key) {
        if (a instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(axis(o, key));
            }
            return out;
        }
        if (!(a instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ModelException("Keras model '" + model + "' is channels_first (" + why + "): cannot convert "
                    + key + " " + a);
        }
        return switch (n.intValue()) {
            case 1, -3 -> 3L;
            case 2, -2 -> 1L;
            case 3, -1 -> 2L;
            default -> throw new ModelException("Keras model '" + model + "' is channels_first (" + why
                    + "): cannot convert " + key + " " + a + " of a rank-4 tensor");
        };
    }

    /** Whether the layer's output is still (N, C, H, W) in Keras, given whether its input was. */
    static boolean spatialAfter(String cls, boolean inputSpatial) {
        if (SPATIAL.contains(cls) || INPUT_LAYER.equals(cls)) {
            return true;
        }
        if (FLAT.contains(cls)) {
            return false;
        }
        return inputSpatial;
    }

    /** Whether a layer must see (C, H, W) order: a Flatten of a spatial tensor. */
    boolean needsChannelsFirstOrder(String cls, boolean inputSpatial) {
        return "Flatten".equals(cls) && inputSpatial;
    }

    /** The permute to (C, H, W) put before {@code flatten}, named after it. */
    LayerSpec permuteBefore(LayerSpec flatten, ProviderLookup lookup) {
        if (lookup.byType("permute") == null) {
            throw new ModelException("Keras model '" + model + "' is channels_first (" + why + "): converting it "
                    + "needs a permute before '" + flatten.name() + "', and no provider of layer type 'permute' is "
                    + "present (start the bundle that provides it, io.cnnkit.layers.dense)");
        }
        permuted.add(flatten.name());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("dims", List.of(3L, 1L, 2L));
        return new LayerSpec(flatten.position(), "permute", flatten.name() + "_channels_first_order", params);
    }

    /** The channels_last input shape of a batch shape given channels_first. */
    Shape inputShape(JsonNode s, String key) {
        if (theano && s.isArray() && s.size() == 3 && s.get(0).isIntegralNumber()) {
            // Some Keras 1 files write the input shape (channels, rows, cols) without the batch entry.
            Shape chw = DescriptionParser.shape(s, key, false);
            inputNote = "; its " + key + " " + s + " is read as (channels, rows, cols)";
            return Shape.of(chw.dim(1), chw.dim(2), chw.dim(0));
        }
        Shape chw = DescriptionParser.shape(s, key, true);
        if (chw.rank() != 3) {
            throw new ModelException("Keras model '" + model + "' is channels_first (" + why + "): its " + key + " "
                    + s + " is not (batch, channels, rows, cols)");
        }
        return Shape.of(chw.dim(1), chw.dim(2), chw.dim(0));
    }

    /** What the summary says about the conversion. */
    String note(Shape input) {
        StringBuilder b = new StringBuilder("converted from channels_first (" + why + ") to channels_last: the input is "
                + input + " (batch, rows, cols, channels)" + inputNote);
        if (!permuted.isEmpty()) {
            b.append("; a permute to (channels, rows, cols) before ").append(String.join(", ", permuted))
                    .append(" keeps Keras's flatten order");
        }
        if (theano) {
            b.append("; Theano kernels (out, in, kh, kw) are transposed and flipped when weights load");
        }
        return b.toString();
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
