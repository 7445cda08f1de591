package io.cnnkit.engine.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;

/**
 * A (named) description compiled into what a run needs, without any layer classes: the
 * nodes in topological order (the model input first), each node's input slots, the model
 * outputs, which nodes an output needs, and the buffer plan of a predict run: every
 * intermediate output gets a pooled buffer slot that returns to the pool once its last
 * consumer has run, so a deep network holds only the activations still to be read.
 *
 * <p>The order is Kahn's algorithm taking the earliest declared ready node first, so a
 * chain or a Keras layer list (already topological) keeps its order.
 */
final class GraphPlan {
    /** The model input's node index. */
    static final int INPUT = 0;
    /** {@link #slot} of a node whose buffer is not pooled (the input, a model output, an unneeded node). */
    static final int NO_SLOT = -1;

    /**
     * One node: the model input ({@code spec == null}) or a layer.
     *
     * @param name   node name (unique)
     * @param spec   the layer, null for the model input
     * @param inputs node indices it reads, in order
     */
    record Node(String name, LayerSpec spec, int[] inputs) {
        boolean isInput() {
            return spec == null;
        }

        String label() {
            return spec == null ? "the model input '" + name + "'" : spec.label();
        }
    }

    private final List<Node> nodes;
    private final int[] outputs;
    private final boolean[] needed;
    private final int[] slot;
    private final int slotCount;
    private final int[] freeAfter;
    private final List<String> warnings;

    private GraphPlan(List<Node> nodes, int[] outputs, boolean[] needed, int[] slot, int slotCount,
            int[] freeAfter, List<String> warnings) {
        this.nodes = nodes;
        this.outputs = outputs;
        this.needed = needed;
        this.slot = slot;
        this.slotCount = slotCount;
        this.freeAfter = freeAfter;
        this.warnings = warnings;
    }

    /** Nodes in topological order; index 0 is the model input. */
    List<Node> nodes() {
        return nodes;
    }

    Node node(int i) {
        return nodes.get(i);
    }

    int size() {
        return nodes.size();
    }

    /** Output node indices, in the model's output order. */
    int[] outputs() {
        return outputs.clone();
    }

    List<String> outputNames() {
        List<String> out = new ArrayList<>();
        for (int o : outputs) {
            out.add(nodes.get(o).name());
        }
        return out;
    }

    /** Whether a predict run computes node {@code i} (some output depends on it). */
    boolean needed(int i) {
        return needed[i];
    }

    /** The pooled buffer slot of node {@code i} in a predict run, or {@link #NO_SLOT}. */
    int slot(int i) {
        return slot[i];
    }

    /** Buffers a predict run holds at most at once besides the input and the outputs (peak). */
    int slotCount() {
        return slotCount;
    }

    /** The node after whose step node {@code i}'s buffer is free again (-1: never pooled). */
    int freeAfter(int i) {
        return freeAfter[i];
    }

    /** Things compiled but worth telling (e.g. an unused branch). */
    List<String> warnings() {
        return warnings;
    }

    /** Names of the nodes node {@code i} reads. */
    List<String> inputNames(int i) {
        List<String> out = new ArrayList<>();
        for (int in : nodes.get(i).inputs()) {
            out.add(nodes.get(in).name());
        }
        return out;
    }

    /**
     * Compiles a description whose layers all have names (see {@link SnapshotBuilder#named}).
     *
     * @throws ModelException for dangling inputs, cycles, unknown or repeated outputs, or a
     *                        layer named like the model input in a graph
     */
    static GraphPlan compile(ModelDescription d) {
        String model = "model '" + d.name() + "'";
        List<LayerSpec> layers = d.layers();
        int n = layers.size();
        Map<String, Integer> declared = new HashMap<>(); // name -> declaration index (input = -1)
        declared.put(d.inputName(), -1);
        for (int i = 0; i < n; i++) {
            LayerSpec s = layers.get(i);
            Integer clash = declared.putIfAbsent(s.name(), i);
            if (clash != null) {
                if (clash == -1 && d.isGraph()) {
                    throw s.error("is named like the model input '" + d.inputName() + "'; rename the layer (layers "
                            + "refer to the input by that name)");
                }
                if (clash != -1) {
                    throw s.error("name '" + s.name() + "' is already used by layer " + (clash + 1)
                            + "; layer names must be unique in a model");
                }
            }
        }
        // Resolve every layer's inputs to declaration indices (-1 = the model input).
        int[][] reads = new int[n][];
        for (int i = 0; i < n; i++) {
            LayerSpec s = layers.get(i);
            List<String> names = s.inputs();
            if (names.isEmpty()) {
                reads[i] = new int[] {i - 1};
                continue;
            }
            reads[i] = new int[names.size()];
            for (int k = 0; k < names.size(); k++) {
                String ref = names.get(k);
                Integer at = declared.get(ref);
                if (at == null) {
                    throw s.error("input '" + ref + "' is not a node of " + model + "; nodes: " + nodeList(d)
                            + suggestion(ref, declared.keySet()));
                }
                if (at == i) {
                    throw s.error("reads its own output (input '" + ref + "'); a model is a graph without cycles");
                }
                reads[i][k] = at;
            }
        }
        int[] order = topologicalOrder(d, reads);
        // Node index = position in topological order + 1; the input is node 0.
        int[] nodeOf = new int[n];
        for (int k = 0; k < n; k++) {
            nodeOf[order[k]] = k + 1;
        }
        List<Node> nodes = new ArrayList<>(n + 1);
        nodes.add(new Node(d.inputName(), null, new int[0]));
        for (int k = 0; k < n; k++) {
            int decl = order[k];
            int[] in = new int[reads[decl].length];
            for (int j = 0; j < in.length; j++) {
                in[j] = reads[decl][j] < 0 ? INPUT : nodeOf[reads[decl][j]];
            }
            nodes.add(new Node(layers.get(decl).name(), layers.get(decl), in));
        }
        int[] outputs = outputs(d, declared, nodeOf);
        boolean[] needed = needed(nodes, outputs);
        List<String> warnings = new ArrayList<>();
        List<String> unused = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (!needed[i]) {
                unused.add("'" + nodes.get(i).name() + "'");
            }
        }
        if (!unused.isEmpty()) {
            warnings.add(model + ": " + (unused.size() == 1 ? "layer " : "layers ") + String.join(", ", unused)
                    + (unused.size() == 1 ? " feeds" : " feed") + " no output (outputs: "
                    + String.join(", ", quoted(nodes, outputs)) + "); predict skips "
                    + (unused.size() == 1 ? "it" : "them") + ", trace still shows " + (unused.size() == 1 ? "it" : "them")
                    + "; name " + (unused.size() == 1 ? "it" : "them") + " in \"outputs\" to keep "
                    + (unused.size() == 1 ? "it" : "them"));
        }
        return of(nodes, outputs, warnings);
    }

    /**
     * A plan of nodes already in topological order (node 0 the model input, every input index
     * below its reader's), e.g. the optimised plan of a compiled one: which nodes the outputs
     * need, and the buffer plan of a predict run.
     */
    static GraphPlan of(List<Node> nodes, int[] outputs, List<String> warnings) {
        int n = nodes.size() - 1;
        boolean[] needed = needed(nodes, outputs);
        int[] lastUse = new int[n + 1];
        Arrays.fill(lastUse, -1);
        for (int i = 1; i <= n; i++) {
            if (needed[i]) {
                for (int in : nodes.get(i).inputs()) {
                    lastUse[in] = Math.max(lastUse[in], i);
                }
            }
        }
        boolean[] isOutput = new boolean[n + 1];
        for (int o : outputs) {
            isOutput[o] = true;
        }
        int[] slot = new int[n + 1];
        int[] freeAfter = new int[n + 1];
        Arrays.fill(slot, NO_SLOT);
        Arrays.fill(freeAfter, -1);
        ArrayDeque<Integer> free = new ArrayDeque<>();
        int slots = 0;
        List<List<Integer>> releases = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            releases.add(new ArrayList<>());
        }
        for (int i = 1; i <= n; i++) {
            if (!needed[i]) {
                continue;
            }
            if (!isOutput[i]) {
                // Taken before this step's inputs are released: an output never shares its inputs' buffer.
                slot[i] = free.isEmpty() ? slots++ : free.pop();
                freeAfter[i] = lastUse[i];
                releases.get(lastUse[i]).add(slot[i]);
            }
            for (int s : releases.get(i)) {
                free.push(s);
            }
        }
        return new GraphPlan(List.copyOf(nodes), outputs.clone(), needed, slot, slots, freeAfter,
                List.copyOf(warnings));
    }

    /** Whether each node feeds some output (the outputs included). */
    private static boolean[] needed(List<Node> nodes, int[] outputs) {
        boolean[] needed = new boolean[nodes.size()];
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        for (int o : outputs) {
            todo.add(o);
        }
        while (!todo.isEmpty()) {
            int i = todo.pop();
            if (!needed[i]) {
                needed[i] = true;
                for (int in : nodes.get(i).inputs()) {
                    todo.push(in);
                }
            }
        }
        return needed;
    }

    private static int[] outputs(ModelDescription d, Map<String, Integer> declared, int[] nodeOf) {
        List<String> names = d.outputs();
        if (names.isEmpty()) {
            int n = d.layers().size();
            return new int[] {n == 0 ? INPUT : nodeOf[n - 1]};
        }
        int[] out = new int[names.size()];
        Set<String> seen = new LinkedHashSet<>();
        for (int k = 0; k < names.size(); k++) {
            String o = names.get(k);
            Integer at = declared.get(o);
            if (at == null) {
                throw new ModelException("model '" + d.name() + "': output '" + o + "' is not a node of the model; "
                        + "nodes: " + nodeList(d) + suggestion(o, declared.keySet()));
            }
            if (!seen.add(o)) {
                throw new ModelException("model '" + d.name() + "': output '" + o + "' is listed twice in outputs "
                        + names);
            }
            out[k] = at < 0 ? INPUT : nodeOf[at];
        }
        return out;
    }

    /** Declaration indices in topological order; the earliest declared ready layer goes first. */
    private static int[] topologicalOrder(ModelDescription d, int[][] reads) {
        int n = reads.length;
        int[] pending = new int[n];
        List<List<Integer>> consumers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            consumers.add(new ArrayList<>());
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            for (int in : reads[i]) {
                if (in >= 0) {
                    pending[i]++;
                    consumers.get(in).add(i);
                }
            }
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        int[] order = new int[n];
        int k = 0;
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order[k++] = i;
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        if (k < n) {
            throw new ModelException("model '" + d.name() + "' has a cycle: " + cycle(d, reads, pending)
                    + "; a layer may only read layers that do not depend on it");
        }
        return order;
    }

    /** One cycle among the layers still pending, as "'a' -> 'b' -> 'a'". */
    private static String cycle(ModelDescription d, int[][] reads, int[] pending) {
        int start = 0;
        while (pending[start] == 0) {
            start++;
        }
        // Walk backwards along pending inputs until a layer repeats.
        List<Integer> path = new ArrayList<>();
        int[] seenAt = new int[reads.length];
        Arrays.fill(seenAt, -1);
        int cur = start;
        while (seenAt[cur] < 0) {
            seenAt[cur] = path.size();
            path.add(cur);
            int next = -1;
            for (int in : reads[cur]) {
                if (in >= 0 && pending[in] > 0) {
                    next = in;
                    break;
                }
            }
            cur = next;
        }
        List<Integer> loop = new ArrayList<>(path.subList(seenAt[cur], path.size()));
        java.util.Collections.reverse(loop); // producer -> consumer order
        int first = loop.indexOf(java.util.Collections.min(loop));
        java.util.Collections.rotate(loop, -first); // start at the earliest declared layer
        StringBuilder b = new StringBuilder();
        for (int i : loop) {
            b.append('\'').append(d.layers().get(i).name()).append("' -> ");
        }
        return b.append('\'').append(d.layers().get(loop.get(0)).name()).append('\'').toString();
    }

    private static List<String> quoted(List<Node> nodes, int[] idx) {
        List<String> out = new ArrayList<>();
        for (int i : idx) {
            out.add("'" + nodes.get(i).name() + "'");
        }
        return out;
    }

    private static String nodeList(ModelDescription d) {
        List<String> names = new ArrayList<>();
        names.add(d.inputName() + " (the input)");
        int shown = 0;
        for (LayerSpec s : d.layers()) {
            if (++shown > 20) {
                names.add("... (" + d.layers().size() + " layers)");
                break;
            }
            names.add(s.name());
        }
        return String.join(", ", names);
    }

    /** " (did you mean 'conv2d_1'?)" for a near miss, else "". */
    static String suggestion(String wrong, Set<String> names) {
        String best = io.cnnkit.engine.api.DidYouMean.closest(wrong, names);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }
}
