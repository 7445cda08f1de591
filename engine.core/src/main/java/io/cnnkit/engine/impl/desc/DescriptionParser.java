package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;

/**
 * Parses the three description forms. Detection: text starting with '{' is JSON (Keras
 * when it has "class_name" or "model_config", cnnkit otherwise); anything else is the
 * one-line form.
 */
public final class DescriptionParser {
    private static final Set<String> TOP_KEYS = Set.of("name", "input_shape", "input_name", "seed", "layers",
            "outputs");

    private final ProviderLookup lookup;

    public DescriptionParser(ProviderLookup lookup) {
        this.lookup = lookup;
    }

    public ModelDescription parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ModelException("empty model description: give cnnkit JSON ({\"layers\": [...]}), a Keras "
                    + "model.to_json(), or the one-line form (conv2d(3, 3) | max_pooling2d(2) | relu)");
        }
        String t = text.strip();
        ModelDescription d;
        if (t.startsWith("{")) {
            JsonNode root = readJson(t);
            if (root.has("class_name") || root.has("model_config")) {
                d = new KerasJsonParser(lookup).parse(root);
            } else {
                d = parseCnnkit(root);
            }
        } else {
            d = new OneLineParser(lookup, t).parse();
        }
        checkUniqueNames(d);
        return d;
    }

    /**
     * The JSON value of {@code t} ({@link JsonReader}: strict, duplicate keys refused), or a
     * ModelException naming the line and column of what is wrong.
     */
    static JsonNode readJson(String t) {
        try {
            return JsonReader.read(t);
        } catch (JsonReader.Malformed e) {
            throw new ModelException("malformed JSON model description at line " + e.line + ", column " + e.column
                    + ": " + e.getMessage());
        }
    }

    /** Explicit layer names must be unique (defaults are chosen later around them). */
    static void checkUniqueNames(ModelDescription d) {
        Map<String, Integer> seen = new HashMap<>();
        for (LayerSpec s : d.layers()) {
            if (s.name() == null) {
                continue;
            }
            if (s.name().isBlank()) {
                throw s.error("name must not be blank");
            }
            Integer first = seen.putIfAbsent(s.name(), s.position());
            if (first != null) {
                throw s.error("name '" + s.name() + "' is already used by layer " + first
                        + "; layer names must be unique in a model");
            }
        }
    }

    ModelDescription parseCnnkit(JsonNode root) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!TOP_KEYS.contains(k)) {
                throw new ModelException("cnnkit JSON: unknown top-level field \"" + k
                        + "\"; a model has name, input_shape, input_name, seed, layers and outputs");
            }
        }
        String name = root.has("name") ? text(root.get("name"), "name") : "model";
        if (name.isBlank()) {
            throw new ModelException("cnnkit JSON: \"name\" must not be blank");
        }
        Shape input = root.has("input_shape") ? shape(root.get("input_shape"), "input_shape", false)
                : ModelDescription.DEFAULT_INPUT;
        long seed = 0L;
        if (root.has("seed")) {
            JsonNode s = root.get("seed");
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw new ModelException("model '" + name + "': \"seed\" must be an integer, got " + s);
            }
            seed = s.asLong();
        }
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw new ModelException("model '" + name + "': \"layers\" must be a JSON array of layers, got "
                    + (layers == null ? "nothing" : layers.toString()));
        }
        List<LayerSpec> specs = new ArrayList<>();
        int pos = 0;
        for (JsonNode l : layers) {
            pos++;
            if (!l.isObject()) {
                throw new ModelException("model '" + name + "' layer " + pos
                        + ": must be a JSON object with \"type\", got " + l);
            }
            JsonNode type = l.get("type");
            if (type == null || !type.isTextual() || type.asText().isBlank()) {
                throw new ModelException("model '" + name + "' layer " + pos
                        + ": field \"type\" is required and must be a layer type name such as \"conv2d\""
                        + (type == null ? "" : ", got " + type)
                        + (lookup.layerTypes().isEmpty() ? "" : " (present: " + String.join(", ", lookup.layerTypes()) + ")"));
            }
            String layerName = null;
            List<String> inputs = List.of();
            Map<String, Object> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext();) {
                var f = it.next();
                switch (f.getKey()) {
                    case "type" -> { }
                    case "name" -> {
                        JsonNode n = f.getValue();
                        if (!n.isNull() && !n.isTextual()) {
                            throw new ModelException("model '" + name + "' layer " + pos + " (" + type.asText()
                                    + "): field \"name\" must be a string, got " + n);
                        }
                        layerName = n.isNull() ? null : n.asText();
                    }
                    case "inputs" -> inputs = names(f.getValue(), "model '" + name + "' layer " + pos + " ("
                            + type.asText() + "): field \"inputs\"");
                    default -> params.put(f.getKey(), value(f.getValue()));
                }
            }
            specs.add(new LayerSpec(pos, type.asText(), layerName, params, inputs));
        }
        String inputName = ModelDescription.DEFAULT_INPUT_NAME;
        if (root.has("input_name")) {
            inputName = text(root.get("input_name"), "input_name");
            if (inputName.isBlank()) {
                throw new ModelException("model '" + name + "': \"input_name\" must not be blank");
            }
        }
        List<String> outputs = root.has("outputs") ? names(root.get("outputs"), "model '" + name
                + "': field \"outputs\"") : List.of();
        return new ModelDescription(name, input, specs, seed, inputName, outputs);
    }

    /** A list of node names (a single name is a list of one). */
    static List<String> names(JsonNode n, String what) {
        if (n.isTextual() && !n.asText().isBlank()) {
            return List.of(n.asText());
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new ModelException(what + " must be a list of node names such as [\"conv2d\", \"input\"], got " + n);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw new ModelException(what + " must hold node names (strings), got " + e + " in " + n);
            }
            out.add(e.asText());
        }
        return out;
    }

    static String text(JsonNode n, String what) {
        if (!n.isTextual()) {
            throw new ModelException("\"" + what + "\" must be a string, got " + n);
        }
        return n.asText();
    }

    /**
     * [null, null, 3] -> (None, None, 3); sizes must be positive. With {@code batch}, the
     * first entry is Keras's batch axis and is dropped.
     */
    static Shape shape(JsonNode n, String what, boolean batch) {
        String example = batch ? "[null, null, null, 3]" : "[null, null, 3]";
        if (!n.isArray() || n.size() < (batch ? 2 : 1)) {
            throw new ModelException("\"" + what + "\" must be a list such as " + example + ", got " + n);
        }
        int skip = batch ? 1 : 0;
        int[] dims = new int[n.size() - skip];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = n.get(i + skip);
            if (d.isNull()) {
                dims[i] = Shape.UNKNOWN;
            } else if (d.isIntegralNumber() && d.canConvertToInt() && d.asInt() > 0) {
                dims[i] = d.asInt();
            } else {
                throw new ModelException("\"" + what + "\" must hold positive integers or null (an open size), got "
                        + d + " in " + n);
            }
        }
        return Shape.of(dims);
    }

    /** JSON to plain Java values: Long/Double, String, Boolean, List, Map, null. */
    static Object value(JsonNode n) {
        if (n == null) {
            return null;
        }
        switch (n.kind()) {
            case NULL:
                return null;
            case NUMBER:
                return n.isIntegralNumber() && n.canConvertToLong() ? (Object) n.asLong() : (Object) n.asDouble();
            case STRING:
                return n.asText();
            case BOOLEAN:
                return n.asBoolean();
            case ARRAY: {
                List<Object> l = new ArrayList<>(n.size());
                for (JsonNode x : n) {
                    l.add(value(x));
                }
                return l;
            }
            default: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                    var e = it.next();
                    m.put(e.getKey(), value(e.getValue()));
                }
                return m;
            }
        }
    }
}
