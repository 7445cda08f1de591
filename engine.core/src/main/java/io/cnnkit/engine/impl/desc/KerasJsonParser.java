package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;

/**
 * Reads a Keras {@code model.to_json()} (Keras 1, 2 and 3): a Sequential model, or a
 * Functional model whose graph is a single chain. Each Keras layer goes to the provider
 * that lists its class ({@link ProviderLookup#byKerasClass}); the provider translates the
 * config ({@link LayerProvider#fromKeras}). No Keras layer class is known here except the
 * structural InputLayer.
 */
final class KerasJsonParser {
    private static final String INPUT_LAYER = "InputLayer";
    private static final String CHANNELS_FIRST = "Theano/channels_first ordering is not supported; "
            + "cnnkit is channels_last";

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
        List<JsonNode> chain = isFunctional(config, layers) ? chain(name, config, layers) : list(layers);

        // Refuse channels_first before looking up classes: its message is the useful one.
        int pos = 0;
        for (JsonNode l : chain) {
            pos++;
            JsonNode c = l.get("config");
            if (c != null && c.isObject()) {
                String df = textOrNull(c.get("data_format"));
                String dim = textOrNull(c.get("dim_ordering"));
                if ("channels_first".equals(df) || "th".equals(dim)) {
                    throw new ModelException("Keras model '" + name + "' layer " + pos + " '" + layerName(l) + "' ("
                            + className(l, pos, name) + ") uses " + ("th".equals(dim) ? "dim_ordering \"th\""
                                    : "data_format \"channels_first\"") + ": " + CHANNELS_FIRST);
                }
            }
        }

        Shape input = null;
        List<LayerSpec> specs = new ArrayList<>();
        pos = 0;
        for (JsonNode l : chain) {
            pos++;
            String cls = className(l, pos, name);
            JsonNode c = l.get("config");
            if (c != null && !c.isObject()) {
                throw new ModelException("Keras model '" + name + "' layer " + pos + " (" + cls
                        + "): \"config\" must be an object, got " + abbreviate(c));
            }
            if (INPUT_LAYER.equals(cls)) {
                if (!specs.isEmpty()) {
                    throw new ModelException("Keras model '" + name + "': InputLayer '" + layerName(l)
                            + "' after other layers; cnnkit runs chains with one input");
                }
                input = batchShape(c, name, layerName(l));
                if (input == null) {
                    throw new ModelException("Keras model '" + name + "': InputLayer '" + layerName(l)
                            + "' has neither batch_input_shape (Keras 2) nor batch_shape (Keras 3)");
                }
                continue;
            }
            if (input == null && specs.isEmpty()) {
                input = batchShape(c, name, layerName(l));
                if (input == null && c != null && c.get("build_config") != null) {
                    input = buildShape(c.get("build_config"), name);
                }
                if (input == null && l.get("build_config") != null) {
                    input = buildShape(l.get("build_config"), name);
                }
            }
            specs.add(layer(name, pos, specs.size() + 1, cls, l, c));
        }
        if (input == null && config.isObject() && config.get("build_input_shape") != null) {
            input = DescriptionParser.shape(config.get("build_input_shape"), "build_input_shape", true);
        }
        if (input == null) {
            // Keras builds such a model on its first call; cnnkit uses its usual open RGB input.
            input = ModelDescription.DEFAULT_INPUT;
        }
        return new ModelDescription(name, input, specs, 0L);
    }

    private LayerSpec layer(String model, int kerasPos, int pos, String cls, JsonNode l, JsonNode c) {
        String layerName = layerName(l);
        String where = "Keras model '" + model + "' layer " + kerasPos + (layerName == null ? "" : " '" + layerName + "'")
                + " (" + cls + ")";
        LayerProvider p = lookup.byKerasClass(cls);
        if (p == null && c != null && c.get("layers") != null && c.get("layers").isArray()) {
            throw new ModelException(where + " is a nested model; cnnkit reads flat chains (save the inner model's "
                    + "layers in the outer Sequential, or parse the inner model on its own)");
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
            c.fields().forEachRemaining(e -> config.put(e.getKey(), DescriptionParser.value(e.getValue())));
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
        layers.forEach(out::add);
        return out;
    }

    /** Orders a Functional model's layers as a chain, or refuses a graph with branches. */
    private static List<JsonNode> chain(String model, JsonNode config, JsonNode layers) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        Map<String, List<String>> consumers = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        int pos = 0;
        for (JsonNode l : layers) {
            pos++;
            String n = layerName(l);
            if (n == null) {
                throw new ModelException("Keras model '" + model + "' layer " + pos + ": a Functional model's layer "
                        + "needs a name (its inbound_nodes refer to layers by name)");
            }
            byName.put(n, l);
            consumers.putIfAbsent(n, new ArrayList<>());
        }
        for (var e : byName.entrySet()) {
            JsonNode nodes = e.getValue().get("inbound_nodes");
            if (nodes == null || !nodes.isArray() || nodes.isEmpty()) {
                continue;
            }
            if (nodes.size() > 1) {
                throw branches(model, "layer '" + e.getKey() + "' is called " + nodes.size() + " times");
            }
            Set<String> from = new LinkedHashSet<>();
            List<String> all = new ArrayList<>();
            collectSources(nodes.get(0), all);
            from.addAll(all);
            if (all.size() > 1) {
                throw branches(model, "layer '" + e.getKey() + "' merges '" + String.join("' and '", all) + "'");
            }
            for (String f : from) {
                if (!byName.containsKey(f)) {
                    throw new ModelException("Keras model '" + model + "': layer '" + e.getKey()
                            + "' takes its input from '" + f + "', which is not in the model");
                }
                source.put(e.getKey(), f);
                consumers.get(f).add(e.getKey());
            }
        }
        for (var e : consumers.entrySet()) {
            if (e.getValue().size() > 1) {
                throw branches(model, "layer '" + e.getKey() + "' feeds '" + String.join("' and '", e.getValue()) + "'");
            }
        }
        List<String> outputs = endpoints(config.get("output_layers"));
        if (outputs.size() > 1) {
            throw branches(model, "it has " + outputs.size() + " outputs '" + String.join("' and '", outputs) + "'");
        }
        List<String> inputs = endpoints(config.get("input_layers"));
        if (inputs.size() > 1) {
            throw branches(model, "it has " + inputs.size() + " inputs '" + String.join("' and '", inputs) + "'");
        }
        List<String> starts = new ArrayList<>();
        for (String n : byName.keySet()) {
            if (!source.containsKey(n)) {
                starts.add(n);
            }
        }
        if (starts.size() != 1) {
            throw branches(model, "layers '" + String.join("', '", starts) + "' have no input");
        }
        List<JsonNode> out = new ArrayList<>();
        String cur = starts.get(0);
        while (cur != null) {
            out.add(byName.get(cur));
            List<String> next = consumers.get(cur);
            cur = next.isEmpty() ? null : next.get(0);
        }
        String last = layerName(out.get(out.size() - 1));
        if (!outputs.isEmpty() && !outputs.get(0).equals(last)) {
            throw new ModelException("Keras model '" + model + "': its output layer is '" + outputs.get(0)
                    + "' but the chain ends at '" + last + "'");
        }
        return out;
    }

    private static ModelException branches(String model, String why) {
        return new ModelException("model '" + model + "' is a graph with branches (" + why
                + "); cnnkit runs chains only for now");
    }

    /**
     * The layer names one inbound node reads from. Keras 1/2: {@code [["prev", 0, 0, {}], ...]};
     * Keras 3: {@code {"args": [...], "kwargs": {...}}} with tensors carrying {@code keras_history}.
     */
    private static void collectSources(JsonNode node, List<String> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            JsonNode h = node.get("keras_history");
            if (h != null && h.isArray() && !h.isEmpty() && h.get(0).isTextual()) {
                out.add(h.get(0).asText());
                return;
            }
            node.forEach(child -> collectSources(child, out));
            return;
        }
        if (node.isArray()) {
            // Keras 1/2 entry: ["name", node_index, tensor_index(, kwargs)]
            if (node.size() >= 3 && node.get(0).isTextual() && node.get(1).isIntegralNumber()
                    && node.get(2).isIntegralNumber()) {
                out.add(node.get(0).asText());
                if (node.size() > 3) {
                    collectSources(node.get(3), out);
                }
                return;
            }
            node.forEach(child -> collectSources(child, out));
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

    private static Shape batchShape(JsonNode c, String model, String layer) {
        if (c == null) {
            return null;
        }
        for (String key : new String[] {"batch_input_shape", "batch_shape"}) {
            JsonNode s = c.get(key);
            if (s != null && !s.isNull()) {
                try {
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
