package io.cnnkit.io.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Class labels, in class order (label 0 first), as ./cnnkit run --labels and the explorer read
 * them: UTF-8 text with one label per line (blank lines at the end ignored), or a JSON object of
 * class index to label as Keras's {@code imagenet_class_index.json}: {@code {"0": "cat", "1": "dog"}},
 * or a list per class whose last string is the label ({@code {"0": ["n01440764", "tench"]}}). A
 * text whose first non-blank character is '{' is read as JSON. Errors are {@link LabelsException}s
 * naming the file and the line or key.
 */
public final class ClassLabels {
    /** What a labels file looks like. */
    public static final String TEXT_HINT = "one label per line in class order (line 1 = class 0), or a JSON object "
            + "{\"0\": \"cat\", \"1\": \"dog\"}";

    private ClassLabels() {
    }

    /**
     * The labels in {@code text} (already decoded; a leading byte order mark is skipped).
     *
     * @param file the file's name for messages
     */
    public static List<String> parse(String file, String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark, as some editors write
        }
        List<String> names = text.strip().startsWith("{") ? fromJson(file, LabelsJson.parse(file, text))
                : fromLines(file, text);
        if (names.isEmpty()) {
            throw new LabelsException("labels file " + file + " has no labels", "give " + TEXT_HINT);
        }
        return names;
    }

    /** One label per line; CR LF line ends, surrounding spaces and blank lines at the end are dropped. */
    private static List<String> fromLines(String file, String text) {
        String[] lines = text.split("\n", -1);
        int last = lines.length - 1;
        while (last >= 0 && lines[last].isBlank()) {
            last--;
        }
        List<String> out = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            String label = lines[i].strip();
            if (label.isEmpty()) {
                throw new LabelsException("labels file " + file + ": line " + (i + 1) + " is blank but labels follow"
                        + " it, so it would be class " + i + " without a name",
                        "remove the blank line or name the class; " + TEXT_HINT);
            }
            out.add(label);
        }
        return out;
    }

    /**
     * Keras's class index: keys "0".."N-1" (each once, in any order), values a label or a list
     * whose last string is the label.
     */
    private static List<String> fromJson(String file, Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            throw new LabelsException("labels file " + file + ": expected a JSON object of class index to label",
                    LabelsJson.HINT);
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            if (!key.matches("0|[1-9][0-9]{0,8}")) {
                throw new LabelsException("labels file " + file + ": key \"" + key + "\" is not a class index",
                        "keys are class indices \"0\", \"1\", ...; " + LabelsJson.HINT);
            }
            String label = labelOf(e.getValue());
            if (label == null || label.isBlank()) {
                throw new LabelsException("labels file " + file + ": key \"" + key + "\" has no label"
                        + (label == null ? " (its value is not a string, nor a list ending with one)" : " (it is blank)"),
                        LabelsJson.HINT);
            }
            byIndex.put(Integer.parseInt(key), label.strip());
        }
        List<String> out = new ArrayList<>(byIndex.size());
        for (Map.Entry<Integer, String> e : byIndex.entrySet()) {
            if (e.getKey() != out.size()) {
                throw new LabelsException("labels file " + file + ": no label for class " + out.size()
                        + " (the keys go up to " + byIndex.lastKey() + ")",
                        "every class from 0 up needs a key; " + LabelsJson.HINT);
            }
            out.add(e.getValue());
        }
        return out;
    }

    /** A string, or the last string of a list (["n01440764", "tench"] gives "tench"); null otherwise. */
    private static String labelOf(Object value) {
        if (value instanceof List<?> list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i) instanceof String s) {
                    return s;
                }
            }
            return null;
        }
        return value instanceof String s ? s : null;
    }
}
