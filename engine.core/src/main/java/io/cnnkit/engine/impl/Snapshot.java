package io.cnnkit.engine.impl;

import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerInfo;

/**
 * An immutable built model: the compiled plan, the layers a run uses (in plan order: layer
 * {@code i} is plan node {@code i + 1}), what is known of them, and the services
 * ({@code "layer type conv2d"}, {@code "activation relu"}) it depends on, and the optimised
 * plan predict runs (trace runs {@code plan} with {@code layers}).
 */
record Snapshot(GraphPlan plan, List<Layer> layers, List<LayerInfo> infos, Set<String> dependencies,
        PlanOptimizer.Optimised optimised) {
    /** The layer of plan node {@code node} (>= 1). */
    Layer layer(int node) {
        return layers.get(node - 1);
    }
}
