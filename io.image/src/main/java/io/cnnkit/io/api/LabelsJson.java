package io.cnnkit.io.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a labels file holds (RFC 8259): objects as ordered maps, arrays as lists, strings as
 * strings, and numbers, booleans and null as {@link Literal}s (a labels file uses only
 * strings). A repeated key is an error; every error names the file, line and column. The
 * launcher has no JSON library, and this is all a labels file needs (it also reads cnnkit's
 * own JSON Lines results).
 */
public final class LabelsJson {
    private static final int MAX_DEPTH = 32;
    public static final String HINT = "a JSON labels file is one object of class index to label, "
            + "e.g. {\"0\": \"cat\", \"1\": \"dog\"} or Keras's {\"0\": [\"n01440764\", \"tench\"], ...}";

    /** A number, true, false or null: its text, kept apart from strings. */
    public record Literal(String text) {
    }

    private final String file;
    private final String text;
    private int pos;

    private LabelsJson(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /**
     * Parses the whole text as one JSON value; nothing but white space may follow it.
     *
     * @param file the file's name for messages
     */
    public static Object parse(String file, String text) {
        LabelsJson p = new LabelsJson(file, text);
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("values nested more than " + MAX_DEPTH + " deep");
        }
        skipSpace();
        if (pos >= text.length()) {
            throw error("the file ends where a value is expected");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            default -> literal();
        };
    }

    private Map<String, Object> object(int depth) {
        int start = pos;
        pos++; // {
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a key in double quotes");
            }
            int keyAt = pos;
            String key = string();
            if (out.containsKey(key)) {
                pos = keyAt;
                throw error("the key \"" + key + "\" appears twice");
            }
            skipSpace();
            expect(':');
            out.put(key, value(depth + 1));
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                pos--;
                throw error(c == 0 ? "the object opened at " + where(start) + " is not closed"
                        : "expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array(int depth) {
        int start = pos;
        pos++; // [
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            out.add(value(depth + 1));
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                pos--;
                throw error(c == 0 ? "the list opened at " + where(start) + " is not closed"
                        : "expected ',' or ']' in a list");
            }
        }
    }

    private String string() {
        int start = pos;
        pos++; // "
        StringBuilder b = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\n') {
                break;
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        pos -= 2;
                        throw error("\\u needs four hex digits");
                    }
                    try {
                        b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        pos -= 2;
                        throw error("\\u needs four hex digits");
                    }
                    pos += 4;
                }
                default -> {
                    pos -= 2;
                    throw error("unknown escape \\" + e);
                }
            }
        }
        pos = start;
        throw error("the string is not closed on its line");
    }

    /** A number, true, false or null. */
    private Literal literal() {
        int start = pos;
        while (pos < text.length() && "+-.0123456789eEtruefalsn".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String s = text.substring(start, pos);
        if (s.equals("true") || s.equals("false") || s.equals("null")
                || s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return new Literal(s);
        }
        pos = start;
        throw error("expected a value (a \"string\", number, list, object, true, false or null)");
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** "line L, column C" (both from 1) of an offset. */
    private String where(int at) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "line " + line + ", column " + col;
    }

    private LabelsException error(String what) {
        return new LabelsException("labels file " + file + ": " + where(pos) + ": " + what, HINT);
    }
}
