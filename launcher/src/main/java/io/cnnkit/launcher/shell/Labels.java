package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cnnkit.io.api.CnnIoException;

/**
 * Class labels for {@code run --labels FILE}, in class order (label 0 first). The file is UTF-8
 * text with one label per line (blank lines at the end ignored), or a JSON object of class index
 * to label as Keras's {@code imagenet_class_index.json}: {@code {"0": "cat", "1": "dog"}}, or a
 * list per class whose last string is the label ({@code {"0": ["n01440764", "tench"]}}). A file
 * whose first non-blank character is '{' is read as JSON. Errors name the file and the line or key.
 *
 * @param file  where the labels came from (for messages)
 * @param names the labels, class 0 first
 */
record Labels(Path file, List<String> names) {
    static final String TEXT_HINT = "one label per line in class order (line 1 = class 0), or a JSON object "
            + "{\"0\": \"cat\", \"1\": \"dog\"}";

    Labels {
        names = List.copyOf(names);
    }

    int size() {
        return names.size();
    }

    /** Reads a labels file (see the class comment). */
    static Labels read(Path file) {
        FileArgs.requireFile(file, "labels file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CnnIoException("cannot read labels file " + file + ": " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CommandException("labels file " + file + " is not UTF-8 text",
                    "save it as UTF-8 with " + TEXT_HINT);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark, as some editors write
        }
        List<String> names = text.strip().startsWith("{") ? fromJson(file, LabelsJson.parse(file, text))
                : fromLines(file, text);
        if (names.isEmpty()) {
            throw new CommandException("labels file " + file + " has no labels", "give " + TEXT_HINT);
        }
        return new Labels(file, names);
    }

    /** One label per line; CR LF line ends, surrounding spaces and blank lines at the end are dropped. */
    static List<String> fromLines(Path file, String text) {
        String[] lines = text.split("\n", -1);
        int last = lines.length - 1;
        while (last >= 0 && lines[last].isBlank()) {
            last--;
        }
        List<String> out = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            String label = lines[i].strip();
            if (label.isEmpty()) {
                throw new CommandException("labels file " + file + ": line " + (i + 1) + " is blank but labels follow"
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
    static List<String> fromJson(Path file, Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            throw new CommandException("labels file " + file + ": expected a JSON object of class index to label",
                    LabelsJson.HINT);
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            if (!key.matches("0|[1-9][0-9]{0,8}")) {
                throw new CommandException("labels file " + file + ": key \"" + key + "\" is not a class index",
                        "keys are class indices \"0\", \"1\", ...; " + LabelsJson.HINT);
            }
            String label = labelOf(e.getValue());
            if (label == null || label.isBlank()) {
                throw new CommandException("labels file " + file + ": key \"" + key + "\" has no label"
                        + (label == null ? " (its value is not a string, nor a list ending with one)" : " (it is blank)"),
                        LabelsJson.HINT);
            }
            byIndex.put(Integer.parseInt(key), label.strip());
        }
        List<String> out = new ArrayList<>(byIndex.size());
        for (Map.Entry<Integer, String> e : byIndex.entrySet()) {
            if (e.getKey() != out.size()) {
                throw new CommandException("labels file " + file + ": no label for class " + out.size()
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
