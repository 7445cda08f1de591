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
 * The one-line shell form:
 * {@code input(null, null, 3) | conv2d(3, 3, name=conv_1) | max_pooling2d(3) | relu | flatten | dense(8, activation=relu)}.
 *
 * <pre>
 * line   := [input '|'] stage ('|' stage)*
 * stage  := word ['(' [arg (',' arg)*] ')']
 * arg    := word '=' value | value
 * value  := number | true | false | null | None | word | 'str' | "str"
 *         | '(' values ')' | '[' values ']' | word '(' args ')'
 * </pre>
 * Positional arguments map to {@link LayerProvider#positionalParameters()}; a stage that
 * names an activation instead of a layer type becomes an {@code activation} layer. A call
 * used as a value ({@code constant(0.12)}) becomes a Keras-like serialized object
 * {@code {"class_name": "constant", "args": [0.12], "config": {...}}}.
 */
final class OneLineParser {
    /** The layer type that applies a bare activation name. */
    static final String ACTIVATION_TYPE = "activation";
    private static final String INPUT = "input";

    private final ProviderLookup lookup;
    private final String src;
    private int pos;

    OneLineParser(ProviderLookup lookup, String src) {
        this.lookup = lookup;
        // One column per character, also when a shell pasted tabs or line breaks.
        this.src = src.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
    }

    ModelDescription parse() {
        Shape input = ModelDescription.DEFAULT_INPUT;
        String modelName = "model";
        long seed = 0;
        List<LayerSpec> specs = new ArrayList<>();
        boolean first = true;
        while (true) {
            skipSpace();
            int stageStart = pos;
            String word = word("a layer type or activation name");
            List<Arg> args = List.of();
            skipSpace();
            if (peek() == '(') {
                args = args();
            }
            if (first && word.equals(INPUT) && lookup.byType(INPUT) == null) {
                input = inputShape(args, stageStart);
                for (Arg a : args) {
                    if ("name".equals(a.key)) {
                        modelName = string(a, "name");
                    } else if ("seed".equals(a.key)) {
                        if (!(a.value instanceof Long l)) {
                            throw error(a.at, "seed must be an integer");
                        }
                        seed = l;
                    } else if (a.key != null) {
                        throw error(a.at, "input takes sizes (e.g. input(null, null, 3)) and name=, seed=; not '"
                                + a.key + "'");
                    }
                }
            } else {
                specs.add(stage(specs.size() + 1, word, stageStart, args));
            }
            first = false;
            skipSpace();
            if (pos >= src.length()) {
                break;
            }
            if (peek() != '|') {
                throw error(pos, "expected '|' between layers or the end of the line, found '" + peek() + "'");
            }
            pos++;
        }
        return new ModelDescription(modelName, input, specs, seed);
    }

    private Shape inputShape(List<Arg> args, int at) {
        List<Integer> dims = new ArrayList<>();
        for (Arg a : args) {
            if (a.key != null) {
                continue;
            }
            if (a.value == null) {
                dims.add(Shape.UNKNOWN);
            } else if (a.value instanceof Long l && l > 0 && l <= Integer.MAX_VALUE) {
                dims.add(l.intValue());
            } else {
                throw error(a.at, "input sizes must be positive integers or null (an open size), got "
                        + LayerSpec.describe(a.value));
            }
        }
        if (dims.isEmpty()) {
            throw error(at, "input needs its sizes, e.g. input(null, null, 3) or input(28, 28, 1)");
        }
        return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
    }

    private LayerSpec stage(int index, String word, int at, List<Arg> args) {
        LayerProvider p = lookup.byType(word);
        String type;
        List<String> positional;
        Map<String, Object> params = new LinkedHashMap<>();
        if (p != null) {
            type = word;
            positional = p.positionalParameters();
        } else if (lookup.isActivation(word)) {
            type = ACTIVATION_TYPE;
            positional = List.of();
            params.put("activation", word);
        } else {
            List<String> types = lookup.layerTypes();
            List<String> acts = lookup.activations();
            throw error(at, "unknown layer type or activation '" + word + "'; layer types: "
                    + (types.isEmpty() ? "(none present)" : String.join(", ", types)) + "; activations: "
                    + (acts.isEmpty() ? "(none present)" : String.join(", ", acts)));
        }
        String name = null;
        int nPos = 0;
        Map<String, Integer> setAt = new LinkedHashMap<>();
        for (Arg a : args) {
            String key;
            if (a.key == null) {
                if (nPos >= positional.size()) {
                    throw error(a.at, p == null
                            ? "activation '" + word + "' takes options by name only (e.g. " + word + "(max_value=6))"
                            : word + " takes " + (positional.isEmpty() ? "no positional arguments"
                                    : "at most " + positional.size() + " positional argument"
                                            + (positional.size() == 1 ? "" : "s") + " (" + String.join(", ", positional) + ")")
                                    + "; name the others, e.g. padding=same");
                }
                key = positional.get(nPos++);
            } else {
                key = a.key;
            }
            if (setAt.containsKey(key) || (key.equals("activation") && p == null)) {
                throw error(a.at, "'" + key + "' is given twice");
            }
            setAt.put(key, a.at);
            if (key.equals("name")) {
                name = string(a, "name");
            } else if (key.equals("type")) {
                throw error(a.at, "the layer type is the word before the parentheses; 'type' is not a parameter");
            } else {
                params.put(key, a.value);
            }
        }
        return new LayerSpec(index, type, name, params);
    }

    // ---- arguments and values ----

    private record Arg(String key, Object value, int at) {
    }

    /** '(' [arg (',' arg)*] ')' at pos. */
    private List<Arg> args() {
        expect('(');
        List<Arg> out = new ArrayList<>();
        skipSpace();
        if (peek() == ')') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            int at = pos;
            String key = null;
            if (isWordStart(peek())) {
                int save = pos;
                String w = rawWord();
                skipSpace();
                if (peek() == '=') {
                    pos++;
                    key = w;
                } else {
                    pos = save;
                }
            }
            skipSpace();
            Object v = value();
            out.add(new Arg(key, v, at));
            skipSpace();
            char c = peek();
            if (c == ',') {
                pos++;
                continue;
            }
            if (c == ')') {
                pos++;
                return out;
            }
            throw error(pos, "expected ',' or ')' in the argument list, found " + found());
        }
    }

    private Object value() {
        skipSpace();
        char c = peek();
        int at = pos;
        if (c == '(' || c == '[') {
            return sequence(c == '(' ? ')' : ']');
        }
        if (c == '\'' || c == '"') {
            return quoted(c);
        }
        if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
            return number();
        }
        if (isWordStart(c)) {
            String w = rawWord();
            switch (w) {
                case "true", "True" -> {
                    return Boolean.TRUE;
                }
                case "false", "False" -> {
                    return Boolean.FALSE;
                }
                case "null", "None" -> {
                    return null;
                }
                default -> { }
            }
            int save = pos;
            skipSpace();
            if (peek() == '(') {
                return call(w);
            }
            pos = save;
            return w;
        }
        throw error(at, "expected a value (number, word, 'string', (tuple), [list] or call), found " + found());
    }

    /** A tuple or list; Python's (x) without a comma is just x. */
    private Object sequence(char close) {
        char open = src.charAt(pos);
        pos++;
        List<Object> items = new ArrayList<>();
        boolean comma = false;
        skipSpace();
        if (peek() == close) {
            pos++;
            return items;
        }
        while (true) {
            items.add(value());
            skipSpace();
            char c = peek();
            if (c == ',') {
                pos++;
                comma = true;
                skipSpace();
                if (peek() == close) {
                    pos++;
                    break;
                }
                continue;
            }
            if (c == close) {
                pos++;
                break;
            }
            throw error(pos, "expected ',' or '" + close + "' in the " + (open == '(' ? "tuple" : "list")
                    + ", found " + found());
        }
        if (open == '(' && !comma && items.size() == 1) {
            return items.get(0);
        }
        return items;
    }

    /** constant(0.12) -> {"class_name": "constant", "args": [0.12], "config": {}}. */
    private Object call(String name) {
        List<Arg> args = args();
        List<Object> positional = new ArrayList<>();
        Map<String, Object> config = new LinkedHashMap<>();
        for (Arg a : args) {
            if (a.key == null) {
                if (!config.isEmpty()) {
                    throw error(a.at, "positional argument after a named one in " + name + "(...)");
                }
                positional.add(a.value);
            } else {
                if (config.containsKey(a.key)) {
                    throw error(a.at, "'" + a.key + "' is given twice in " + name + "(...)");
                }
                config.put(a.key, a.value);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("class_name", name);
        out.put("args", positional);
        out.put("config", config);
        return out;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-' || peek() == '+') {
            pos++;
        }
        boolean real = false;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (Character.isDigit(c)) {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                real = true;
                pos++;
                if ((c == 'e' || c == 'E') && pos < src.length() && (peek() == '-' || peek() == '+')) {
                    pos++;
                }
            } else {
                break;
            }
        }
        String t = src.substring(start, pos);
        try {
            if (!real) {
                return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error(start, "'" + t + "' is not a number");
        }
    }

    private String quoted(char q) {
        int start = pos;
        pos++;
        StringBuilder b = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos++);
            if (c == q) {
                return b.toString();
            }
            if (c == '\\' && pos < src.length()) {
                c = src.charAt(pos++);
            }
            b.append(c);
        }
        throw error(start, "unterminated string: add the closing " + q);
    }

    private String word(String what) {
        if (!isWordStart(peek())) {
            throw error(pos, "expected " + what + ", found " + found());
        }
        return rawWord();
    }

    private String rawWord() {
        int start = pos;
        while (pos < src.length() && isWordPart(src.charAt(pos))) {
            pos++;
        }
        return src.substring(start, pos);
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    private String string(Arg a, String key) {
        if (a.value instanceof String s && !s.isBlank()) {
            return s;
        }
        throw error(a.at, key + " must be a word or a quoted string, got " + LayerSpec.describe(a.value));
    }

    private void expect(char c) {
        skipSpace();
        if (peek() != c) {
            throw error(pos, "expected '" + c + "', found " + found());
        }
        pos++;
    }

    private char peek() {
        return pos < src.length() ? src.charAt(pos) : '\0';
    }

    private String found() {
        return pos >= src.length() ? "the end of the line" : "'" + src.charAt(pos) + "'";
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    /** An error with the line and a caret under the column (1-based). */
    private ModelException error(int at, String message) {
        int col = Math.min(at, src.length());
        return new ModelException("one-line description, column " + (col + 1) + ": " + message + "\n  " + src
                + "\n  " + " ".repeat(col) + "^");
    }
}
