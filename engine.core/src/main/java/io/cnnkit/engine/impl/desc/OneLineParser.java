package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.DidYouMean;
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
 * line   := [input '|'] chain (';' chain)*
 * chain  := ['@' node '|'] stage ('|' stage)*
 * stage  := word ['(' [arg (',' arg)*] ')']
 * arg    := '@' node | word '=' value | value
 * value  := number | true | false | null | None | word | 'str' | "str"
 *         | '(' values ')' | '[' values ']' | word '(' args ')'
 * </pre>
 * Graphs: {@code @node} names a node (a layer's name, given or default, or {@code input}). A
 * stage reads the stage before it in its chain and then every {@code @node} among its
 * arguments ({@code add(@shortcut)} adds the shortcut to the piped value). The first chain
 * starts from the model input; a later chain after {@code ;} starts from {@code @node |}, or
 * its first stage reads only its {@code @node} arguments. The model's outputs are the last
 * stages of the chains that no other stage reads, in order. A residual block:
 * {@code conv2d(16, 3, padding=same, name=a) | relu | conv2d(16, 3, padding=same) | add(@a) | relu};
 * two heads: {@code conv2d(8, 3, name=trunk) | flatten | dense(10) ; @trunk | global_average_pooling2d | dense(4)}.
 * <p>
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

    /** A stage as parsed: its spec (inputs resolved later), where it reads from, its {@code @node} arguments. */
    private record Parsed(LayerSpec spec, int at, Ref start, boolean firstOfChain, List<Ref> refs) {
    }

    /** An {@code @node} reference and its column. */
    private record Ref(String name, int at) {
    }

    ModelDescription parse() {
        Shape input = ModelDescription.DEFAULT_INPUT;
        String modelName = "model";
        long seed = 0;
        List<Parsed> stages = new ArrayList<>();
        List<Integer> chainEnds = new ArrayList<>();
        boolean first = true;
        boolean newChain = true;
        Ref start = null;
        while (true) {
            skipSpace();
            if (newChain && peek() == '@') {
                start = ref();
                skipSpace();
                if (peek() != '|') {
                    throw error(pos, "expected '|' after " + "@" + start.name + " (a branch reads it: '@"
                            + start.name + " | conv2d(8, 3)'), found " + found());
                }
                pos++;
                skipSpace();
            }
            int stageStart = pos;
            String word = word("a layer type or activation name");
            List<Arg> args = List.of();
            skipSpace();
            if (peek() == '(') {
                args = args();
            }
            if (first && start == null && word.equals(INPUT) && lookup.byType(INPUT) == null) {
                input = inputShape(args, stageStart);
                for (Arg a : args) {
                    if (a.value instanceof Ref r) {
                        throw error(r.at, "input takes sizes, not @" + r.name);
                    } else if ("name".equals(a.key)) {
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
                List<Ref> refs = new ArrayList<>();
                List<Arg> rest = new ArrayList<>();
                for (Arg a : args) {
                    if (a.value instanceof Ref r) {
                        if (a.key != null) {
                            throw error(a.at, "@" + r.name + " is an input, not a value for '" + a.key
                                    + "'; write it alone, e.g. add(@" + r.name + ")");
                        }
                        refs.add(r);
                    } else {
                        rest.add(a);
                    }
                }
                LayerSpec spec = stage(stages.size() + 1, word, stageStart, rest);
                stages.add(new Parsed(spec, stageStart, newChain ? start : null, newChain, refs));
                newChain = false;
                start = null;
            }
            first = false;
            skipSpace();
            if (pos >= src.length()) {
                break;
            }
            if (peek() == ';') {
                if (stages.isEmpty() || newChain) {
                    throw error(pos, "a chain needs at least one layer before ';'");
                }
                chainEnds.add(stages.size() - 1);
                pos++;
                newChain = true;
                continue;
            }
            if (peek() != '|') {
                throw error(pos, "expected '|' between layers, ';' before a branch, or the end of the line, found '"
                        + peek() + "'");
            }
            pos++;
        }
        if (newChain && !stages.isEmpty() && !chainEnds.isEmpty() && chainEnds.get(chainEnds.size() - 1) == stages.size() - 1) {
            throw error(pos, "expected a branch after ';', e.g. '; @trunk | dense(4)'");
        }
        if (!stages.isEmpty()) {
            chainEnds.add(stages.size() - 1);
        }
        List<LayerSpec> specs = new ArrayList<>();
        boolean graph = chainEnds.size() > 1;
        for (Parsed p : stages) {
            specs.add(p.spec);
            graph |= !p.refs.isEmpty() || p.start != null;
        }
        ModelDescription d = new ModelDescription(modelName, input, specs, seed);
        return graph ? graph(d, stages, chainEnds) : d;
    }

    /** Resolves every stage's inputs, checks references and cycles, and picks the outputs. */
    private ModelDescription graph(ModelDescription d, List<Parsed> stages, List<Integer> chainEnds) {
        ModelDescription named = DefaultNames.assign(d);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < named.layers().size(); i++) {
            index.put(named.layers().get(i).name(), i);
        }
        String inputName = named.inputName();
        List<List<String>> inputs = new ArrayList<>();
        List<List<Ref>> edges = new ArrayList<>(); // the refs of each stage, for cycle carets
        boolean[] consumed = new boolean[stages.size()];
        for (int i = 0; i < stages.size(); i++) {
            Parsed p = stages.get(i);
            List<Ref> reads = new ArrayList<>();
            if (p.start != null) {
                reads.add(p.start);
            } else if (!p.firstOfChain) {
                reads.add(new Ref(named.layers().get(i - 1).name(), -1));
            } else if (i == 0) {
                reads.add(new Ref(inputName, -1));
            } else if (p.refs.isEmpty()) {
                throw error(p.at, "a branch after ';' says what it reads: start it with '@node |' (e.g. '; @"
                        + named.layers().get(i - 1).name() + " | ...') or give its first layer @node arguments");
            }
            reads.addAll(p.refs);
            List<String> names = new ArrayList<>();
            for (Ref r : reads) {
                if (!r.name.equals(inputName) && !index.containsKey(r.name)) {
                    java.util.Set<String> known = new java.util.LinkedHashSet<>(index.keySet());
                    known.add(inputName);
                    throw error(r.at, "unknown node @" + r.name + "; nodes: " + String.join(", ", known)
                            + suggestion(r.name, known));
                }
                if (r.name.equals(named.layers().get(i).name())) {
                    throw error(r.at, "@" + r.name + " is this layer itself; a layer cannot read its own output");
                }
                if (index.containsKey(r.name)) {
                    consumed[index.get(r.name)] = true;
                }
                names.add(r.name);
            }
            inputs.add(names);
            edges.add(reads);
        }
        checkCycles(named, inputs, edges, index);
        List<LayerSpec> out = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            out.add(named.layers().get(i).withInputs(inputs.get(i)));
        }
        List<String> outputs = new ArrayList<>();
        for (int end : chainEnds) {
            if (!consumed[end]) {
                outputs.add(named.layers().get(end).name());
            }
        }
        return named.withLayers(out).withOutputs(outputs);
    }

    /** A cycle is an error with a caret under the reference that closes it. */
    private void checkCycles(ModelDescription d, List<List<String>> inputs, List<List<Ref>> edges,
            Map<String, Integer> index) {
        int n = inputs.size();
        int[] state = new int[n]; // 0 new, 1 on the path, 2 done
        for (int s = 0; s < n; s++) {
            if (state[s] != 0) {
                continue;
            }
            // Iterative DFS along "reads" edges.
            java.util.ArrayDeque<int[]> stack = new java.util.ArrayDeque<>();
            stack.push(new int[] {s, 0});
            state[s] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                int node = top[0];
                if (top[1] == inputs.get(node).size()) {
                    state[node] = 2;
                    stack.pop();
                    continue;
                }
                int k = top[1]++;
                Integer next = index.get(inputs.get(node).get(k));
                if (next == null) {
                    continue; // the model input
                }
                if (state[next] == 1) {
                    Ref r = edges.get(node).get(k);
                    List<String> loop = new ArrayList<>();
                    for (int[] f : stack) {
                        loop.add(0, d.layers().get(f[0]).name());
                        if (f[0] == next) {
                            break;
                        }
                    }
                    StringBuilder path = new StringBuilder();
                    for (String l : loop) {
                        path.append(l).append(" -> ");
                    }
                    path.append(loop.get(0));
                    int at = r.at;
                    for (int i = 0; at < 0 && i < loop.size(); i++) {
                        for (Ref e : edges.get(index.get(loop.get(i)))) {
                            if (e.at >= 0 && loop.contains(e.name)) {
                                at = e.at;
                                break;
                            }
                        }
                    }
                    throw error(Math.max(at, 0), "cycle: " + path
                            + "; a layer may only read layers that do not depend on it");
                }
                if (state[next] == 0) {
                    state[next] = 1;
                    stack.push(new int[] {next, 0});
                }
            }
        }
    }

    private static String suggestion(String wrong, java.util.Set<String> names) {
        String best = DidYouMean.closest(wrong, names);
        return best == null ? "" : " (did you mean @" + best + "?)";
    }

    /** '@' node at pos. */
    private Ref ref() {
        int at = pos;
        pos++; // '@'
        if (!isWordStart(peek())) {
            throw error(pos, "expected a node name after '@' (a layer's name or input), found " + found());
        }
        return new Ref(rawWord(), at);
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
            // Keras class names (Conv2D, MaxPooling2D) are suggested, not accepted: one spelling per type.
            List<String> all = new ArrayList<>(lookup.layerTypes());
            all.addAll(lookup.activations());
            throw error(at, "unknown layer type or activation '" + word + "' at layer " + index
                    + DidYouMean.suggestion(word, all, lookup.typesByKerasClass(), "layer types and activations"));
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

    /** Nesting limit of tuples, lists and calls inside one value: deeper input is an error, not a stack overflow. */
    static final int MAX_NESTING = 32;
    private int nesting;

    private Object value() {
        skipSpace();
        int at = pos;
        if (++nesting > MAX_NESTING) {
            throw error(at, "values nest more than " + MAX_NESTING + " levels deep (tuples, lists and calls inside "
                    + "each other); no layer parameter needs that: check the brackets");
        }
        try {
            return valueAt(at);
        } finally {
            nesting--;
        }
    }

    private Object valueAt(int at) {
        char c = peek();
        if (c == '@') {
            return ref();
        }
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
