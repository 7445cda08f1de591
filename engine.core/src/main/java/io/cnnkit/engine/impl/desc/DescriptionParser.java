package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;

/**
 * Parses the three description forms. Detection: text starting with '{' is JSON (Keras
 * when it has "class_name", cnnkit otherwise); anything else is the one-line form.
 */
public final class DescriptionParser {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ProviderLookup lookup;

    public DescriptionParser(ProviderLookup lookup) {
        this.lookup = lookup;
    }

    public ModelDescription parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ModelException("empty model description");
        }
        String t = text.strip();
        if (t.startsWith("{")) {
            JsonNode root;
            try {
                root = JSON.readTree(t);
            } catch (JsonProcessingException e) {
                throw new ModelException("malformed JSON model description at line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
            }
            if (root.has("class_name")) {
                throw new ModelException("Keras model JSON is not supported yet");
            }
            return parseCnnkit(root);
        }
        throw new ModelException("the one-line form is not supported yet");
    }

    ModelDescription parseCnnkit(JsonNode root) {
        String name = root.has("name") ? text(root.get("name"), "name") : "model";
        Shape input = root.has("input_shape") ? shape(root.get("input_shape"), "input_shape")
                : ModelDescription.DEFAULT_INPUT;
        long seed = root.has("seed") ? root.get("seed").asLong() : 0L;
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw new ModelException("model '" + name + "': \"layers\" must be a JSON array of layers");
        }
        List<LayerSpec> specs = new ArrayList<>();
        int pos = 0;
        for (JsonNode l : layers) {
            pos++;
            if (!l.isObject()) {
                throw new ModelException("layer " + pos + ": must be a JSON object with \"type\", got " + l);
            }
            JsonNode type = l.get("type");
            if (type == null || !type.isTextual() || type.asText().isBlank()) {
                throw new ModelException("layer " + pos + ": \"type\" is required (a layer type such as conv2d)");
            }
            String layerName = null;
            Map<String, Object> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext();) {
                var f = it.next();
                switch (f.getKey()) {
                    case "type" -> { }
                    case "name" -> layerName = f.getValue().isNull() ? null : f.getValue().asText();
                    default -> params.put(f.getKey(), value(f.getValue()));
                }
            }
            specs.add(new LayerSpec(pos, type.asText(), layerName, params));
        }
        return new ModelDescription(name, input, specs, seed);
    }

    static String text(JsonNode n, String what) {
        if (!n.isTextual()) {
            throw new ModelException("\"" + what + "\" must be a string, got " + n);
        }
        return n.asText();
    }

    /** [null, null, 3] -> (None, None, 3); sizes must be positive. */
    static Shape shape(JsonNode n, String what) {
        if (!n.isArray() || n.isEmpty()) {
            throw new ModelException("\"" + what + "\" must be a list such as [null, null, 3], got " + n);
        }
        int[] dims = new int[n.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = n.get(i);
            if (d.isNull()) {
                dims[i] = Shape.UNKNOWN;
            } else if (d.canConvertToInt() && d.isIntegralNumber() && d.asInt() > 0) {
                dims[i] = d.asInt();
            } else {
                throw new ModelException("\"" + what + "\" must hold positive integers or null, got " + n);
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
            return n.asLong();
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
