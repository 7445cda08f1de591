package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;

/**
 * A MODEL argument read: the description, where it came from ("description" or the file) and
 * the weights file that comes with it (a full-model .h5; else null).
 */
record ModelSource(ModelDescription description, String origin, Path weights) {
    static final String DESCRIPTION = "description";

    /**
     * Reads a MODEL argument: a cnnkit or Keras JSON file, a full-model Keras .h5 (architecture
     * from its model_config, weights from the same file), or a description string.
     */
    static ModelSource read(Engine engine, String model) {
        if (model == null || model.isBlank()) {
            throw new CommandException("no model given", "give a JSON file, a full-model .h5 or a description such as "
                    + "'conv2d(3, 3) | max_pooling2d(3) | relu'");
        }
        Path p = asPath(model);
        if (p != null && Files.isDirectory(p)) {
            throw new CommandException("the model " + p + " is a folder",
                    "give a model file (cnnkit or Keras JSON, or a full-model Keras .h5) or a description in quotes");
        }
        if (p != null && Files.isRegularFile(p) && isImage(p)) {
            throw new CommandException(p + " is an image where the model is expected",
                    "the model comes first: ./cnnkit run MODEL IMAGE");
        }
        if (p != null && Files.isRegularFile(p)) {
            if (isH5(p)) {
                Optional<String> config = KerasWeights.modelConfig(p);
                if (config.isEmpty()) {
                    throw new CommandException(p + " holds weights only (no model_config attribute)",
                            "give the architecture as JSON and the weights with --weights " + p);
                }
                return new ModelSource(parseFile(engine, p, config.get()), p.toString(), p);
            }
            String text;
            try {
                text = Files.readString(p);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new CommandException(p + " is not a text file, so not a model description",
                        "a model file is cnnkit or Keras JSON, or a full-model Keras .h5");
            } catch (IOException e) {
                throw new CnnIoException("cannot read model file " + p + ": " + e.getMessage(), e);
            }
            if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") && !text.isBlank()
                    && !text.strip().startsWith("{")) {
                throw new CommandException(p + ": not a JSON object; a model file holds {\"layers\": [...]} (cnnkit) or"
                        + " a Keras model.to_json()", "check the model file, or give a one-line description in quotes");
            }
            return new ModelSource(parseFile(engine, p, text), p.toString(), null);
        }
        if (looksLikeFile(model)) {
            throw new CommandException("no such model file: " + model,
                    "check the path, or give a description such as 'conv2d(3, 3) | relu'");
        }
        return new ModelSource(engine.parse(model), DESCRIPTION, null);
    }

    /** An error about this model (building it, say): with the model file's name in front, if from a file. */
    RuntimeException error(ModelException e) {
        return DESCRIPTION.equals(origin) ? e : inFile(origin, e);
    }

    /** Whether a file starts like a PNG, JPEG, GIF or BMP image (what io.image reads). */
    static boolean isImage(Path p) {
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(p)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 2) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        return (head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G')
                || (head[0] == (byte) 0xFF && head[1] == (byte) 0xD8)
                || (head[0] == 'G' && head[1] == 'I' && head[2] == 'F')
                || (head[0] == 'B' && head[1] == 'M');
    }

    /** Parses a model file's text; errors name the file (the engine's name the layer, not the file). */
    private static ModelDescription parseFile(Engine engine, Path p, String text) {
        try {
            return engine.parse(text);
        } catch (ModelException e) {
            throw inFile(p.toString(), e);
        }
    }

    /** The same error with the model file's name in front; "type unavailable" errors (API) keep their class. */
    private static RuntimeException inFile(String file, ModelException e) {
        if (e instanceof ModelUnavailableException || String.valueOf(e.getMessage()).startsWith(file)) {
            return e;
        }
        return new ModelException(file + ": " + e.getMessage(), e);
    }

    private static Path asPath(String s) {
        try {
            return Path.of(s);
        } catch (RuntimeException e) {
            return null; // characters a path cannot hold: a description
        }
    }

    private static boolean isH5(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".h5") || n.endsWith(".hdf5");
    }

    private static boolean looksLikeFile(String s) {
        String l = s.toLowerCase(Locale.ROOT).strip();
        return l.endsWith(".json") || l.endsWith(".h5") || l.endsWith(".hdf5")
                || (!l.contains("(") && !l.contains("|") && !l.startsWith("{") && l.contains("/"));
    }
}
