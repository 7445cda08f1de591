package io.cnnkit.engine.impl.desc;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Strict JSON (RFC 8259) into {@link JsonNode}s: no comments, no NaN, no trailing commas, no
 * duplicate field in an object, at most {@value #MAX_DEPTH} nested arrays and objects (a deeper
 * document is refused, not a stack overflow), numbers of at most {@value #MAX_NUMBER_LENGTH}
 * characters. The limits and the wording of the errors follow Jackson's defaults, which read
 * the descriptions before: an error is a {@link Malformed} with the line and column (from 1) of
 * the character or token at fault. (io.api's {@code LabelsJson} reads labels files as strictly,
 * into plain maps and lists with the file named in its errors; the engine sits below io.image and
 * cannot import it, and a JSON reader exported from the engine API for both was not worth the
 * API.)
 */
final class JsonReader {
    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;
    static final int MAX_STRING_LENGTH = 20_000_000;
    private static final String VALUES = "JSON String, Number, Array, Object or token 'null', 'true' or 'false'";

    /** The text is no JSON document: what is wrong, and where. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;
        final int column;

        Malformed(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }
    }

    private final String s;
    private final int end;
    private int pos;
    private int line = 1;
    /** Where the current line starts (columns count from it). */
    private int lineStart;
    private int depth;

    private JsonReader(String s) {
        this.s = s;
        this.end = s.length();
    }

    /** The one JSON value {@code text} holds (whitespace around it allowed). */
    static JsonNode read(String text) {
        JsonReader r = new JsonReader(text);
        r.skipSpace();
        if (r.pos == r.end) {
            throw r.error("no value", r.pos);
        }
        JsonNode v = r.value();
        r.skipSpace();
        if (r.pos < r.end) {
            throw r.error("trailing " + r.tokenName() + " after the description's value", r.pos);
        }
        return v;
    }

    private JsonNode value() {
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return JsonNode.string(string());
            case '-':
            case '0':
            case '1':
            case '2':
            case '3':
            case '4':
            case '5':
            case '6':
            case '7':
            case '8':
            case '9':
                return number();
            default:
                if (Character.isJavaIdentifierStart(c)) {
                    return literal();
                }
                throw error("Unexpected character (" + describe(c) + "): expected a valid value (" + VALUES + ")", pos);
        }
    }

    private JsonNode object() {
        int startLine = line;
        int startColumn = column(pos);
        enter();
        pos++;
        LinkedHashMap<String, JsonNode> fields = new LinkedHashMap<>();
        skipSpace();
        if (pos < end && s.charAt(pos) == '}') {
            pos++;
            depth--;
            return JsonNode.object(fields);
        }
        while (true) {
            need("Object", startLine, startColumn);
            char c = s.charAt(pos);
            if (c != '"') {
                throw error("Unexpected character (" + describe(c) + "): was expecting double-quote to start field name",
                        pos);
            }
            int at = pos;
            String name = string();
            if (fields.containsKey(name)) {
                throw error("Duplicate field '" + name + "'", at);
            }
            skipSpace();
            need("Object", startLine, startColumn);
            c = s.charAt(pos);
            if (c != ':') {
                throw error("Unexpected character (" + describe(c) + "): was expecting a colon to separate field name "
                        + "and value", pos);
            }
            pos++;
            skipSpace();
            need("Object", startLine, startColumn);
            fields.put(name, value());
            skipSpace();
            need("Object", startLine, startColumn);
            c = s.charAt(pos);
            pos++;
            if (c == '}') {
                depth--;
                return JsonNode.object(fields);
            }
            if (c != ',') {
                throw error("Unexpected character (" + describe(c) + "): was expecting comma to separate Object entries",
                        pos - 1);
            }
            skipSpace();
        }
    }

    private JsonNode array() {
        int startLine = line;
        int startColumn = column(pos);
        enter();
        pos++;
        List<JsonNode> items = new ArrayList<>();
        skipSpace();
        if (pos < end && s.charAt(pos) == ']') {
            pos++;
            depth--;
            return JsonNode.array(items);
        }
        while (true) {
            need("Array", startLine, startColumn);
            char c = s.charAt(pos);
            if (c == '}' || c == ']') {
                throw error(c == ']' ? "Unexpected character (']' (code 93)): expected a value (a trailing comma is not JSON)"
                        : "Unexpected close marker '}': expected ']' (for the Array starting at line " + startLine
                                + ", column " + startColumn + ")", pos);
            }
            items.add(value());
            skipSpace();
            need("Array", startLine, startColumn);
            c = s.charAt(pos);
            pos++;
            if (c == ']') {
                depth--;
                return JsonNode.array(items);
            }
            if (c != ',') {
                throw error(c == '}' ? "Unexpected close marker '}': expected ']' (for the Array starting at line "
                        + startLine + ", column " + startColumn + ")"
                        : "Unexpected character (" + describe(c) + "): was expecting comma to separate Array entries",
                        pos - 1);
            }
            skipSpace();
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("Document nesting depth (" + depth + ") exceeds the maximum allowed (" + MAX_DEPTH + ")", pos);
        }
    }

    /** At the end of the text inside an object or array: the error that says which one is open. */
    private void need(String container, int startLine, int startColumn) {
        if (pos >= end) {
            throw error("Unexpected end-of-input: expected close marker for " + container + " (start marker at line "
                    + startLine + ", column " + startColumn + ")", pos);
        }
    }

    /** The string starting at the quote at {@code pos}; leaves pos after its closing quote. */
    private String string() {
        int start = pos;
        int i = pos + 1;
        // the common case: no escapes, one substring
        while (i < end) {
            char c = s.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return checked(s.substring(start + 1, i), start);
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            i++;
        }
        StringBuilder b = new StringBuilder(s.length() > i ? i - start + 16 : 16).append(s, start + 1, i);
        while (i < end) {
            char c = s.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return checked(b.toString(), start);
            }
            if (c < 0x20) {
                throw error("Illegal unquoted character (" + describe(c) + "): has to be escaped using backslash to be "
                        + "included in string value", i);
            }
            if (c != '\\') {
                b.append(c);
                i++;
                continue;
            }
            if (i + 1 >= end) {
                break;
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    int v = 0;
                    for (int k = 0; k < 4; k++, i++) {
                        if (i >= end) {
                            throw endOfString(start);
                        }
                        int d = Character.digit(s.charAt(i), 16);
                        if (d < 0 || s.charAt(i) > 'f') {
                            throw error("Unexpected character (" + describe(s.charAt(i)) + "): expected a hex-digit for "
                                    + "character escape sequence", i);
                        }
                        v = v << 4 | d;
                    }
                    b.append((char) v);
                }
                default -> throw error("Unrecognized character escape " + describe(e), i - 1);
            }
        }
        throw endOfString(start);
    }

    private String checked(String v, int start) {
        if (v.length() > MAX_STRING_LENGTH) {
            throw error("String value length (" + v.length() + ") exceeds the maximum allowed (" + MAX_STRING_LENGTH
                    + ")", start);
        }
        return v;
    }

    private Malformed endOfString(int start) {
        return error("Unexpected end-of-input in a string value (it starts at line " + line + ", column "
                + column(start) + ")", end);
    }

    private JsonNode number() {
        int start = pos;
        if (s.charAt(pos) == '-') {
            pos++;
            if (pos >= end || !digit(s.charAt(pos))) {
                throw error(pos >= end ? "Unexpected end-of-input in a number: expected a digit after the minus sign"
                        : "Unexpected character (" + describe(s.charAt(pos)) + ") in numeric value: expected digit "
                                + "(0-9) to follow minus sign, for valid numeric value", pos);
            }
        }
        if (s.charAt(pos) == '0' && pos + 1 < end && digit(s.charAt(pos + 1))) {
            throw error("Invalid numeric value: Leading zeroes not allowed", pos + 1);
        }
        digits();
        boolean integral = true;
        if (pos < end && s.charAt(pos) == '.') {
            pos++;
            if (pos >= end || !digit(s.charAt(pos))) {
                throw error("Unexpected " + (pos >= end ? "end-of-input" : "character (" + describe(s.charAt(pos)) + ")")
                        + " in numeric value: Decimal point not followed by a digit", pos);
            }
            digits();
            integral = false;
        }
        if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= end || !digit(s.charAt(pos))) {
                throw error("Unexpected " + (pos >= end ? "end-of-input" : "character (" + describe(s.charAt(pos)) + ")")
                        + " in numeric value: Exponent indicator not followed by a digit", pos);
            }
            digits();
            integral = false;
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            throw error("Number value length (" + (pos - start) + ") exceeds the maximum allowed (" + MAX_NUMBER_LENGTH
                    + ")", start);
        }
        String t = s.substring(start, pos);
        if (!integral) {
            return JsonNode.real(Double.parseDouble(t));
        }
        if (pos - start <= 18) {
            return JsonNode.integer(Long.parseLong(t));
        }
        BigInteger v = new BigInteger(t);
        return v.bitLength() < 64 ? JsonNode.integer(v.longValue()) : JsonNode.integer(v);
    }

    private void digits() {
        while (pos < end && digit(s.charAt(pos))) {
            pos++;
        }
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private JsonNode literal() {
        int start = pos;
        while (pos < end && Character.isJavaIdentifierPart(s.charAt(pos))) {
            pos++;
        }
        String word = s.substring(start, pos);
        switch (word) {
            case "true":
                return JsonNode.TRUE;
            case "false":
                return JsonNode.FALSE;
            case "null":
                return JsonNode.NULL;
            case "NaN", "Infinity":
                throw error("Non-standard token '" + word + "': JSON has no NaN or Infinity", start);
            default:
                throw error("Unrecognized token '" + (word.length() > 256 ? word.substring(0, 256) + "..." : word)
                        + "': was expecting (" + VALUES + ")", start);
        }
    }

    private void skipSpace() {
        while (pos < end) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\n' || c == '\r') {
                pos++;
                if (c == '\r' && pos < end && s.charAt(pos) == '\n') {
                    pos++;
                }
                line++;
                lineStart = pos;
            } else {
                return;
            }
        }
    }

    /** What stands at {@code pos} after the value, for the trailing-text error. */
    private String tokenName() {
        char c = s.charAt(pos);
        if (c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':') {
            return String.valueOf(c);
        }
        if (c == '"') {
            return "string";
        }
        if (c == '-' || digit(c)) {
            return "number";
        }
        int to = pos;
        while (to < end && to - pos < 64 && Character.isJavaIdentifierPart(s.charAt(to))) {
            to++;
        }
        return to > pos ? "'" + s.substring(pos, to) + "'" : describe(c);
    }

    private int column(int at) {
        return at - lineStart + 1;
    }

    private Malformed error(String message, int at) {
        return new Malformed(message, line, column(at));
    }

    /** A character as Jackson's messages show it: 'x' (code 120), or (CTRL-CHAR, code 10). */
    private static String describe(char c) {
        if (Character.isISOControl(c)) {
            return "(CTRL-CHAR, code " + (int) c + ")";
        }
        if (c > 255) {
            return "'" + c + "' (code " + (int) c + " / 0x" + Integer.toHexString(c) + ")";
        }
        return "'" + c + "' (code " + (int) c + ")";
    }
}
