package io.cnnkit.engine.impl.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JsonReader against Jackson (the independent reader, as the engine used it before: strict
 * duplicate detection, default limits): the same trees, the same text from toString, the same
 * accessor answers, and the same documents refused, at the same line and column.
 */
class JsonReaderTest {
    private static final ObjectMapper JACKSON = new ObjectMapper(
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Test
    void randomDocumentsReadAsJacksonReadsThem() throws IOException {
        Random r = new Random(20261206);
        for (int i = 0; i < 3000; i++) {
            String doc = document(r, 0);
            same(doc);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", " {\"a\" : [ ] } ", "0", "-0", "1.5", "-2.5e-3", "1E5", "1e400", "-1e400",
            "4.9e-324", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "1.0", "3",
            "\"\\u00e9\\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"", "\"\\u001f\\u007f\u00e9\u4e2d\"",
            "true", "false", "null", "{\"a\": null, \"b\": [null, true, false, {}]}",
            "{\"class_name\": \"Conv2D\", \"config\": {\"filters\": 8, \"kernel_size\": [3, 3], \"rate\": 0.1}}",
            "\r\n[1,\r\n2]\n"})
    void edgeCasesReadAsJacksonReadsThem(String doc) throws IOException {
        same(doc);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "[", "{\"a\"", "{\"a\":", "{\"a\": 1", "{\"a\": 1,", "[1", "[1,", "\"abc",
            "\"ab\\", "\"\\u12", "{\"layers\": [}", "[1,]", "{\"a\": 1,}", "{,}", "[,]", "{\"a\" 1}", "{\"a\": 1 \"b\": 2}",
            "[1 2]", "{a: 1}", "{'a': 1}", "[01]", "[-01]", "[1.]", "[.5]", "[1e]", "[1e+]", "[-]", "[+1]", "[NaN]",
            "[Infinity]", "[-Infinity]", "[tru]", "[truex]", "[nul]", "[True]", "\"a\nb\"", "\"a\tb\"", "\"\\x\"",
            "\"\\u00g0\"", "{\"a\": 1}}", "{\"a\": 1} {}", "[1]]", "{\"a\": 1, \"a\": 2}", "{\"x\": {\"a\": 1, \"a\": 1}}",
            "[1]\n x", "/* c */ 1", "// c\n1", "[1] // c", "{\"a\": 1}\n\n  [", "[\"a\" : 1]", "{\"a\" : 1 : 2}",
            "\u00a0[1]", "[1,\n2,\n\n]", "\n\n  {\"a\":\n  tru}"})
    void malformedAsJacksonRefusesIt(String doc) {
        Integer[] jackson = jacksonError(doc);
        JsonReader.Malformed e = assertThrows(JsonReader.Malformed.class, () -> JsonReader.read(doc), doc);
        assertTrue(e.line >= 1 && e.column >= 1, e.getMessage());
        if (jackson != null && AT_THE_START.contains(doc)) {
            // Jackson places these past the token (or at the number's start); here they point at the token
            assertEquals((int) jackson[0], e.line, doc);
            assertTrue(e.column < jackson[1] || doc.startsWith("[1e") || doc.equals("[1.]"), doc + ": " + e.getMessage()
                    + " at column " + e.column + ", Jackson's " + jackson[1]);
        } else if (jackson != null) {
            assertEquals(jackson[0] + ":" + jackson[1], e.line + ":" + e.column, "place of the error in " + doc + ": "
                    + e.getMessage());
        }
    }

    /**
     * Errors placed differently from Jackson on purpose: a bad word or a duplicate field name at
     * its first character, a number's error at the character that does not fit (Jackson places
     * them after the word or name, or at the number's decimal point).
     */
    private static final java.util.Set<String> AT_THE_START = java.util.Set.of("[1.]", "[1e]", "[1e+]", "[+1]",
            "[NaN]", "[Infinity]", "[-Infinity]", "[tru]", "[truex]", "[nul]", "[True]", "{\"a\": 1, \"a\": 2}",
            "{\"x\": {\"a\": 1, \"a\": 1}}", "[1]\n x", "\n\n  {\"a\":\n  tru}");

    @Test
    void theMessagesSayWhatIsWrong() {
        assertMessage("{\"layers\": [{\"type\": \"conv2d\", \"filters\": 2,, \"kernel_size\": 3}]}", 1, 45,
                "was expecting double-quote to start field name");
        assertMessage("{\"name\": \"bad\",\n \"input_shape\": [8,", 2, 20, "end-of-input", "Array",
                "start marker at line 2, column 17");
        assertMessage("{\"a\": 1, \"a\": 2}", 1, 10, "Duplicate field 'a'");
        assertMessage("[1]\n {}", 2, 2, "trailing { after the description's value");
        assertMessage("[01]", 1, 3, "Leading zeroes not allowed");
        assertMessage("[NaN]", 1, 2, "Non-standard token 'NaN'");
        assertMessage("[tru]", 1, 2, "Unrecognized token 'tru'");
        assertMessage("\"a\u0001\"", 1, 3, "(CTRL-CHAR, code 1)", "escaped");
        assertMessage("[\"\\q\"]", 1, 4, "Unrecognized character escape 'q' (code 113)");
    }

    @Test
    void nestingIsLimitedAsJacksonLimitsIt() throws IOException {
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        same(ok);
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
        assertMessage(deep, 1, JsonReader.MAX_DEPTH + 1, "nesting depth (1001) exceeds the maximum allowed (1000)");
        assertThrows(JsonProcessingException.class, () -> JACKSON.readTree(deep));
        String objects = "{\"a\":".repeat(5000);
        assertMessage(objects, 1, 5 * JsonReader.MAX_DEPTH + 1, "nesting depth");
        String longNumber = "1".repeat(JsonReader.MAX_NUMBER_LENGTH + 1);
        assertMessage("[" + longNumber + "]", 1, 2, "Number value length (1001) exceeds the maximum allowed (1000)");
        assertThrows(JsonProcessingException.class, () -> JACKSON.readTree("[" + longNumber + "]"));
        same("[" + "1".repeat(JsonReader.MAX_NUMBER_LENGTH) + "]");
    }

    @Test
    void accessorsAnswerAsJacksonsDo() throws IOException {
        String doc = "{\"i\": 7, \"l\": 8589934592, \"b\": 123456789012345678901234567890, \"d\": 2.5, \"n\": -3.75,"
                + " \"s\": \"12\", \"t\": true, \"z\": null, \"a\": [1, \"x\"], \"o\": {\"k\": 1}, \"f\": 3e9}";
        JsonNode mine = JsonReader.read(doc);
        com.fasterxml.jackson.databind.JsonNode theirs = JACKSON.readTree(doc);
        for (Iterator<String> it = theirs.fieldNames(); it.hasNext();) {
            String k = it.next();
            JsonNode m = mine.get(k);
            com.fasterxml.jackson.databind.JsonNode t = theirs.get(k);
            String what = k + " = " + t;
            assertEquals(t.isIntegralNumber(), m.isIntegralNumber(), what);
            assertEquals(t.isNumber(), m.isNumber(), what);
            assertEquals(t.canConvertToInt(), m.canConvertToInt(), what);
            assertEquals(t.canConvertToLong(), m.canConvertToLong(), what);
            assertEquals(t.asText(), m.asText(), what);
            assertEquals(t.asInt(), m.asInt(), what);
            assertEquals(t.asLong(), m.asLong(), what);
            assertEquals(t.asDouble(), m.asDouble(), what);
            assertEquals(t.size(), m.size(), what);
            assertEquals(t.isEmpty(), m.isEmpty(), what);
            assertEquals(t.has("k"), m.has("k"), what);
            assertEquals(String.valueOf(t.get(0)), String.valueOf(m.get(0)), what);
        }
        assertEquals(null, mine.get("missing"));
        assertEquals(null, mine.get("a").get(2));
        assertEquals(null, mine.get("a").get(-1));
        assertEquals(null, mine.get("i").get("x"));
    }

    private static void assertMessage(String doc, int line, int column, String... parts) {
        JsonReader.Malformed e = assertThrows(JsonReader.Malformed.class, () -> JsonReader.read(doc));
        assertEquals(line + ":" + column, e.line + ":" + e.column, e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    /** Jackson's line and column of its error, null when it reads the document. */
    private static Integer[] jacksonError(String doc) {
        try {
            if (JACKSON.readTree(doc) == null || doc.isBlank()) {
                return null; // an empty document: no value (JsonReader says so at 1:1)
            }
        } catch (JsonProcessingException e) {
            return e.getLocation() == null ? null : new Integer[] {e.getLocation().getLineNr(),
                    e.getLocation().getColumnNr()};
        }
        fail("Jackson reads " + doc);
        return null;
    }

    private static void same(String doc) throws IOException {
        com.fasterxml.jackson.databind.JsonNode theirs = JACKSON.readTree(doc);
        JsonNode mine = JsonReader.read(doc);
        assertEquals(theirs.toString(), mine.toString(), doc);
        sameKinds(theirs, mine, doc);
        assertEquals(DescriptionParser.value(mine), plain(theirs), doc);
    }

    /** Both trees side by side: the same kinds of node (1 and 1.0 differ), the same fields in order. */
    private static void sameKinds(com.fasterxml.jackson.databind.JsonNode theirs, JsonNode mine, String doc) {
        String where = doc + " at " + theirs;
        assertEquals(theirs.isObject(), mine.isObject(), where);
        assertEquals(theirs.isArray(), mine.isArray(), where);
        assertEquals(theirs.isTextual(), mine.isTextual(), where);
        assertEquals(theirs.isIntegralNumber(), mine.isIntegralNumber(), where);
        assertEquals(theirs.isNumber(), mine.isNumber(), where);
        assertEquals(theirs.isBoolean(), mine.isBoolean(), where);
        assertEquals(theirs.isNull(), mine.isNull(), where);
        assertEquals(theirs.asText(), mine.asText(), where);
        assertEquals(theirs.size(), mine.size(), where);
        Iterator<String> names = theirs.fieldNames();
        Iterator<String> mineNames = mine.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            assertEquals(k, mineNames.next(), where);
            sameKinds(theirs.get(k), mine.get(k), doc);
        }
        assertFalse(mineNames.hasNext(), where);
        if (theirs.isArray()) {
            for (int i = 0; i < theirs.size(); i++) {
                sameKinds(theirs.get(i), mine.get(i), doc);
            }
        }
    }

    /** Jackson's tree as the engine's plain values (what DescriptionParser.value made of it before). */
    private static Object plain(com.fasterxml.jackson.databind.JsonNode n) {
        if (n.isNull()) {
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
            List<Object> l = new java.util.ArrayList<>();
            n.forEach(x -> l.add(plain(x)));
            return l;
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
        return m;
    }

    // ---- random documents ----

    private static final String[] WORDS = {"conv2d", "filters", "", "a b", "é", "中文", "\uD83D\uDE00", "q\"uote",
            "back\\slash", "tab\t", "nl\n", "ctl\u0001", "del\u007f", "/slash"};

    private static String document(Random r, int depth) {
        int kind = depth > 4 ? 2 + r.nextInt(6) : r.nextInt(8);
        StringBuilder b = new StringBuilder();
        switch (kind) {
            case 0 -> {
                b.append('{').append(space(r));
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',').append(space(r));
                    }
                    b.append(string(r, "k" + i)).append(space(r)).append(':').append(space(r)).append(document(r, depth + 1));
                }
                b.append(space(r)).append('}');
            }
            case 1 -> {
                b.append('[').append(space(r));
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(space(r)).append(',').append(space(r));
                    }
                    b.append(document(r, depth + 1));
                }
                b.append(space(r)).append(']');
            }
            case 2 -> b.append(string(r, ""));
            case 3 -> b.append(r.nextInt() >> r.nextInt(32));
            case 4 -> b.append(r.nextLong() >> r.nextInt(64));
            case 5 -> b.append(switch (r.nextInt(6)) {
                case 0 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
                case 1 -> (r.nextBoolean() ? "-" : "") + r.nextInt(1000) + "." + r.nextInt(100000);
                case 2 -> r.nextInt(100) + (r.nextBoolean() ? "e" : "E") + (r.nextBoolean() ? "-" : "+") + r.nextInt(30);
                case 3 -> "1" + "0".repeat(r.nextInt(40));
                case 4 -> "-" + "9".repeat(1 + r.nextInt(30));
                default -> Float.toString(r.nextFloat());
            });
            case 6 -> b.append(List.of("true", "false", "null").get(r.nextInt(3)));
            default -> b.append(string(r, WORDS[r.nextInt(WORDS.length)]));
        }
        return b.toString();
    }

    private static String space(Random r) {
        return List.of("", "", " ", "\n", "\t", "\r\n  ").get(r.nextInt(6));
    }

    /** A JSON string literal of {@code s} (or random text), escaped in one of the ways JSON allows. */
    private static String string(Random r, String s) {
        if (s.isEmpty() && r.nextBoolean()) {
            StringBuilder t = new StringBuilder();
            int n = r.nextInt(12);
            for (int i = 0; i < n; i++) {
                t.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x3000) : 0x20 + r.nextInt(0x5f)));
            }
            s = t.toString().replaceAll("[\\ud800-\\udfff]", "x");
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || r.nextInt(10) == 0) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
