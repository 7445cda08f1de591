package io.cnnkit.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/**
 * The graph-description generator of the {@code graphDescription} fuzz target, and the run
 * invariants every fuzz target that builds a model checks.
 *
 * <p>The fuzz input chooses a graph: an input shape and name, up to {@value #MAX_RANDOM} layers
 * of any type (the real layer modules' types, the merge types, an unknown one) whose
 * {@code "inputs"} name earlier layers, later ones (cycles), themselves, the input or nothing
 * that exists, and outputs that are valid, unknown or repeated. Four shapes of graph:
 * <ul>
 * <li>well formed (most inputs): a body of shape-preserving layers and merges over any earlier
 * nodes, then heads (flatten/global pooling + dense, concatenate, a resizing conv), with a
 * mutation (a wrong input, an extra input, a bad parameter) now and then;</li>
 * <li>random: every layer's type, parameters and inputs drawn independently;</li>
 * <li>fan-out: one node read by up to {@value #MAX_FAN_OUT} layers, which are joined by one
 * merge, or all are outputs;</li>
 * <li>chain: up to {@value #MAX_CHAIN} cheap layers with the odd skip connection.</li>
 * </ul>
 * It is written as cnnkit JSON or as a Keras Functional {@code model.to_json()} (Keras 2
 * {@code inbound_nodes} [[["name", 0, 0, {}]]] or Keras 3 {"args": [keras tensors], "kwargs": {}}).
 * Exhausted input picks the first choice everywhere, which is always the well-formed one.
 */
final class GraphFuzz {
    static final int MAX_RANDOM = 64;
    static final int MAX_FAN_OUT = 300;
    static final int MAX_CHAIN = 256;
    /** A model runs when its input has at most this many values per sample... */
    static final int RUN_MAX_INPUT = 4096;
    /** ...it has at most this many parameters... */
    static final long RUN_MAX_PARAMS = 100_000;
    /** ...and no layer's output (per sample, as the build inferred it) is larger. */
    static final long RUN_MAX_STAGE = 1 << 16;

    /** The layers.merge types: six elementwise ones first, then concatenate and Keras 1's merge. */
    static final List<String> MERGES = List.of("add", "subtract", "multiply", "average", "maximum", "minimum",
            "concatenate", "merge");
    /** Single-input types of the layer modules on the test class path, and a type nobody provides. */
    static final List<String> SINGLES = List.of("conv2d", "depthwise_conv2d", "max_pooling2d", "average_pooling2d",
            "global_average_pooling2d", "global_max_pooling2d", "flatten", "dense", "activation", "dropout",
            "batch_normalization", "zero_padding2d", "prelu", "no_such_layer");
    static final List<String> ACTIVATIONS = List.of("relu", "linear", "sigmoid", "tanh", "softmax", "elu", "gelu",
            "selu", "swish", "mish", "softplus", "softsign", "relu6", "leaky_relu", "hard_sigmoid", "exponential",
            "no_such_activation");
    static final Map<String, String> KERAS_CLASS = Map.ofEntries(Map.entry("conv2d", "Conv2D"),
            Map.entry("depthwise_conv2d", "DepthwiseConv2D"), Map.entry("max_pooling2d", "MaxPooling2D"),
            Map.entry("average_pooling2d", "AveragePooling2D"),
            Map.entry("global_average_pooling2d", "GlobalAveragePooling2D"),
            Map.entry("global_max_pooling2d", "GlobalMaxPooling2D"), Map.entry("flatten", "Flatten"),
            Map.entry("dense", "Dense"), Map.entry("activation", "Activation"), Map.entry("dropout", "Dropout"),
            Map.entry("batch_normalization", "BatchNormalization"), Map.entry("zero_padding2d", "ZeroPadding2D"),
            Map.entry("prelu", "PReLU"), Map.entry("add", "Add"), Map.entry("subtract", "Subtract"),
            Map.entry("multiply", "Multiply"), Map.entry("average", "Average"), Map.entry("maximum", "Maximum"),
            Map.entry("minimum", "Minimum"), Map.entry("concatenate", "Concatenate"), Map.entry("merge", "Merge"),
            Map.entry("no_such_layer", "NoSuchLayer"));

    /** One layer: {@code inputs} null = reads the previous layer (no "inputs" field); {@code name} null = unnamed. */
    record Layer(String type, String name, List<String> inputs, Map<String, Object> params) {
    }

    /**
     * A generated graph.
     *
     * @param inputShape per-sample dims, -1 open (null in JSON)
     * @param inputName  null: not written (the default "input")
     * @param outputs    null: not written (the last layer)
     * @param format     0 cnnkit JSON, 2 Keras 2 Functional, 3 Keras 3 Functional
     * @param kerasQuirk a Keras-only defect to write (0 none)
     */
    record Graph(int[] inputShape, String inputName, List<Layer> layers, List<String> outputs, int format,
            int kerasQuirk) {
        String input() {
            return inputName == null ? "input" : inputName;
        }
    }

    private final FuzzedDataProvider d;
    /** The graph is written as Keras JSON (whose layers need names). */
    private boolean keras;

    private GraphFuzz(FuzzedDataProvider d) {
        this.d = d;
    }

    /** A graph chosen by the fuzz input. */
    static Graph generate(FuzzedDataProvider d) {
        return new GraphFuzz(d).graph();
    }

    /** The text the engine parses. */
    static String text(Graph g) {
        return g.format() == 0 ? cnnkitJson(g) : kerasJson(g);
    }

    // ---- choices (the first value is what exhausted input gives: keep it the ordinary one) ----

    /** True about once in {@code n} (never on exhausted input). */
    private boolean once(int n) {
        return d.consumeInt(0, n - 1) == n - 1;
    }

    private int pick(int lo, int hi) {
        return d.consumeInt(lo, hi);
    }

    private <T> T pick(List<T> from) {
        return from.get(d.consumeInt(0, from.size() - 1));
    }

    // ---- the graph ----

    private Graph graph() {
        int format = switch (pick(0, 3)) {
            case 2 -> 2;
            case 3 -> 3;
            default -> 0;
        };
        keras = format != 0;
        int kind = pick(0, 9); // 0-5 well formed, 6-7 random, 8 fan-out, 9 chain
        String inputName = switch (pick(0, 5)) {
            case 1 -> "input";
            case 2 -> "x";
            case 3 -> "in_1";
            case 4 -> once(2) ? "" : "n0"; // blank, or named like a layer
            case 5 -> "in\"put\\\u00e9";
            default -> null;
        };
        int[] shape = inputShape(kind);
        List<Layer> layers = new ArrayList<>();
        List<String> outputs;
        String in = inputName == null ? "input" : inputName;
        switch (kind) {
            case 6, 7 -> outputs = random(layers, in);
            case 8 -> outputs = fanOut(layers, in, shape);
            case 9 -> outputs = chain(layers, in, shape);
            default -> outputs = wellFormed(layers, in, shape);
        }
        outputs = mutateOutputs(outputs, layers, in);
        int quirk = format != 0 && once(6) ? pick(1, 9) : 0;
        return new Graph(shape, inputName, layers, outputs, format, quirk);
    }

    private int[] inputShape(int kind) {
        int rank = 3;
        if (kind >= 6 && kind <= 7) {
            rank = pick(List.of(3, 1, 2, 4));
        } else if (once(12)) {
            rank = 1;
        }
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = pick(1, i == rank - 1 ? 4 : 8);
            if (once(10) && i < rank - 1) {
                s[i] = -1; // open (None): the run picks a size
            } else if (once(40)) {
                s[i] = pick(List.of(0, -2, 100_000, Integer.MAX_VALUE));
            }
        }
        return s;
    }

    private String name(int i) {
        switch (pick(0, 15)) {
            case 13:
                return keras && !once(4) ? "n" + i : null; // Keras-style default name from the type
            case 14:
                return i > 0 ? "n" + (i - 1) : "n0"; // duplicate
            case 15:
                return pick(List.of("input", "", " ", "n" + i + "\"\\", "\u00fcml\u00e4ut_" + i, "x".repeat(300),
                        "n" + i + "/" + i));
            default:
                return "n" + i;
        }
    }

    /** A node name to read: the node at {@code j} (-1 = the input), or (rarely) something wrong. */
    private String ref(List<Layer> layers, String in, int j, int self) {
        if (once(16)) {
            return switch (pick(0, 5)) {
                case 0 -> "n" + (self + 1 + pick(0, 3)); // forward: may close a cycle
                case 1 -> nameOf(layers, self, in); // itself
                case 2 -> "nope";
                case 3 -> nameOf(layers, j, in) + "x"; // near miss
                case 4 -> in;
                default -> layers.isEmpty() ? "conv2d" : layers.get(layers.size() - 1).type(); // a default name
            };
        }
        return nameOf(layers, j, in);
    }

    private static String nameOf(List<Layer> layers, int j, String in) {
        if (j < 0 || j >= layers.size()) {
            return j < 0 ? in : "n" + j;
        }
        String n = layers.get(j).name();
        return n == null ? layers.get(j).type() : n;
    }

    /** Body of shape-preserving layers and merges, then heads. */
    private List<String> wellFormed(List<Layer> layers, String in, int[] shape) {
        int channels = Math.max(1, shape[shape.length - 1]);
        boolean image = shape.length == 3;
        int body = pick(1, once(4) ? MAX_RANDOM - 8 : 8);
        for (int i = 0; i < body; i++) {
            int kind = pick(0, 9);
            Map<String, Object> p = new LinkedHashMap<>();
            String type;
            List<String> inputs = null;
            if (kind <= 5 || i == 0) {
                switch (image ? kind : 4) {
                    case 0 -> {
                        type = "conv2d";
                        p.put("filters", channels);
                        p.put("kernel_size", pick(1, 3));
                        p.put("padding", "same");
                        if (once(2)) {
                            p.put("activation", pick(ACTIVATIONS.subList(0, 6)));
                        }
                    }
                    case 1 -> {
                        type = "depthwise_conv2d";
                        p.put("kernel_size", pick(1, 3));
                        p.put("padding", "same");
                    }
                    case 2, 3 -> {
                        type = kind == 2 ? "max_pooling2d" : "average_pooling2d";
                        p.put("pool_size", pick(1, 3));
                        p.put("strides", 1);
                        p.put("padding", "same");
                    }
                    case 4 -> {
                        type = "activation";
                        p.put("activation", pick(ACTIVATIONS.subList(0, ACTIVATIONS.size() - 1)));
                    }
                    default -> {
                        type = pick(List.of("dropout", "batch_normalization", "prelu"));
                        if (type.equals("dropout")) {
                            p.put("rate", 0.5);
                        }
                    }
                }
                int from = i - 1 - (once(3) ? pick(0, i) : 0);
                if (from != i - 1 || once(3)) {
                    inputs = List.of(ref(layers, in, from, i));
                }
            } else {
                type = pick(MERGES.subList(0, 6));
                int n = pick(2, 4);
                List<String> ins = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    ins.add(ref(layers, in, i - 1 - pick(0, i), i));
                }
                inputs = ins;
            }
            layers.add(mutate(new Layer(type, name(i), inputs, p), layers, in, i));
        }
        List<String> outputs = new ArrayList<>();
        int heads = pick(0, 3);
        for (int h = 0; h < heads; h++) {
            int i = layers.size();
            String from = ref(layers, in, pick(0, body - 1), i);
            Map<String, Object> p = new LinkedHashMap<>();
            switch (pick(0, 3)) {
                case 0 -> {
                    layers.add(new Layer(image && once(2) ? pick(List.of("global_average_pooling2d",
                            "global_max_pooling2d")) : "flatten", name(i), List.of(from), p));
                    Map<String, Object> dense = new LinkedHashMap<>();
                    dense.put("units", pick(1, 8));
                    if (once(2)) {
                        dense.put("activation", pick(List.of("softmax", "sigmoid", "relu")));
                    }
                    layers.add(mutate(new Layer("dense", name(i + 1), null, dense), layers, in, i + 1));
                }
                case 1 -> {
                    List<String> ins = new ArrayList<>(List.of(from));
                    int more = pick(1, 3);
                    for (int k = 0; k < more; k++) {
                        ins.add(ref(layers, in, pick(-1, body - 1), i));
                    }
                    if (once(4)) {
                        p.put("axis", -1);
                    }
                    layers.add(mutate(new Layer("concatenate", name(i), ins, p), layers, in, i));
                }
                case 2 -> {
                    p.put("filters", pick(1, 6));
                    p.put("kernel_size", pick(1, 3));
                    p.put("strides", pick(1, 2));
                    p.put("padding", once(2) ? "same" : "valid");
                    layers.add(mutate(new Layer("conv2d", name(i), List.of(from), p), layers, in, i));
                }
                default -> {
                    p.put("pool_size", pick(2, 3));
                    layers.add(mutate(new Layer("max_pooling2d", name(i), List.of(from), p), layers, in, i));
                }
            }
            outputs.add(nameOf(layers, layers.size() - 1, in));
        }
        if (heads == 0) {
            return once(2) ? null : new ArrayList<>(List.of(nameOf(layers, layers.size() - 1, in)));
        }
        // Keep a body node or two as outputs now and then.
        while (once(3)) {
            outputs.add(pick(0, 1) == 0 ? nameOf(layers, pick(0, body - 1), in) : in);
        }
        return outputs;
    }

    /** Now and then one thing wrong with a well-formed layer. */
    private Layer mutate(Layer l, List<Layer> layers, String in, int i) {
        if (!once(12)) {
            return l;
        }
        List<String> ins = l.inputs() == null ? new ArrayList<>() : new ArrayList<>(l.inputs());
        Map<String, Object> p = new LinkedHashMap<>(l.params());
        switch (pick(0, 6)) {
            case 0 -> ins.add(ref(layers, in, pick(-1, i), i)); // one input too many (or a merge one more)
            case 1 -> ins.clear(); // "inputs": [] (or no input for a merge)
            case 2 -> ins.add("n" + (i + 1 + pick(0, 2))); // forward reference
            case 3 -> ins.add(nameOf(layers, i, in) + (once(2) ? "" : "_")); // itself, or a near miss
            case 4 -> p.put(pick(List.of("filters", "kernel_size", "units", "pool_size", "strides", "rate", "axis",
                    "padding", "activation")), badValue());
            case 5 -> p.put("no_such_parameter", 1);
            default -> {
                return new Layer(pick(SINGLES), l.name(), l.inputs(), p);
            }
        }
        return new Layer(l.type(), l.name(), ins, p);
    }

    private Object badValue() {
        return switch (pick(0, 10)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 2_000_000_000;
            case 3 -> 1.5;
            case 4 -> "3";
            case 5 -> true;
            case 6 -> null;
            case 7 -> List.of(1, 2, 3);
            case 8 -> List.of();
            case 9 -> Map.of("class_name", "ReLU", "config", Map.of());
            default -> 65_536;
        };
    }

    /** Every choice independent: type, parameters, inputs anywhere. */
    private List<String> random(List<Layer> layers, String in) {
        int n = pick(0, MAX_RANDOM);
        for (int i = 0; i < n; i++) {
            boolean merge = once(3);
            String type = merge ? pick(MERGES) : pick(SINGLES);
            Map<String, Object> p = randomParams(type);
            List<String> inputs = null;
            int count = switch (pick(0, 4)) {
                case 0 -> merge ? 2 : -1; // -1: no "inputs"
                case 1 -> 1;
                case 2 -> 2;
                case 3 -> once(4) ? 0 : -1;
                default -> pick(3, 6);
            };
            if (count >= 0) {
                inputs = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    inputs.add(ref(layers, in, pick(-1, Math.min(n - 1, i + 2)), i));
                }
            }
            layers.add(new Layer(type, name(i), inputs, p));
        }
        int outs = pick(0, 4);
        if (outs == 0) {
            return null;
        }
        List<String> o = new ArrayList<>();
        for (int k = 0; k < outs; k++) {
            o.add(ref(layers, in, pick(-1, n), n));
        }
        return o;
    }

    private Map<String, Object> randomParams(String type) {
        Map<String, Object> p = new LinkedHashMap<>();
        switch (type) {
            case "conv2d" -> {
                p.put("filters", smallInt(1, 6));
                p.put("kernel_size", smallInt(1, 3));
                optional(p, "strides", 1, 3);
                optional(p, "dilation_rate", 1, 2);
                padding(p);
                if (once(3)) {
                    p.put("activation", pick(ACTIVATIONS));
                }
            }
            case "depthwise_conv2d" -> {
                p.put("kernel_size", smallInt(1, 3));
                optional(p, "depth_multiplier", 1, 3);
                optional(p, "strides", 1, 2);
                padding(p);
            }
            case "max_pooling2d", "average_pooling2d" -> {
                p.put("pool_size", smallInt(1, 3));
                optional(p, "strides", 1, 3);
                padding(p);
            }
            case "dense" -> {
                p.put("units", smallInt(1, 8));
                if (once(3)) {
                    p.put("activation", pick(ACTIVATIONS));
                }
            }
            case "activation" -> p.put("activation", once(12) ? badValue() : pick(ACTIVATIONS));
            case "dropout" -> p.put("rate", once(8) ? badValue() : 0.25);
            case "zero_padding2d" -> p.put("padding", smallInt(0, 2));
            case "concatenate" -> {
                if (once(3)) {
                    p.put("axis", once(4) ? badValue() : pick(-3, 3));
                }
            }
            case "merge" -> {
                p.put("mode", once(8) ? badValue() : pick(List.of("sum", "mul", "ave", "max", "concat", "cos", "dot",
                        "SUM")));
                if (once(3)) {
                    p.put("concat_axis", pick(-3, 3));
                }
            }
            default -> {
                if (once(16)) {
                    p.put("no_such_parameter", 1);
                }
            }
        }
        return p;
    }

    private Object smallInt(int lo, int hi) {
        return once(16) ? badValue() : (Object) pick(lo, hi);
    }

    private void optional(Map<String, Object> p, String key, int lo, int hi) {
        if (once(3)) {
            p.put(key, smallInt(lo, hi));
        }
    }

    private void padding(Map<String, Object> p) {
        if (once(2)) {
            p.put("padding", once(16) ? "causal" : pick(List.of("valid", "same")));
        }
    }

    /** One node read by many: layer 0 (or the input) feeds up to MAX_FAN_OUT layers. */
    private List<String> fanOut(List<Layer> layers, String in, int[] shape) {
        int channels = Math.max(1, shape[shape.length - 1]);
        boolean image = shape.length == 3;
        String stem = in;
        if (!once(3)) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("activation", "relu");
            layers.add(new Layer("activation", "stem", null, p));
            stem = "stem";
        }
        int k = pick(2, MAX_FAN_OUT);
        List<String> branches = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            String type;
            switch (image ? pick(0, 3) : 0) {
                case 1 -> {
                    type = "conv2d";
                    p.put("filters", channels);
                    p.put("kernel_size", 1);
                }
                case 2 -> {
                    type = "max_pooling2d";
                    p.put("pool_size", pick(1, 2));
                    p.put("strides", 1);
                    p.put("padding", "same");
                }
                case 3 -> {
                    type = "dropout";
                    p.put("rate", 0.5);
                }
                default -> {
                    type = "activation";
                    p.put("activation", pick(ACTIVATIONS.subList(0, 6)));
                }
            }
            String name = once(64) ? stem : "b" + i; // a branch named like another node, now and then
            List<String> inputs = new ArrayList<>(List.of(stem));
            if (once(64)) {
                inputs.add(stem); // reads the stem twice
            }
            layers.add(new Layer(type, name, inputs, p));
            branches.add(name);
        }
        switch (pick(0, 3)) {
            case 0 -> {
                layers.add(new Layer(pick(MERGES.subList(0, 6)), "join", branches, new LinkedHashMap<>()));
                return once(2) ? null : new ArrayList<>(List.of("join"));
            }
            case 1 -> {
                layers.add(new Layer("concatenate", "join", branches, new LinkedHashMap<>()));
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("units", pick(1, 4));
                layers.add(new Layer("flatten", "flat", null, new LinkedHashMap<>()));
                layers.add(new Layer("dense", "head", null, p));
                return new ArrayList<>(List.of("head"));
            }
            case 2 -> {
                // pairwise joins down to one node: a tree over the branches
                List<String> level = new ArrayList<>(branches);
                int j = 0;
                while (level.size() > 1) {
                    List<String> next = new ArrayList<>();
                    for (int i = 0; i + 1 < level.size(); i += 2) {
                        String n = "t" + j++;
                        layers.add(new Layer(pick(MERGES.subList(0, 6)), n, List.of(level.get(i), level.get(i + 1)),
                                new LinkedHashMap<>()));
                        next.add(n);
                    }
                    if (level.size() % 2 == 1) {
                        next.add(level.get(level.size() - 1));
                    }
                    level = next;
                }
                return null;
            }
            default -> {
                // every branch an output (Keras: a multi-head model)
                return new ArrayList<>(branches);
            }
        }
    }

    /** A long chain of cheap layers, mostly without "inputs", with a skip connection now and then. */
    private List<String> chain(List<Layer> layers, String in, int[] shape) {
        boolean image = shape.length == 3;
        int n = pick(1, once(2) ? MAX_CHAIN : 32);
        for (int i = 0; i < n; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            String name = once(8) && !keras ? null : "n" + i;
            if (i >= 2 && once(8)) {
                int back = pick(2, Math.min(i, 16));
                layers.add(new Layer("add", name, List.of(nameOf(layers, i - 1, in), nameOf(layers, i - back, in)), p));
                continue;
            }
            String type;
            switch (image ? pick(0, 3) : 0) {
                case 1 -> {
                    type = "max_pooling2d";
                    p.put("pool_size", 1);
                }
                case 2 -> {
                    type = "depthwise_conv2d";
                    p.put("kernel_size", 1);
                }
                case 3 -> {
                    type = "dropout";
                    p.put("rate", 0.25);
                }
                default -> {
                    type = "activation";
                    p.put("activation", pick(ACTIVATIONS.subList(0, 6)));
                }
            }
            List<String> inputs = once(4) ? List.of(nameOf(layers, i - 1, in)) : null;
            layers.add(mutate(new Layer(type, name, inputs, p), layers, in, i));
        }
        return null;
    }

    /** Valid outputs stay, or become unknown, repeated, empty or the input. */
    private List<String> mutateOutputs(List<String> outputs, List<Layer> layers, String in) {
        if (!once(8)) {
            return outputs;
        }
        List<String> o = outputs == null ? new ArrayList<>() : new ArrayList<>(outputs);
        switch (pick(0, 4)) {
            case 0 -> o.add("no_such_node");
            case 1 -> o.add(o.isEmpty() ? nameOf(layers, layers.size() - 1, in) : o.get(0)); // repeated
            case 2 -> o.add(in);
            case 3 -> o.clear(); // "outputs": []
            default -> o.add(nameOf(layers, pick(0, Math.max(0, layers.size() - 1)), in) + "_");
        }
        return o;
    }

    // ---- writing ----

    static String cnnkitJson(Graph g) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "fuzz");
        root.put("input_shape", dims(g.inputShape()));
        if (g.inputName() != null) {
            root.put("input_name", g.inputName());
        }
        root.put("seed", 7);
        if (g.outputs() != null) {
            root.put("outputs", g.outputs());
        }
        List<Object> layers = new ArrayList<>();
        for (Layer l : g.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", l.type());
            if (l.name() != null) {
                m.put("name", l.name());
            }
            if (l.inputs() != null) {
                m.put("inputs", l.inputs());
            }
            m.putAll(l.params());
            layers.add(m);
        }
        root.put("layers", layers);
        return Json.write(root);
    }

    private static List<Object> dims(int[] shape) {
        List<Object> out = new ArrayList<>();
        for (int s : shape) {
            out.add(s == -1 ? null : s);
        }
        return out;
    }

    /**
     * A Keras Functional model.to_json(). Quirks (Keras files cnnkit must refuse or read):
     * 1 no InputLayer, 2 a second InputLayer, 3 a layer applied twice, 4 node index 1,
     * 5 tensor index 1, 6 no inbound_nodes, 7 input_layers naming two inputs, 8 Keras 3
     * input_layers as one flat triple, 9 "Model" as the class with a Keras 1 inbound node.
     */
    static String kerasJson(Graph g) {
        boolean k3 = g.format() == 3;
        int q = g.kerasQuirk();
        String in = g.input();
        List<Object> layers = new ArrayList<>();
        if (q != 1) {
            layers.add(inputLayer(in, g.inputShape(), k3));
        }
        if (q == 2) {
            layers.add(inputLayer(in + "_2", g.inputShape(), k3));
        }
        String prev = in;
        for (int i = 0; i < g.layers().size(); i++) {
            Layer l = g.layers().get(i);
            String cls = KERAS_CLASS.getOrDefault(l.type(), "Unknown");
            Map<String, Object> config = new LinkedHashMap<>();
            if (l.name() != null) {
                config.put("name", l.name());
            }
            config.put("trainable", true);
            config.put("dtype", "float32");
            l.params().forEach((k, v) -> config.put(k, kerasValue(k, v)));
            if (l.type().equals("no_such_layer")) {
                config.put("layers", List.of()); // looks like a nested model
            }
            Map<String, Object> m = new LinkedHashMap<>();
            if (k3) {
                m.put("module", "keras.layers");
            }
            m.put("class_name", cls);
            m.put("config", config);
            if (k3) {
                m.put("registered_name", null);
            }
            if (l.name() != null) {
                m.put("name", l.name());
            }
            List<String> from = l.inputs() != null ? l.inputs() : List.of(prev);
            int node = q == 4 && i == 0 ? 1 : 0;
            int tensor = q == 5 && i == g.layers().size() - 1 ? 1 : 0;
            Object inbound = k3 ? keras3Node(from, node, tensor, MERGES.contains(l.type()))
                    : keras2Node(from, node, tensor);
            if (q == 6 && i == g.layers().size() / 2) {
                // no inbound_nodes at all
            } else if (q == 3 && i == 0) {
                m.put("inbound_nodes", List.of(inbound, inbound));
            } else if (q == 9) {
                m.put("inbound_nodes", List.of(keras1Node(from)));
            } else {
                m.put("inbound_nodes", List.of(inbound));
            }
            layers.add(m);
            prev = l.name() != null ? l.name() : l.type();
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", "fuzz");
        config.put("trainable", true);
        config.put("layers", layers);
        if (q == 7) {
            config.put("input_layers", List.of(List.of(in, 0, 0), List.of(in + "_2", 0, 0)));
        } else if (q == 8) {
            config.put("input_layers", List.of(in, 0, 0));
        } else {
            config.put("input_layers", List.of(List.of(in, 0, 0)));
        }
        List<Object> outs = new ArrayList<>();
        List<String> names = g.outputs() != null ? g.outputs() : List.of(prev);
        for (String o : names) {
            outs.add(List.of(o, 0, 0));
        }
        config.put("output_layers", k3 && outs.size() == 1 && q == 8 ? outs.get(0) : outs);
        Map<String, Object> root = new LinkedHashMap<>();
        if (k3) {
            root.put("module", "keras.src.models.functional");
        }
        root.put("class_name", q == 9 ? "Model" : "Functional");
        root.put("config", config);
        root.put("keras_version", k3 ? "3.6.0" : "2.15.0");
        root.put("backend", "tensorflow");
        return Json.write(root);
    }

    private static Map<String, Object> inputLayer(String name, int[] shape, boolean k3) {
        List<Object> batch = new ArrayList<>();
        batch.add(null);
        batch.addAll(dims(shape));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(k3 ? "batch_shape" : "batch_input_shape", batch);
        c.put("dtype", "float32");
        c.put("sparse", false);
        c.put("name", name);
        Map<String, Object> m = new LinkedHashMap<>();
        if (k3) {
            m.put("module", "keras.layers");
        }
        m.put("class_name", "InputLayer");
        m.put("config", c);
        m.put("name", name);
        m.put("inbound_nodes", List.of());
        return m;
    }

    /** Keras 2: [["a", 0, 0, {}], ["b", 0, 0, {}]]. */
    private static Object keras2Node(List<String> from, int node, int tensor) {
        List<Object> out = new ArrayList<>();
        for (String f : from) {
            out.add(List.of(f, node, tensor, Map.of()));
        }
        return out;
    }

    /** Keras 1: [["a", 0, 0]]. */
    private static Object keras1Node(List<String> from) {
        List<Object> out = new ArrayList<>();
        for (String f : from) {
            out.add(List.of(f, 0, 0));
        }
        return out;
    }

    /** Keras 3: {"args": [tensor] or [[tensor, tensor]], "kwargs": {}}. */
    private static Object keras3Node(List<String> from, int node, int tensor, boolean merge) {
        List<Object> tensors = new ArrayList<>();
        for (String f : from) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("shape", null);
            c.put("dtype", "float32");
            c.put("keras_history", List.of(f, node, tensor));
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("class_name", "__keras_tensor__");
            t.put("config", c);
            tensors.add(t);
        }
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("args", merge || tensors.size() != 1 ? List.of(tensors) : tensors);
        n.put("kwargs", merge ? Map.of() : Map.of("training", false));
        return n;
    }

    /** Keras writes sizes as pairs and the zero padding as ((top, bottom), (left, right)). */
    private static Object kerasValue(String key, Object v) {
        if (!(v instanceof Integer i)) {
            return v;
        }
        return switch (key) {
            case "kernel_size", "strides", "pool_size", "dilation_rate" -> List.of(i, i);
            case "padding" -> List.of(List.of(i, i), List.of(i, i));
            default -> v;
        };
    }

    // ---- running ----

    /**
     * Runs a built model on a small input (when it is small) and checks what every run must
     * give: a trace with one stage per node, the input first, unique names, each stage after
     * the ones it reads and of the shape the build inferred; predictAll's outputs exactly
     * outputNames() in order, each bit for bit its trace stage (whatever the thread counts) or,
     * when the optimised plan folded a BatchNormalization, close to it, and bit for bit the same
     * at two thread counts;
     * predict equal to the only output, or refused when there are several. A ModelException
     * (with a message) is allowed from the run itself.
     *
     * @param concrete per-sample input dims to use for open ones (null: run only fully known inputs)
     */
    static boolean checkRun(Model m, Random r, int[] concrete, int batch, int threadsA, int threadsB,
            boolean specialValues) {
        List<String> outs = m.outputNames();
        if (outs.isEmpty() || new HashSet<>(outs).size() != outs.size()) {
            throw new AssertionError("outputNames() " + outs + " is empty or repeats a name");
        }
        Shape in = m.inputShape();
        int[] dims = in.dims().clone();
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == Shape.UNKNOWN && concrete != null) {
                dims[i] = Math.max(1, concrete[Math.min(i, concrete.length - 1)]);
            }
            if (dims[i] <= 0) {
                return false;
            }
            n *= dims[i];
            if (n > RUN_MAX_INPUT) {
                return false;
            }
        }
        long params = 0;
        for (LayerInfo l : m.layers()) {
            params += l.parameters();
            if (stageTooLarge(l.outputShape())) {
                return false;
            }
        }
        if (params > RUN_MAX_PARAMS) {
            return false;
        }
        int[] shape = new int[dims.length + 1];
        shape[0] = batch;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        float[] data = new float[(int) n * batch];
        for (int i = 0; i < data.length; i++) {
            data[i] = specialValues && r.nextInt(8) == 0
                    ? new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 1e30f,
                        Float.MIN_VALUE}[r.nextInt(6)]
                    : (float) r.nextGaussian();
        }
        Tensor x = Tensor.wrap(data, shape);
        float[] before = data.clone();
        List<Stage> trace;
        try {
            trace = m.trace(x, RunOptions.DEFAULT.withThreads(threadsA));
        } catch (ModelException e) {
            FuzzTargets.expected(e);
            return false;
        }
        checkTrace(m, trace, batch);
        Map<String, Tensor> all;
        try {
            all = m.predictAll(x, RunOptions.DEFAULT.withThreads(threadsB));
        } catch (ModelException e) {
            throw new AssertionError("trace ran but predictAll (a subset of its nodes) failed: " + e.getMessage(), e);
        }
        if (!List.copyOf(all.keySet()).equals(outs)) {
            throw new AssertionError("predictAll returned " + all.keySet() + " but outputNames() is " + outs);
        }
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Stage s : trace) {
            byName.put(s.name(), s.output());
        }
        // predict runs the optimised plan: bit for bit the trace unless a BatchNormalization was
        // folded into weights (that rounds differently), and bit for bit itself at any thread count.
        boolean folded = !m.optimisation().folded().isEmpty();
        for (String o : outs) {
            if (folded) {
                close(o, all.get(o), byName.get(o), specialValues);
            } else {
                same(o, "predictAll", all.get(o), "trace", byName.get(o));
            }
        }
        if (outs.size() > 1) {
            Map<String, Tensor> again = m.predictAll(x, RunOptions.DEFAULT.withThreads(threadsA));
            for (String o : outs) {
                same(o, "predictAll (threads " + threadsA + ")", again.get(o), "predictAll (threads " + threadsB + ")",
                        all.get(o));
            }
        }
        if (outs.size() == 1) {
            same(outs.get(0), "predict", m.predict(x, RunOptions.DEFAULT.withThreads(threadsA)), "predictAll",
                    all.get(outs.get(0)));
        } else {
            try {
                m.predict(x);
                throw new AssertionError("predict ran a model with " + outs.size() + " outputs " + outs);
            } catch (ModelException e) {
                FuzzTargets.expected(e);
            }
        }
        if (!Arrays.equals(before, data)) {
            throw new AssertionError("a run changed its input tensor");
        }
        return true;
    }

    private static boolean stageTooLarge(Shape s) {
        long n = 1;
        for (int d : s.dims()) {
            n *= Math.max(1, d == Shape.UNKNOWN ? 8 : d);
            if (n > RUN_MAX_STAGE) {
                return true;
            }
        }
        return false;
    }

    private static void checkTrace(Model m, List<Stage> trace, int batch) {
        List<LayerInfo> layers = m.layers();
        if (trace.size() != 1 + layers.size() || trace.size() != 1 + m.description().layers().size()) {
            throw new AssertionError("trace has " + trace.size() + " stages for " + layers.size() + " layers ("
                    + m.description().layers().size() + " in the description)");
        }
        Map<String, LayerInfo> info = new LinkedHashMap<>();
        for (LayerInfo l : layers) {
            info.put(l.name(), l);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < trace.size(); i++) {
            Stage s = trace.get(i);
            if (s.index() != i) {
                throw new AssertionError("stage " + i + " '" + s.name() + "' has index " + s.index());
            }
            for (String r : s.inputs()) {
                if (!seen.contains(r)) {
                    throw new AssertionError("stage " + i + " '" + s.name() + "' reads '" + r
                            + "', which is not an earlier stage: " + names(trace));
                }
            }
            if (!seen.add(s.name())) {
                throw new AssertionError("stage name '" + s.name() + "' repeats: " + names(trace));
            }
            if (s.output() == null || s.output().rank() == 0 || s.output().dim(0) != batch) {
                throw new AssertionError("stage '" + s.name() + "' output " + s.output() + " lost the batch of "
                        + batch);
            }
            if (i == 0) {
                if (!s.name().equals(m.description().inputName())) {
                    throw new AssertionError("stage 0 is '" + s.name() + "', not the input '"
                            + m.description().inputName() + "'");
                }
                continue;
            }
            LayerInfo l = info.get(s.name());
            if (l == null) {
                throw new AssertionError("stage '" + s.name() + "' is not a layer of the model: " + info.keySet());
            }
            if (!l.outputShape().accepts(Shape.ofSample(s.output()))) {
                throw new AssertionError("stage '" + s.name() + "' (" + l.type() + ") came out "
                        + Arrays.toString(s.output().shape()) + " but the build inferred " + l.outputShape());
            }
        }
    }

    private static List<String> names(List<Stage> trace) {
        return trace.stream().map(Stage::name).toList();
    }

    /**
     * Optimised predict against trace where a fold changed the rounding: equal shapes; values equal,
     * both NaN, or both finite within 1e-4 relative plus 1e-4 of the output's largest finite |value|
     * (a fuzzed graph may subtract nearly equal branches). With hostile inputs (NaN, infinities,
     * 1e30) a value at the edge of overflow may be finite on one side only: tolerated there.
     */
    private static void close(String node, Tensor predicted, Tensor traced, boolean specialValues) {
        if (predicted == null || traced == null || !Arrays.equals(predicted.shape(), traced.shape())) {
            same(node, "predictAll", predicted, "trace", traced); // says what differs
            return;
        }
        float[] a = predicted.toArray();
        float[] e = traced.toArray();
        double scale = 0;
        for (float v : e) {
            if (Float.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] == e[i] || (Float.isNaN(a[i]) && Float.isNaN(e[i]))) {
                continue;
            }
            boolean finite = Float.isFinite(a[i]) && Float.isFinite(e[i]);
            if (finite ? Math.abs((double) a[i] - e[i]) <= 1e-4 * Math.abs(e[i]) + 1e-4 * scale : specialValues) {
                continue;
            }
            throw new AssertionError("output '" + node + "' element " + i + ": optimised predictAll " + a[i]
                    + ", trace " + e[i] + " (BatchNormalization folded; beyond 1e-4 relative + 1e-4 x max|trace| "
                    + (float) scale + ")");
        }
    }

    private static void same(String node, String whatA, Tensor a, String whatB, Tensor b) {
        if (a == null || b == null) {
            throw new AssertionError("output '" + node + "': " + whatA + " " + a + ", " + whatB + " " + b);
        }
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new AssertionError("output '" + node + "': " + whatA + " shape " + Arrays.toString(a.shape()) + ", "
                    + whatB + " " + Arrays.toString(b.shape()));
        }
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToIntBits(x[i]) != Float.floatToIntBits(y[i])) {
                throw new AssertionError("output '" + node + "' element " + i + ": " + whatA + " " + x[i] + ", "
                        + whatB + " " + y[i] + " (not bit for bit equal)");
            }
        }
    }

    /**
     * What became of a description: refused (with the ModelException's message), built, or built and run.
     */
    record Outcome(boolean built, boolean ran, String refusal) {
    }

    /**
     * Parses and builds the text and, when that works, runs it ({@link #checkRun}).
     */
    static Outcome parseBuildRun(StandaloneEngine engine, String text, Random r, int[] concrete, int batch,
            int threadsA, int threadsB, boolean special) {
        Model m;
        try {
            m = engine.build(engine.parse(text));
        } catch (ModelException e) {
            FuzzTargets.expected(e);
            return new Outcome(false, false, e.getMessage());
        }
        try {
            return new Outcome(true, checkRun(m, r, concrete, batch, threadsA, threadsB, special), null);
        } finally {
            m.close();
        }
    }

    /** A minimal JSON writer (strings escaped the way JSON requires; no dependency on a JSON library). */
    static final class Json {
        private Json() {
        }

        static String write(Object v) {
            StringBuilder b = new StringBuilder();
            write(b, v);
            return b.toString();
        }

        private static void write(StringBuilder b, Object v) {
            if (v == null) {
                b.append("null");
            } else if (v instanceof String s) {
                b.append('"');
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    switch (c) {
                        case '"' -> b.append("\\\"");
                        case '\\' -> b.append("\\\\");
                        case '\n' -> b.append("\\n");
                        case '\r' -> b.append("\\r");
                        case '\t' -> b.append("\\t");
                        default -> {
                            if (c < 0x20) {
                                b.append(String.format("\\u%04x", (int) c));
                            } else {
                                b.append(c);
                            }
                        }
                    }
                }
                b.append('"');
            } else if (v instanceof Map<?, ?> m) {
                b.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) {
                        b.append(", ");
                    }
                    first = false;
                    write(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue());
                }
                b.append('}');
            } else if (v instanceof List<?> l) {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    write(b, l.get(i));
                }
                b.append(']');
            } else {
                b.append(v); // numbers, booleans
            }
        }
    }
}
