package io.cnnkit.engine.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One layer of a model description: its type, its name (null until the engine gives it
 * a Keras-style default) and its parameters with Keras's names. Values are JSON-like:
 * {@link Number}, {@link String}, {@link Boolean}, {@link List}, {@link Map} or null.
 * The typed getters check values and fail with a {@link ModelException} that names the
 * layer and the parameter.
 */
public final class LayerSpec {
    private final int position;
    private final String type;
    private final String name;
    private final Map<String, Object> params;
    private final List<String> inputs;

    /**
     * @param position 1-based position in the model, for messages
     * @param type     the layer type, e.g. {@code conv2d}
     * @param name     the layer name or null for a default name
     * @param params   parameters (copied; order kept)
     */
    public LayerSpec(int position, String type, String name, Map<String, Object> params) {
        this(position, type, name, params, List.of());
    }

    /**
     * @param inputs names of the nodes this layer reads, in order (a layer name, or the model's
     *               input name); empty means the previous layer's output (the model input for the
     *               first layer), so a chain never names its inputs
     * @since 1.3
     */
    public LayerSpec(int position, String type, String name, Map<String, Object> params, List<String> inputs) {
        this.position = position;
        this.type = Objects.requireNonNull(type, "type");
        this.name = name;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        for (String in : inputs) {
            Objects.requireNonNull(in, "input name");
        }
        this.inputs = List.copyOf(inputs);
    }

    public int position() {
        return position;
    }

    public String type() {
        return type;
    }

    /** The layer name, or null when the engine is to choose a default. */
    public String name() {
        return name;
    }

    public Map<String, Object> params() {
        return params;
    }

    /**
     * The nodes this layer reads, in order; empty for "the previous layer".
     *
     * @since 1.3
     */
    public List<String> inputs() {
        return inputs;
    }

    public LayerSpec withName(String newName) {
        return new LayerSpec(position, type, newName, params, inputs);
    }

    public LayerSpec withPosition(int newPosition) {
        return new LayerSpec(newPosition, type, name, params, inputs);
    }

    /** @since 1.3 */
    public LayerSpec withInputs(List<String> newInputs) {
        return new LayerSpec(position, type, name, params, newInputs);
    }

    public LayerSpec withParam(String key, Object value) {
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.put(key, value);
        return new LayerSpec(position, type, name, p, inputs);
    }

    /** "layer 2 'conv_1' (conv2d)": how messages name this layer. */
    public String label() {
        return "layer " + position + (name == null ? "" : " '" + name + "'") + " (" + type + ")";
    }

    /** An error about this layer. */
    public ModelException error(String message) {
        return new ModelException(label() + ": " + message);
    }

    /** An error about one parameter of this layer. */
    public ModelException paramError(String param, String message) {
        return new ModelException(label() + ": parameter '" + param + "' " + message);
    }

    public boolean has(String key) {
        return params.containsKey(key) && params.get(key) != null;
    }

    public Object raw(String key) {
        return params.get(key);
    }

    /**
     * Fails when a parameter is not in {@code allowed}, naming the closest allowed one (or listing
     * them when they are few, see {@link DidYouMean#suggestion}).
     */
    public void checkKnown(Set<String> allowed) {
        for (String k : params.keySet()) {
            if (!allowed.contains(k)) {
                throw error("unknown parameter '" + k + "'"
                        + DidYouMean.suggestion(k, allowed, Map.of(), type + " parameters"));
            }
        }
    }

    public int requireInt(String key) {
        if (!has(key)) {
            throw paramError(key, "is required");
        }
        return asInt(key, params.get(key));
    }

    public int getInt(String key, int def) {
        return has(key) ? asInt(key, params.get(key)) : def;
    }

    /** A positive integer (> 0). */
    public int requirePositive(String key) {
        int v = requireInt(key);
        if (v <= 0) {
            throw paramError(key, "must be a positive integer, got " + v);
        }
        return v;
    }

    public int getPositive(String key, int def) {
        int v = getInt(key, def);
        if (v <= 0) {
            throw paramError(key, "must be a positive integer, got " + v);
        }
        return v;
    }

    public double getDouble(String key, double def) {
        if (!has(key)) {
            return def;
        }
        Object v = params.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw paramError(key, "must be a number, got " + describe(v));
    }

    /** A nullable number: null when absent or JSON null. */
    public Double getNullableDouble(String key) {
        return has(key) ? getDouble(key, 0) : null;
    }

    public boolean getBoolean(String key, boolean def) {
        if (!has(key)) {
            return def;
        }
        Object v = params.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw paramError(key, "must be true or false, got " + describe(v));
    }

    public String getString(String key, String def) {
        if (!has(key)) {
            return def;
        }
        Object v = params.get(key);
        if (v instanceof String s) {
            return s;
        }
        throw paramError(key, "must be a string, got " + describe(v));
    }

    /** A string from a fixed set, e.g. padding valid|same (case-insensitive, returned lower-case). */
    public String getChoice(String key, String def, String... choices) {
        String v = getString(key, def);
        for (String c : choices) {
            if (c.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw paramError(key, "must be one of " + String.join(", ", choices) + ", got '" + v + "'"
                + DidYouMean.hint(v, java.util.List.of(choices)));
    }

    /**
     * An int or a list of {@code n} ints, as Keras's kernel_size=3 or (3, 2); each must be
     * positive.
     */
    public int[] getTuple(String key, int n, int[] def) {
        if (!has(key)) {
            if (def == null) {
                throw paramError(key, "is required");
            }
            return def.clone();
        }
        Object v = params.get(key);
        int[] out = new int[n];
        if (v instanceof List<?> list) {
            if (list.size() != n) {
                throw paramError(key, "must be an integer or a list of " + n + " integers, got " + describe(v));
            }
            for (int i = 0; i < n; i++) {
                out[i] = asInt(key, list.get(i));
            }
        } else {
            int x = asInt(key, v);
            java.util.Arrays.fill(out, x);
        }
        for (int x : out) {
            if (x <= 0) {
                throw paramError(key, "must be positive, got " + describe(v));
            }
        }
        return out;
    }

    /** A list of ints (e.g. shared_axes), or null when absent. */
    public int[] getIntList(String key) {
        if (!has(key)) {
            return null;
        }
        Object v = params.get(key);
        if (v instanceof List<?> list) {
            int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = asInt(key, list.get(i));
            }
            return out;
        }
        return new int[] {asInt(key, v)};
    }

    private int asInt(String key, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw paramError(key, "is out of range: " + l);
            }
            return (int) l;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw paramError(key, "must be an integer, got " + describe(v));
    }

    /** How a value is shown in messages: strings quoted, lists as JSON. */
    public static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(describe(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }

    @Override
    public String toString() {
        return label() + " " + params + (inputs.isEmpty() ? "" : " <- " + inputs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerSpec s && s.type.equals(type) && Objects.equals(s.name, name)
                && s.params.equals(params) && s.inputs.equals(inputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, params, inputs);
    }
}
