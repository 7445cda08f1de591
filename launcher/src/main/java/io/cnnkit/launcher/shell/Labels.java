package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.cnnkit.io.api.ClassLabels;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.LabelsException;

/**
 * Class labels for {@code run --labels FILE}, in class order (label 0 first), read by io.image's
 * {@link ClassLabels} (the explorer reads them the same way). The file is UTF-8
 * text with one label per line (blank lines at the end ignored), or a JSON object of class index
 * to label as Keras's {@code imagenet_class_index.json}: {@code {"0": "cat", "1": "dog"}}, or a
 * list per class whose last string is the label ({@code {"0": ["n01440764", "tench"]}}). A file
 * whose first non-blank character is '{' is read as JSON. Errors name the file and the line or key.
 *
 * @param file  where the labels came from (for messages)
 * @param names the labels, class 0 first
 */
record Labels(Path file, List<String> names) {
    static final String TEXT_HINT = ClassLabels.TEXT_HINT;

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
        try {
            return new Labels(file, ClassLabels.parse(file.toString(), text));
        } catch (LabelsException e) {
            throw new CommandException(e.getMessage(), e.hint());
        }
    }
}
