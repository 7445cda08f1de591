package io.cnnkit.engine.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationFunctionLayer;
import io.cnnkit.engine.api.ActivationFusable;
import io.cnnkit.engine.api.AffineFoldable;
import io.cnnkit.engine.api.ChannelAffine;
import io.cnnkit.engine.api.ChannelAffineLayer;
import io.cnnkit.engine.api.InferenceIdentity;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.PlanOptimisation;
import io.cnnkit.engine.api.ResidualFusable;
import io.cnnkit.engine.api.ResidualSum;

/**
 * Rewrites a built plan into the one predict runs, through the capabilities layers declare (the
 * engine knows no layer types): an {@link InferenceIdentity} is left out; a
 * {@link ChannelAffineLayer} is folded into the weights of an {@link AffineFoldable} producer; an
 * {@link ActivationFunctionLayer} moves into the kernel of an {@link ActivationFusable} producer;
 * a {@link ResidualSum} (a residual Add) moves into the kernel of a {@link ResidualFusable}
 * producer of one of its inputs.
 *
 * <p>A producer is merged into its consumer only when the consumer is its one reader and it is
 * not a model output: any other reader, or the caller, needs its own value. The merged node
 * takes the consumer's name, so an output that is a BatchNormalization or an activation still
 * gives that layer's Keras value. Folding makes new weight tensors; the built layers (trace,
 * weights by name) are not changed.
 */
final class PlanOptimizer {
    /** The plan predict runs: its nodes (index 0 the input) and their layers ({@code layers.get(i - 1)} for node i). */
    record Optimised(GraphPlan plan, List<Layer> layers, PlanOptimisation report) {
        Layer layer(int node) {
            return layers.get(node - 1);
        }
    }

    private PlanOptimizer() {
    }

    /** @param layers the built layers, {@code layers.get(i - 1)} for plan node i */
    static Optimised optimise(String model, GraphPlan plan, List<Layer> layers) {
        int n = plan.size();
        Layer[] layer = new Layer[n];
        int[][] inputs = new int[n][];
        LayerSpec[] spec = new LayerSpec[n];
        boolean[] alive = new boolean[n];
        int[] readers = new int[n]; // reading edges from computed nodes, plus one per output
        boolean[] isOutput = new boolean[n];
        alive[GraphPlan.INPUT] = true;
        int before = 0;
        for (int i = 1; i < n; i++) {
            if (!plan.needed(i)) {
                continue; // predict never computes it
            }
            before++;
            alive[i] = true;
            layer[i] = layers.get(i - 1);
            spec[i] = plan.node(i).spec();
            inputs[i] = plan.node(i).inputs().clone();
            for (int r : inputs[i]) {
                readers[r]++;
            }
        }
        for (int o : plan.outputs()) {
            readers[o]++;
            isOutput[o] = true;
        }
        Map<String, Integer> folded = new LinkedHashMap<>();
        Map<String, Integer> fused = new LinkedHashMap<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        for (int c = 1; c < n; c++) {
            if (!alive[c] || inputs[c].length != 1) {
                continue;
            }
            Layer l = layer[c];
            int p = inputs[c][0];
            // c is p's only reader and p is no output: p's own value is needed nowhere else.
            boolean solo = p != GraphPlan.INPUT && readers[p] == 1;
            if (l instanceof InferenceIdentity) {
                if (solo) {
                    absorb(layer, inputs, alive, p, c, layer[p]);
                } else if (!isOutput[c]) {
                    // Readers of c read p instead.
                    for (int k = c + 1; k < n; k++) {
                        if (alive[k]) {
                            for (int j = 0; j < inputs[k].length; j++) {
                                if (inputs[k][j] == c) {
                                    inputs[k][j] = p;
                                }
                            }
                        }
                    }
                    readers[p] += readers[c] - 1;
                    alive[c] = false;
                } else {
                    continue; // an output whose input is needed elsewhere: it stays a copy
                }
                count(dropped, l);
                continue;
            }
            if (!solo) {
                continue;
            }
            try {
                if (l instanceof ChannelAffineLayer a && layer[p] instanceof AffineFoldable f) {
                    ChannelAffine affine = a.channelAffine();
                    Layer merged = affine == null ? null : f.foldAffine(affine);
                    if (merged != null) {
                        absorb(layer, inputs, alive, p, c, merged);
                        count(folded, l);
                    }
                } else if (l instanceof ActivationFunctionLayer a && layer[p] instanceof ActivationFusable f) {
                    Activation fn = a.function();
                    Layer merged = fn == null || !fn.elementWise() ? null : f.fuseActivation(fn);
                    if (merged != null) {
                        absorb(layer, inputs, alive, p, c, merged);
                        count(fused, l);
                    }
                }
            } catch (RuntimeException e) {
                throw new ModelException("model '" + model + "': optimising layer '" + layer[p].name() + "' ("
                        + layer[p].type() + ") with the following '" + l.name() + "' (" + l.type() + ") failed: "
                        + e.getMessage() + "; the provider of one of them is at fault", e);
            }
        }
        // A residual Add moves into the conv computing one of its inputs when nothing else reads
        // that conv's output (after the pass above, so the Add carries the activation fused into
        // it): the merged node reads the conv's input and the Add's other input, in the Add's place.
        for (int c = 1; c < n; c++) {
            if (!alive[c] || inputs[c].length != 2 || !(layer[c] instanceof ResidualSum sum) || !sum.isResidualSum()) {
                continue;
            }
            for (int j = 0; j < 2; j++) {
                int p = inputs[c][j], q = inputs[c][1 - j];
                if (p == GraphPlan.INPUT || readers[p] != 1 || inputs[p].length != 1
                        || !(layer[p] instanceof ResidualFusable f)) {
                    continue;
                }
                MultiInputLayer merged;
                try {
                    merged = f.fuseResidual(sum.sumActivation());
                } catch (RuntimeException e) {
                    throw new ModelException("model '" + model + "': moving the sum '" + sum.name() + "' ("
                            + sum.type() + ") into layer '" + layer[p].name() + "' (" + layer[p].type()
                            + ") failed: " + e.getMessage() + "; the provider of one of them is at fault", e);
                }
                if (merged != null) {
                    layer[c] = merged;
                    inputs[c] = new int[] {inputs[p][0], q};
                    alive[p] = false;
                    count(fused, sum);
                    break;
                }
            }
        }
        // Renumber the nodes left, keeping their order (still topological: a merged node sits
        // where its consumer was, after everything its producer read).
        int[] index = new int[n];
        List<GraphPlan.Node> nodes = new ArrayList<>();
        List<Layer> kept = new ArrayList<>();
        nodes.add(plan.node(GraphPlan.INPUT));
        for (int i = 1; i < n; i++) {
            if (!alive[i]) {
                continue;
            }
            index[i] = nodes.size();
            int[] in = new int[inputs[i].length];
            for (int j = 0; j < in.length; j++) {
                in[j] = index[inputs[i][j]];
            }
            nodes.add(new GraphPlan.Node(plan.node(i).name(), spec[i], in));
            kept.add(layer[i]);
        }
        int[] outputs = plan.outputs();
        for (int k = 0; k < outputs.length; k++) {
            outputs[k] = index[outputs[k]];
        }
        GraphPlan optimised = GraphPlan.of(nodes, outputs, List.of());
        return new Optimised(optimised, List.copyOf(kept),
                new PlanOptimisation(before, kept.size(), folded, fused, dropped));
    }

    /** Node c now computes {@code merged} from p's inputs; p is gone. */
    private static void absorb(Layer[] layer, int[][] inputs, boolean[] alive, int p, int c, Layer merged) {
        layer[c] = merged;
        inputs[c] = inputs[p];
        alive[p] = false;
    }

    private static void count(Map<String, Integer> byType, Layer l) {
        // (no merge with Integer::sum: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        Integer n = byType.get(l.type());
        byType.put(l.type(), n == null ? 1 : n + 1);
    }
}
