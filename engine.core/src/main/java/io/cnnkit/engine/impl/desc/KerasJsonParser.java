package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;

/**
 * Reads a Keras {@code model.to_json()} (Keras 1, 2 and 3): a Sequential model, or a
 * Functional model (a graph: each layer's inputs from its inbound_nodes; one input, any outputs). Each Keras layer goes to the provider
 * that lists its class ({@link ProviderLookup#byKerasClass}); the provider translates the
 * config ({@link LayerProvider#fromKeras}). No Keras layer class is known here except the
 * structural InputLayer.
 */
final class KerasJsonParser {
    private static final String INPUT_LAYER = "InputLayer";

    /** Keras classes whose computation is Python code saved by reference, never a layer type. */
    private static final java.util.Set<String> PYTHON_CODE = java.util.Set.of("Lambda", "TFOpLambda",
            "SlicingOpLambda");

    private final ProviderLookup lookup;

    KerasJsonParser(ProviderLookup lookup) {
        this.lookup = lookup;
    }

    ModelDescription parse(JsonNode root) {
        // An HDF5 file's root attributes written out: {"model_config": {...} or "..."}.
        if (!root.has("class_name") && root.has("model_config")) {
            JsonNode mc = root.get("model_config");
            return parse(mc.isTextual() ? DescriptionParser.readJson(mc.asText()) : mc);
        }
        JsonNode cn = root.get("class_name");
        if (cn == null || !cn.isTextual()) {
            throw new ModelException("Keras model JSON: \"class_name\" must be a string such as \"Sequential\", got " + cn);
        }
        String modelClass = cn.asText();
        JsonNode config = root.get("config");
        JsonNode layers;
        String name = null;
        if (config != null && config.isArray()) {
            layers = config; // Keras 1 Sequential
        } else if (config != null && config.isObject() && config.get("layers") != null) {
            layers = config.get("layers");
            if (config.get("name") != null && config.get("name").isTextual()) {
                name = config.get("name").asText();
            }
        } else {
            throw new ModelException("Keras model '" + modelClass + "' has no layer list in its JSON (a subclassed "
                    + "model saves only its constructor arguments); cnnkit reads Sequential and Functional models");
        }
        if (!layers.isArray()) {
            throw new ModelException("Keras model JSON: \"config.layers\" must be a list of layers, got "
                    + abbreviate(layers));
        }
        if (name == null || name.isBlank()) {
            name = modelClass.toLowerCase(java.util.Locale.ROOT);
        }
        List<JsonNode> chain = list(layers);
        Graph graph = isFunctional(config, layers) ? graph(name, config, chain) : null;
        if (graph != null) {
            chain = topological(chain, graph);
        }

        // A channels_first model (Keras 2 data_format, Keras 1 Theano dim_ordering) runs converted to
        // channels_last; what cannot be converted is refused before looking up classes.
        ChannelsFirst cf = ChannelsFirst.of(name, chain);

        Shape input = null;
        List<LayerSpec> specs = new ArrayList<>();
        Map<String, Boolean> spatial = new LinkedHashMap<>(); // layer -> output still (N, C, H, W) in Keras
        boolean lastSpatial = true;
        int pos = 0;
        for (JsonNode l : chain) {
            pos++;
            String cls = className(l, pos, name);
            JsonNode c = l.get("config");
            if (c != null && !c.isObject()) {
                throw new ModelException("Keras model '" + name + "' layer " + pos + " (" + cls
                        + "): \"config\" must be an object, got " + abbreviate(c));
            }
            if (INPUT_LAYER.equals(cls)) {
                if (input != null || graph == null && !specs.isEmpty()) {
                    throw new ModelException("Keras model '" + name + "': InputLayer '" + layerName(l)
                            + "' is a second input; cnnkit runs models with one input");
                }
                input = batchShape(c, name, layerName(l), cf);
                if (input == null) {
                    throw new ModelException("Keras model '" + name + "': InputLayer '" + layerName(l)
                            + "' has neither batch_input_shape (Keras 2) nor batch_shape (Keras 3)");
                }
                continue;
            }
            if (input == null && specs.isEmpty()) {
                input = batchShape(c, name, layerName(l), cf);
                if (input == null && c != null && c.get("build_config") != null) {
                    input = buildShape(c.get("build_config"), name);
                }
                if (input == null && l.get("build_config") != null) {
                    input = buildShape(l.get("build_config"), name);
                }
            }
            LayerSpec spec = layer(name, pos, specs.size() + 1, cls, l, c, cf);
            List<String> inputs = graph == null || graph.chain ? List.of() : graph.inputs.get(layerName(l));
            boolean inputSpatial = inputs.isEmpty() ? lastSpatial : spatial.getOrDefault(inputs.get(0), true);
            lastSpatial = ChannelsFirst.spatialAfter(cls, inputSpatial);
            spatial.put(layerName(l), lastSpatial);
            if (cf != null && cf.needsChannelsFirstOrder(cls, inputSpatial)) {
                // Keras flattens (C, H, W): a permute first gives the same order from cnnkit's (H, W, C).
                LayerSpec permute = cf.permuteBefore(spec, lookup).withInputs(inputs);
                specs.add(permute);
                inputs = inputs.isEmpty() ? inputs : List.of(permute.name());
            }
            specs.add(spec.withInputs(inputs));
        }
        if (input == null && config.isObject() && config.get("build_input_shape") != null) {
            input = DescriptionParser.shape(config.get("build_input_shape"), "build_input_shape", true);
        }
        if (input == null) {
            // Keras builds such a model on its first call; cnnkit uses its usual open RGB input.
            input = ModelDescription.DEFAULT_INPUT;
        }
        List<String> notes = cf == null ? List.of() : List.of(cf.note(input));
        if (graph == null || graph.chain) {
            return new ModelDescription(name, input, specs, 0L, ModelDescription.DEFAULT_INPUT_NAME, List.of(), notes);
        }
        return new ModelDescription(name, input, specs, 0L, graph.inputName, graph.outputs, notes);
    }

    private LayerSpec layer(String model, int kerasPos, int pos, String cls, JsonNode l, JsonNode c,
            ChannelsFirst cf) {
        String layerName = layerName(l);
        String where = "Keras model '" + model + "' layer " + kerasPos + (layerName == null ? "" : " '" + layerName + "'")
                + " (" + cls + ")";
        LayerProvider p = lookup.byKerasClass(cls);
        if (p == null && c != null && c.get("layers") != null && c.get("layers").isArray()) {
            throw new ModelException(where + " is a nested model; cnnkit reads flat chains (save the inner model's "
                    + "layers in the outer Sequential, or parse the inner model on its own)");
        }
        if (p == null && PYTHON_CODE.contains(cls)) {
            throw new ModelException(where + " runs Python code (" + ("Lambda".equals(cls) ? "a Lambda's function"
                    : "a TensorFlow operation recorded as a layer") + "), which cannot run in Java; rebuild the model "
                    + "with Keras layers in its place");
        }
        if (p == null) {
            List<String> known = lookup.kerasClasses();
            throw new ModelException(where + ": no layer type present reads Keras class '" + cls + "'; "
                    + (known.isEmpty() ? "no layer provider is present"
                            : "the present providers read " + String.join(", ", known))
                    + " (install or start the bundle that provides it)");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        if (c != null) {
            for (var it = c.fields(); it.hasNext();) {
                var e = it.next();
                config.put(e.getKey(), DescriptionParser.value(e.getValue()));
            }
        }
        boolean theanoKernel = cf != null && cf.theanoKernel(cls, config);
        if (cf != null) {
            cf.toChannelsLast(cls, config);
        }
        Map<String, Object> params;
        try {
            params = p.fromKeras(cls, config); // a fresh map: the provider may edit it
        } catch (ModelException e) {
            throw new ModelException(where + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelException(where + ": layer type '" + p.type() + "' cannot read this config: " + e, e);
        }
        if (params == null) {
            throw new ModelException(where + ": layer type '" + p.type() + "' returned no parameters");
        }
        Map<String, Object> clean = new LinkedHashMap<>(params);
        clean.remove("name");
        clean.remove("type");
        if (theanoKernel) {
            clean.put(ChannelsFirst.KERNEL_ORDER, ChannelsFirst.THEANO);
        }
        return new LayerSpec(pos, p.type(), layerName, clean);
    }

    // ---- structure ----

    private static boolean isFunctional(JsonNode config, JsonNode layers) {
        if (config.isObject() && config.has("input_layers")) {
            return true;
        }
        for (JsonNode l : layers) {
            JsonNode in = l.get("inbound_nodes");
            if (in != null && in.isArray() && !in.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static List<JsonNode> list(JsonNode layers) {
        List<JsonNode> out = new ArrayList<>();
        // (loops, not lambdas: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        for (JsonNode l : layers) {
            out.add(l);
        }
        return out;
    }

    /**
     * A Functional model's structure: each layer's inputs by name, the input's name and the
     * outputs; {@code inputs} iterates in topological order; {@code chain} when it is a chain (then it is
     * read as one).
     */
    private record Graph(Map<String, List<String>> inputs, String inputName, List<String> outputs, boolean chain) {
    }

    /** Reads inbound_nodes, input_layers and output_layers (Keras 1, 2 and 3 forms). */
    private static Graph graph(String model, JsonNode config, List<JsonNode> layers) {
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        Map<String, String> classes = new LinkedHashMap<>();
        int pos = 0;
        for (JsonNode l : layers) {
            pos++;
            String n = layerName(l);
            if (n == null) {
                throw new ModelException("Keras model '" + model + "' layer " + pos + ": a Functional model's layer "
                        + "needs a name (its inbound_nodes refer to layers by name)");
            }
            classes.put(n, className(l, pos, model));
        }
        for (JsonNode l : layers) {
            String n = layerName(l);
            JsonNode nodes = l.get("inbound_nodes");
            if (nodes == null || !nodes.isArray() || nodes.isEmpty()) {
                if (!INPUT_LAYER.equals(classes.get(n))) {
                    inputs.put(n, List.of());
                }
                continue;
            }
            if (nodes.size() > 1) {
                throw new ModelException("Keras model '" + model + "': layer '" + n + "' (" + classes.get(n)
                        + ") is applied " + nodes.size() + " times (a shared layer); cnnkit runs each layer once: "
                        + "give each application its own layer");
            }
            List<String> from = new ArrayList<>();
            List<int[]> at = new ArrayList<>();
            collectSources(nodes.get(0), from, at);
            for (int i = 0; i < from.size(); i++) {
                String f = from.get(i);
                if (!classes.containsKey(f)) {
                    throw new ModelException("Keras model '" + model + "': layer '" + n
                            + "' takes its input from '" + f + "', which is not in the model");
                }
                if (at.get(i)[0] > 0) {
                    throw new ModelException("Keras model '" + model + "': layer '" + n + "' reads the "
                            + ordinal(at.get(i)[0]) + " application of shared layer '" + f + "'; cnnkit runs each "
                            + "layer once");
                }
                if (at.get(i)[1] > 0) {
                    throw new ModelException("Keras model '" + model + "': layer '" + n + "' reads output "
                            + at.get(i)[1] + " of layer '" + f + "' (" + classes.get(f) + "), which has one output");
                }
            }
            if (from.isEmpty()) {
                throw new ModelException("Keras model '" + model + "': layer '" + n + "' has an inbound node "
                        + "without inputs");
            }
            inputs.put(n, List.copyOf(from));
        }
        List<String> inputLayers = endpoints(config.get("input_layers"));
        if (inputLayers.isEmpty()) {
            for (var e : classes.entrySet()) {
                if (INPUT_LAYER.equals(e.getValue())) {
                    inputLayers.add(e.getKey());
                }
            }
        }
        if (inputLayers.size() > 1) {
            throw new ModelException("Keras model '" + model + "' has " + inputLayers.size() + " inputs ('"
                    + String.join("', '", inputLayers) + "'); cnnkit runs models with one input");
        }
        String inputName = inputLayers.isEmpty() ? ModelDescription.DEFAULT_INPUT_NAME : inputLayers.get(0);
        List<String> outputs = endpoints(config.get("output_layers"));
        for (String o : outputs) {
            if (!classes.containsKey(o)) {
                throw new ModelException("Keras model '" + model + "': output layer '" + o + "' is not in the model");
            }
        }
        for (var e : inputs.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new ModelException("Keras model '" + model + "': layer '" + e.getKey() + "' has no inbound "
                        + "node (it is never called in the model)");
            }
        }
        // A chain reads like a Sequential model (and keeps its summary).
        boolean chain = outputs.size() <= 1;
        String prev = inputName;
        inputs = topological(inputs, inputName);
        for (var e : inputs.entrySet()) {
            if (!e.getValue().equals(List.of(prev))) {
                chain = false;
                break;
            }
            prev = e.getKey();
        }
        if (chain && outputs.size() == 1 && !outputs.get(0).equals(prev)) {
            chain = false;
        }
        return new Graph(inputs, inputName, outputs, chain);
    }

    /** The layers in the graph's topological order ({@link Graph#inputs} keeps it), InputLayers first. */
    private static List<JsonNode> topological(List<JsonNode> layers, Graph graph) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode l : layers) {
            String n = layerName(l);
            if (graph.inputs.containsKey(n)) {
                byName.put(n, l);
            } else {
                out.add(l); // InputLayer
            }
        }
        for (String n : graph.inputs.keySet()) {
            out.add(byName.get(n));
        }
        return out;
    }

    /** Kahn's order of {@code inputs}' keys, earliest listed first; a cycle leaves the rest in list order (the engine names it). */
    private static Map<String, List<String>> topological(Map<String, List<String>> inputs, String inputName) {
        List<String> names = new ArrayList<>(inputs.keySet());
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        int[] pending = new int[names.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < names.size(); i++) {
            for (String in : inputs.get(names.get(i))) {
                Integer at = in.equals(inputName) ? null : index.get(in);
                if (at != null) {
                    pending[i]++;
                    consumers.get(at).add(i);
                }
            }
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.put(names.get(i), inputs.get(names.get(i)));
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
            out.putIfAbsent(e.getKey(), e.getValue());
        }
        return out;
    }

    private static String ordinal(int nodeIndex) {
        return switch (nodeIndex) {
            case 1 -> "second";
            case 2 -> "third";
            default -> (nodeIndex + 1) + "th";
        };
    }

    /**
     * The layers one inbound node reads from, with (node index, tensor index). Keras 1/2:
     * {@code [["prev", 0, 0, {}], ...]}; Keras 3: {@code {"args": [...], "kwargs": {...}}} with
     * tensors carrying {@code keras_history}.
     */
    private static void collectSources(JsonNode node, List<String> out, List<int[]> at) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            JsonNode h = node.get("keras_history");
            if (h != null && h.isArray() && !h.isEmpty() && h.get(0).isTextual()) {
                out.add(h.get(0).asText());
                at.add(new int[] {h.size() > 1 ? h.get(1).asInt() : 0, h.size() > 2 ? h.get(2).asInt() : 0});
                return;
            }
            for (JsonNode child : node) {
                collectSources(child, out, at);
            }
            return;
        }
        if (node.isArray()) {
            // Keras 1/2 entry: ["name", node_index, tensor_index(, kwargs)]
            if (node.size() >= 3 && node.get(0).isTextual() && node.get(1).isIntegralNumber()
                    && node.get(2).isIntegralNumber()) {
                out.add(node.get(0).asText());
                at.add(new int[] {node.get(1).asInt(), node.get(2).asInt()});
                if (node.size() > 3) {
                    collectSources(node.get(3), out, at);
                }
                return;
            }
            for (JsonNode child : node) {
                collectSources(child, out, at);
            }
        }
    }

    /** input_layers / output_layers: [["name", 0, 0], ...] (or one ["name", 0, 0] in some Keras 3 files). */
    private static List<String> endpoints(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || !n.isArray() || n.isEmpty()) {
            return out;
        }
        if (n.get(0).isTextual()) {
            out.add(n.get(0).asText());
            return out;
        }
        for (JsonNode e : n) {
            if (e.isArray() && !e.isEmpty() && e.get(0).isTextual()) {
                out.add(e.get(0).asText());
            }
        }
        return out;
    }

    // ---- small readers ----

    private static String className(JsonNode l, int pos, String model) {
        if (!l.isObject()) {
            throw new ModelException("Keras model '" + model + "' layer " + pos
                    + ": must be an object with class_name and config, got " + abbreviate(l));
        }
        JsonNode cn = l.get("class_name");
        if (cn == null || !cn.isTextual() || cn.asText().isBlank()) {
            throw new ModelException("Keras model '" + model + "' layer " + pos
                    + ": \"class_name\" is required (a Keras class such as \"Conv2D\")");
        }
        return cn.asText();
    }

    private static String layerName(JsonNode l) {
        JsonNode c = l.get("config");
        if (c != null && c.isObject() && c.get("name") != null && c.get("name").isTextual()) {
            return c.get("name").asText();
        }
        JsonNode n = l.get("name");
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static Shape batchShape(JsonNode c, String model, String layer, ChannelsFirst cf) {
        if (c == null) {
            return null;
        }
        for (String key : new String[] {"batch_input_shape", "batch_shape"}) {
            JsonNode s = c.get(key);
            if (s != null && !s.isNull()) {
                try {
                    if (cf != null) {
                        return cf.inputShape(s, key);
                    }
                    return DescriptionParser.shape(s, key, true);
                } catch (ModelException e) {
                    throw new ModelException("Keras model '" + model + "' layer '" + layer + "': " + e.getMessage());
                }
            }
        }
        return null;
    }

    private static Shape buildShape(JsonNode buildConfig, String model) {
        JsonNode s = buildConfig.get("input_shape");
        if (s == null || s.isNull()) {
            return null;
        }
        try {
            return DescriptionParser.shape(s, "build_config.input_shape", true);
        } catch (ModelException e) {
            throw new ModelException("Keras model '" + model + "': " + e.getMessage());
        }
    }

    private static String textOrNull(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static String abbreviate(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
