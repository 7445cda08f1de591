package io.cnnkit.engine.impl.desc;

import java.math.BigInteger;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON value of a model description, as {@link JsonReader} reads it: an object (fields in
 * their order), an array, a string, a number, true, false or null. The accessors behave as
 * those of the Jackson tree the description parsers read before (get of a missing field or of a
 * non-container is null, an object iterates its values, {@link #toString} is compact JSON), so
 * that their checks and messages stay as they were; the engine needs no JSON library (three
 * bundles fewer in every runtime, a tenth of the classes to load for a model's JSON).
 */
final class JsonNode implements Iterable<JsonNode> {
    enum Kind {
        OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL
    }

    static final JsonNode NULL = new JsonNode(Kind.NULL, null, null, null, 0, 0, null, false);
    static final JsonNode TRUE = new JsonNode(Kind.BOOLEAN, null, null, null, 0, 0, null, true);
    static final JsonNode FALSE = new JsonNode(Kind.BOOLEAN, null, null, null, 0, 0, null, false);

    private final Kind kind;
    private final Map<String, JsonNode> fields;
    private final List<JsonNode> items;
    private final String text;
    /** An integral number's value when it fits a long. */
    private final long integer;
    private final double real;
    /** An integral number beyond a long, else null. */
    private final BigInteger big;
    /** Booleans: the value; numbers: integral (no fraction or exponent written). */
    private final boolean flag;

    private JsonNode(Kind kind, Map<String, JsonNode> fields, List<JsonNode> items, String text, long integer,
            double real, BigInteger big, boolean flag) {
        this.kind = kind;
        this.fields = fields;
        this.items = items;
        this.text = text;
        this.integer = integer;
        this.real = real;
        this.big = big;
        this.flag = flag;
    }

    /** An object of {@code fields} (kept, not copied: the reader hands it over). */
    static JsonNode object(LinkedHashMap<String, JsonNode> fields) {
        return new JsonNode(Kind.OBJECT, Collections.unmodifiableMap(fields), null, null, 0, 0, null, false);
    }

    /** An array of {@code items} (kept, not copied). */
    static JsonNode array(List<JsonNode> items) {
        return new JsonNode(Kind.ARRAY, null, Collections.unmodifiableList(items), null, 0, 0, null, false);
    }

    static JsonNode string(String s) {
        return new JsonNode(Kind.STRING, null, null, s, 0, 0, null, false);
    }

    static JsonNode integer(long v) {
        return new JsonNode(Kind.NUMBER, null, null, null, v, v, null, true);
    }

    /** An integral number beyond a long. */
    static JsonNode integer(BigInteger v) {
        return new JsonNode(Kind.NUMBER, null, null, null, v.longValue(), v.doubleValue(), v, true);
    }

    static JsonNode real(double v) {
        return new JsonNode(Kind.NUMBER, null, null, null, (long) v, v, null, false);
    }

    Kind kind() {
        return kind;
    }

    boolean isObject() {
        return kind == Kind.OBJECT;
    }

    boolean isArray() {
        return kind == Kind.ARRAY;
    }

    boolean isTextual() {
        return kind == Kind.STRING;
    }

    boolean isNumber() {
        return kind == Kind.NUMBER;
    }

    /** A number written without fraction or exponent (3, not 3.0). */
    boolean isIntegralNumber() {
        return kind == Kind.NUMBER && flag;
    }

    boolean isBoolean() {
        return kind == Kind.BOOLEAN;
    }

    boolean isNull() {
        return kind == Kind.NULL;
    }

    /** The field's value (null when absent or when this is no object). */
    JsonNode get(String field) {
        return fields == null ? null : fields.get(field);
    }

    /** The element (null when out of range or when this is no array). */
    JsonNode get(int index) {
        return items == null || index < 0 || index >= items.size() ? null : items.get(index);
    }

    boolean has(String field) {
        return fields != null && fields.containsKey(field);
    }

    /** Elements of an array, fields of an object, else 0. */
    int size() {
        return fields != null ? fields.size() : items != null ? items.size() : 0;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** An array's elements or an object's values; nothing for the rest. */
    @Override
    public Iterator<JsonNode> iterator() {
        return fields != null ? fields.values().iterator() : items != null ? items.iterator()
                : Collections.emptyIterator();
    }

    /** An object's fields in order (none for the rest). */
    Iterator<Map.Entry<String, JsonNode>> fields() {
        return fields != null ? fields.entrySet().iterator() : Collections.emptyIterator();
    }

    Iterator<String> fieldNames() {
        return fields != null ? fields.keySet().iterator() : Collections.emptyIterator();
    }

    /** An integral number that fits an int. */
    boolean canConvertToInt() {
        return kind == Kind.NUMBER && (flag ? big == null && integer == (int) integer
                : real >= Integer.MIN_VALUE && real <= Integer.MAX_VALUE);
    }

    /** A number that fits a long. */
    boolean canConvertToLong() {
        return kind == Kind.NUMBER && (flag ? big == null : real >= Long.MIN_VALUE && real <= Long.MAX_VALUE);
    }

    /** A string's text; the written form of a number, boolean or null; "" for a container. */
    String asText() {
        return switch (kind) {
            case STRING -> text;
            case NUMBER -> numberText();
            case BOOLEAN -> flag ? "true" : "false";
            case NULL -> "null";
            default -> "";
        };
    }

    /** A number's value (truncated); a string that holds an integer; else 0. */
    int asInt() {
        return kind == Kind.NUMBER && !flag ? (int) real : (int) asLong();
    }

    long asLong() {
        if (kind == Kind.NUMBER) {
            return flag ? integer : (long) real;
        }
        if (kind == Kind.BOOLEAN) {
            return flag ? 1 : 0;
        }
        if (kind == Kind.STRING) {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    double asDouble() {
        if (kind == Kind.NUMBER) {
            return real;
        }
        if (kind == Kind.BOOLEAN) {
            return flag ? 1 : 0;
        }
        if (kind == Kind.STRING) {
            try {
                return Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    boolean asBoolean() {
        return switch (kind) {
            case BOOLEAN -> flag;
            case NUMBER -> asLong() != 0;
            case STRING -> "true".equals(text.strip());
            default -> false;
        };
    }

    private String numberText() {
        if (big != null) {
            return big.toString();
        }
        return flag ? Long.toString(integer) : Double.toString(real);
    }

    /** Compact JSON (numbers as read: integers as written, reals as Java prints a double). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        write(b);
        return b.toString();
    }

    private void write(StringBuilder b) {
        switch (kind) {
            case OBJECT -> {
                b.append('{');
                boolean first = true;
                for (var e : fields.entrySet()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    quote(b, e.getKey());
                    b.append(':');
                    e.getValue().write(b);
                }
                b.append('}');
            }
            case ARRAY -> {
                b.append('[');
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    items.get(i).write(b);
                }
                b.append(']');
            }
            case STRING -> quote(b, text);
            case NUMBER -> {
                if (!flag && Double.isInfinite(real)) {
                    b.append('"').append(real > 0 ? "Infinity" : "-Infinity").append('"'); // (1e999: no JSON number)
                } else {
                    b.append(numberText());
                }
            }
            default -> b.append(asText());
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
