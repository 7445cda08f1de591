package io.cnnkit.engine.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models of the walkthrough the project grew from, as {@code ./cnnkit demo}, {@code filter}
 * and the explorer build them: one definition, so the three show the same numbers.
 */
public final class Walkthrough {
    /** The seed of the walkthrough's weights. */
    public static final long SEED = 2017L;
    /** The demo's three classic kernels, in its order (names of {@link Initializers#kernel}). */
    public static final List<String> DEMO_KERNELS = List.of("sharpen", "sharpen5", "laplacian");

    private Walkthrough() {
    }

    /**
     * The seed model: conv_1 (3 filters of 3x3, Keras 1's Conv2D(3, 3, 3)) -> max pool 3 -> act_1
     * -> conv_2 -> max pool 2 -> act_2 -> conv_3 -> act_3 -> conv_4 -> act_4 -> flatten -> dense 8
     * relu, the activation layers using {@code activation}.
     */
    public static ModelDescription seedModel(Shape input, String activation) {
        List<LayerSpec> l = new ArrayList<>();
        l.add(conv("conv_1"));
        l.add(spec("max_pooling2d", "pool_1", Map.of("pool_size", List.of(3, 3))));
        l.add(spec("activation", "act_1", Map.of("activation", activation)));
        l.add(conv("conv_2"));
        l.add(spec("max_pooling2d", "pool_2", Map.of("pool_size", List.of(2, 2))));
        l.add(spec("activation", "act_2", Map.of("activation", activation)));
        l.add(conv("conv_3"));
        l.add(spec("activation", "act_3", Map.of("activation", activation)));
        l.add(conv("conv_4"));
        l.add(spec("activation", "act_4", Map.of("activation", activation)));
        l.add(spec("flatten", "flatten", Map.of()));
        l.add(spec("dense", "dens_1", Map.of("units", 8, "activation", "relu")));
        return new ModelDescription("walkthrough", input, l, SEED);
    }

    /**
     * A classic kernel applied channel by channel: one conv2d with a filter per input channel
     * (the last axis of {@code input}), the kernel's numbers as its kernel_initializer, padding
     * same, no bias.
     *
     * @throws IllegalArgumentException when {@link Initializers#kernel} has no kernel of that name
     */
    public static ModelDescription kernelModel(String name, String kernel, Shape input) {
        float[][] k = Initializers.kernel(kernel);
        if (k == null) {
            throw new IllegalArgumentException("no kernel '" + kernel + "'; kernels: "
                    + String.join(", ", Initializers.kernelNames()));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("filters", input.dim(input.rank() - 1));
        params.put("kernel_size", List.of(k.length, k[0].length));
        params.put("padding", "same");
        params.put("use_bias", false);
        params.put("kernel_initializer", kernel);
        return new ModelDescription(name, input, List.of(new LayerSpec(1, "conv2d", kernel, params)), 0L);
    }

    private static LayerSpec conv(String name) {
        return spec("conv2d", name, Map.of("filters", 3, "kernel_size", List.of(3, 3)));
    }

    private static LayerSpec spec(String type, String name, Map<String, Object> params) {
        return new LayerSpec(0, type, name, new LinkedHashMap<>(params));
    }
}
