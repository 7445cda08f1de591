package io.cnnkit.engine.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.Shape;

/**
 * How a predict splits its batch into groups of samples ({@link PlanExecutor}): nodes 1 to
 * {@link #end()} (exclusive) in plan order run on {@link #size()} groups of up to
 * {@link #groupSize()} samples, the rest on the whole batch. A function of the plan, the layers,
 * the input's sample shape and the batch, never of the thread count.
 *
 * <p>The grouped nodes are the plan's first nodes up to its first layer with more than
 * {@link PlanExecutor#HEAVY_WEIGHTS} weights (each group would read those again); a group holds
 * as many samples as keep its largest activation within {@link PlanExecutor#GROUP_FLOATS}
 * floats (at least one). A batch that fits one group is not split.
 */
final class GroupPlan {
    private final Shape sample;
    private final int batch;
    private final int end;
    private final int groupSize;
    private final int groups;
    private final int[] escapes;
    private final Shape[] shapes;

    private GroupPlan(Shape sample, int batch, int end, int groupSize, int[] escapes, Shape[] shapes) {
        this.sample = sample;
        this.batch = batch;
        this.end = end;
        this.groupSize = groupSize;
        this.groups = end > 1 ? (batch + groupSize - 1) / groupSize : 0;
        this.escapes = escapes;
        this.shapes = shapes;
    }

    /** The groups of a predict of {@code batch} samples of shape {@code sample} on {@code plan}. */
    static GroupPlan of(GraphPlan plan, List<Layer> layers, Shape sample, int batch) {
        int n = plan.size();
        Shape[] shapes = new Shape[n];
        shapes[GraphPlan.INPUT] = sample;
        long largest = sample.elementCount();
        int end = n;
        for (int node = 1; node < n; node++) {
            if (!plan.needed(node)) {
                continue;
            }
            Layer layer = layers.get(node - 1);
            if (layer.parameterCount() > PlanExecutor.HEAVY_WEIGHTS) {
                end = node;
                break;
            }
            int[] reads = plan.node(node).inputs();
            if (layer instanceof MultiInputLayer m) {
                List<Shape> in = new ArrayList<>(reads.length);
                for (int r : reads) {
                    in.add(shapes[r]);
                }
                shapes[node] = m.outputShape(in);
            } else {
                shapes[node] = layer.outputShape(shapes[reads[0]]);
            }
            largest = Math.max(largest, shapes[node].elementCount());
        }
        int size = (int) Math.max(1, Math.min(batch, PlanExecutor.GROUP_FLOATS / Math.max(1, largest)));
        if (end <= 1 || size >= batch) {
            return new GroupPlan(sample, batch, 1, batch, new int[0], shapes);
        }
        // the grouped values read after the groups: plan outputs and inputs of whole-batch nodes
        boolean[] escapes = new boolean[n];
        for (int o : plan.outputs()) {
            escapes[o] = o > 0 && o < end;
        }
        for (int node = end; node < n; node++) {
            if (plan.needed(node)) {
                for (int r : plan.node(node).inputs()) {
                    escapes[r] |= r > 0 && r < end;
                }
            }
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (escapes[i]) {
                out[k++] = i;
            }
        }
        return new GroupPlan(sample, batch, end, size, Arrays.copyOf(out, k), shapes);
    }

    /** Whether this plan was worked out for this input. */
    boolean fits(Shape sample, int batch) {
        return this.batch == batch && this.sample.equals(sample);
    }

    /** Number of groups; 0 when the batch runs whole. */
    int size() {
        return groups;
    }

    /** Samples per group (the last may hold fewer). */
    int groupSize() {
        return groupSize;
    }

    /** The first node run on the whole batch (1 when nothing is grouped). */
    int end() {
        return end;
    }

    /** The first sample of group {@code i}; {@code first(size())} is the batch. */
    int first(int i) {
        return Math.min(batch, i * groupSize);
    }

    /** The grouped nodes whose values are read after the groups, in plan order. */
    int[] escapes() {
        return escapes;
    }

    /** The sample shape of a grouped node's value (node 0: the input). */
    Shape shape(int node) {
        return shapes[node];
    }
}
