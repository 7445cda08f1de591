package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
    /**
     * JSON is read with Jackson's streaming parser into its tree nodes, without an ObjectMapper:
     * building one loads some 300 classes and the JDK's calendar and locale data, a tenth of a
     * second of every one-shot command that reads a model. A duplicate key is an error. Made on
     * first use: a one-line description needs no Jackson (some 10 ms of `./cnnkit summary`).
     */
    private static final class Json {
        static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

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

    static JsonNode readJson(String t) {
        try (JsonParser p = Json.FACTORY.createParser(t)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ModelException("malformed JSON model description: no value");
            }
            JsonNode root = value(p, first);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                var loc = p.currentTokenLocation();
                throw new ModelException("malformed JSON model description at line " + loc.getLineNr() + ", column "
                        + loc.getColumnNr() + ": trailing " + extra.asString() + " after the description's value");
            }
            return root;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ModelException("malformed JSON model description" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String: not expected
        }
    }

    /** The tree of the value starting at {@code t}, with the node types ObjectMapper.readTree gives. */
    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> f.numberNode(p.getIntValue());
                    case LONG -> f.numberNode(p.getLongValue());
                    default -> f.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new IllegalStateException("unexpected JSON token " + t); // the parser checks the syntax
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
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.asLong() : (Object) n.asDouble();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(value(x)));
            return l;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), value(e.getValue())));
        return m;
    }
}
