package io.cnnkit.engine.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerInfo;

/**
 * An immutable built model: the compiled plan, the layers a run uses (in plan order: layer
 * {@code i} is plan node {@code i + 1}), what is known of them, and the services
 * ({@code "layer type conv2d"}, {@code "activation relu"}) it depends on, and the optimised
 * plan predict runs (trace runs {@code plan} with {@code layers}). A model's first build leaves its
 * random initial values for later ({@code deferred}: layer -> weights left zero), which the
 * model draws, rebuilding, before it first runs or shows its weights.
 */
record Snapshot(GraphPlan plan, List<Layer> layers, List<LayerInfo> infos, Set<String> dependencies,
        PlanOptimizer.Optimised optimised, Map<String, Set<String>> deferred) {
    /** Whether every weight holds its values: none of its random draws left for later ({@code deferred}, by layer). */
    boolean complete() {
        return deferred.isEmpty();
    }

    /** The layer of plan node {@code node} (>= 1). */
    Layer layer(int node) {
        return layers.get(node - 1);
    }
}
