package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels files: one label per line, or Keras's JSON class index; errors name the file and line or key. */
class LabelsTest {
    @TempDir
    Path dir;

    Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    List<String> read(String text) throws Exception {
        return Labels.read(file("l.txt", text)).names();
    }

    /** The error for a file holding {@code text}; its message names the file. */
    CommandException error(String name, String text) throws Exception {
        Path f = file(name, text);
        CommandException e = assertThrows(CommandException.class, () -> Labels.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.hint() != null && !e.hint().isBlank(), e.getMessage());
        return e;
    }

    @Test
    void oneLabelPerLineInClassOrder() throws Exception {
        assertEquals(List.of("no_person", "person"), read("no_person\nperson\n"));
        // CR LF, surrounding spaces, blank lines at the end, a byte order mark, spaces inside a label
        assertEquals(List.of("tench", "great white shark"), read("\uFEFF tench\r\ngreat white shark \r\n\r\n\n  \n"));
        assertEquals(List.of("καλημέρα", "猫"), read("καλημέρα\n猫"));
        assertEquals(List.of("only"), read("only"));
    }

    @Test
    void aBlankLineBeforeMoreLabelsIsAnError() throws Exception {
        CommandException e = error("gap.txt", "cat\n\ndog\n");
        assertTrue(e.getMessage().contains("line 2 is blank"), e.getMessage());
        assertTrue(e.getMessage().contains("class 1"), e.getMessage());
    }

    @Test
    void emptyAndNonUtf8FilesAreErrors() throws Exception {
        assertTrue(error("empty.txt", "\n \n").getMessage().contains("has no labels"));
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        CommandException e = assertThrows(CommandException.class, () -> Labels.read(latin1));
        assertTrue(e.getMessage().contains(latin1 + " is not UTF-8 text"), e.getMessage());
        CommandException missing = assertThrows(CommandException.class, () -> Labels.read(dir.resolve("nope.txt")));
        assertTrue(missing.getMessage().contains("no such labels file"), missing.getMessage());
    }

    @Test
    void jsonObjectOfIndexToLabel() throws Exception {
        assertEquals(List.of("cat", "dog"), read("{\"0\": \"cat\", \"1\": \"dog\"}"));
        // keys in any order; escapes; Keras's imagenet_class_index.json values: the last string is the label
        assertEquals(List.of("tench", "goldfish", "a \"b\" \u00e9/"), read("""
                {
                  "2": "a \\"b\\" \\u00e9\\/",
                  "1": ["n01443537", "goldfish"],
                  "0": ["n01440764", "tench", 7]
                }
                """));
    }

    @Test
    void jsonErrorsNameTheKeyOrLineAndColumn() throws Exception {
        assertTrue(error("gap.json", "{\"0\": \"cat\", \"2\": \"dog\"}").getMessage()
                .contains("no label for class 1 (the keys go up to 2)"));
        assertTrue(error("key.json", "{\"0\": \"cat\", \"one\": \"dog\"}").getMessage()
                .contains("key \"one\" is not a class index"));
        assertTrue(error("neg.json", "{\"-1\": \"cat\"}").getMessage().contains("key \"-1\" is not a class index"));
        assertTrue(error("num.json", "{\"0\": 3}").getMessage().contains("key \"0\" has no label"));
        assertTrue(error("blank.json", "{\"0\": [\"n1\", \" \"]}").getMessage().contains("key \"0\" has no label (it is blank)"));
        CommandException dup = error("dup.json", "{\"0\": \"cat\",\n \"0\": \"dog\"}");
        assertTrue(dup.getMessage().contains("line 2, column 2: the key \"0\" appears twice"), dup.getMessage());
        CommandException comma = error("comma.json", "{\"0\": \"cat\"\n \"1\": \"dog\"}");
        assertTrue(comma.getMessage().contains("line 2, column 2: expected ',' or '}' in an object"), comma.getMessage());
        CommandException open = error("open.json", "{\"0\": [\"n1\", \"cat\"]");
        assertTrue(open.getMessage().contains("the object opened at line 1, column 1 is not closed"), open.getMessage());
        assertTrue(error("tail.json", "{\"0\": \"cat\"} x").getMessage().contains("unexpected text after the JSON value"));
        assertTrue(error("str.json", "{\"0\": \"cat}").getMessage().contains("line 1, column 7: the string is not closed"));
        assertTrue(error("esc.json", "{\"0\": \"c\\qt\"}").getMessage().contains("unknown escape \\q"));
        assertTrue(error("lit.json", "{\"0\": yes}").getMessage().contains("line 1, column 7: expected a value"));
    }
}
