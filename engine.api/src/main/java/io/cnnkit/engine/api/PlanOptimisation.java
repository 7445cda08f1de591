package io.cnnkit.engine.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the engine did to a model's plan for {@link Model#predict} (trace runs every layer as
 * built): layers folded into the weights before them ({@link ChannelAffineLayer}), activations
 * moved into the kernel before them ({@link ActivationFunctionLayer}), identity layers left out
 * ({@link InferenceIdentity}), each counted by layer type.
 *
 * @param nodes          layers a predict run would compute without the optimisation
 * @param optimisedNodes layers it computes
 * @param folded         layer type -> how many were folded into weights
 * @param fused          layer type -> how many were fused into a kernel
 * @param dropped        layer type -> how many were left out as the identity
 * @since 1.5
 */
public record PlanOptimisation(int nodes, int optimisedNodes, Map<String, Integer> folded,
        Map<String, Integer> fused, Map<String, Integer> dropped) {
    public PlanOptimisation {
        folded = Collections.unmodifiableMap(new LinkedHashMap<>(folded));
        fused = Collections.unmodifiableMap(new LinkedHashMap<>(fused));
        dropped = Collections.unmodifiableMap(new LinkedHashMap<>(dropped));
    }

    /**
     * One line, e.g. {@code optimised plan: 31 -> 18 nodes (12 batch_normalization folded into
     * weights, 9 activation fused into kernels, 1 dropout dropped)}.
     */
    public String format() {
        if (nodes == optimisedNodes) {
            return "optimised plan: " + nodes + " nodes, nothing folded, fused or dropped";
        }
        // (loops, not lambdas: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        List<String> parts = new ArrayList<>();
        for (String part : new String[] {counts(folded, "folded into weights"), counts(fused, "fused into kernels"),
                counts(dropped, "dropped")}) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return "optimised plan: " + nodes + " -> " + optimisedNodes + " nodes (" + String.join(", ", parts) + ")";
    }

    private static String counts(Map<String, Integer> byType, String what) {
        if (byType.isEmpty()) {
            return "";
        }
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, Integer> e : byType.entrySet()) {
            items.add(e.getValue() + " " + e.getKey());
        }
        return String.join(", ", items) + " " + what;
    }
}
