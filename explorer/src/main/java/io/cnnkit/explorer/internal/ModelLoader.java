package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;

/**
 * Builds models from what the explorer accepts: a cnnkit or Keras JSON file, a full-model Keras
 * .h5 (architecture and weights), a one-line description, or the walkthrough's seed model.
 * Errors are 422s naming the file and the engine's reason.
 */
final class ModelLoader {
    private ModelLoader() {
    }

    /** Builds the model in {@code file} (extension already checked) under {@code name}. */
    static Model fromFile(Engine engine, Path file, String shownName, String name) {
        String ext = file.getFileName().toString().substring(file.getFileName().toString().lastIndexOf('.') + 1)
                .toLowerCase(Locale.ROOT);
        try {
            if (ext.equals("h5") || ext.equals("hdf5")) {
                Optional<String> config = KerasWeights.modelConfig(file);
                if (config.isEmpty()) {
                    throw HttpError.unprocessable(shownName + " holds weights only (no model_config attribute)",
                            "load a full-model .h5 (model.save('x.h5')) or the architecture as JSON");
                }
                Model m = build(engine, engine.parse(config.get()), name, shownName);
                try {
                    KerasWeights.load(m, file, LoadOptions.BY_NAME);
                } catch (RuntimeException e) {
                    m.close();
                    throw e;
                }
                return m;
            }
            String text;
            try {
                text = Files.readString(file);
            } catch (CharacterCodingException e) {
                throw HttpError.unprocessable(shownName + " is not a text file, so not a JSON model",
                        "a model file is cnnkit or Keras JSON, or a full-model Keras .h5");
            }
            if (!text.strip().startsWith("{")) {
                throw HttpError.unprocessable(shownName + " is not a JSON object",
                        "a model file holds {\"layers\": [...]} (cnnkit) or a Keras model.to_json()");
            }
            return build(engine, engine.parse(text), name, shownName);
        } catch (ModelException | CnnIoException e) {
            throw HttpError.unprocessable(inFile(shownName, e.getMessage(), file), "check the model file");
        } catch (IOException e) {
            throw new HttpError(500, "cannot read " + shownName + ": " + e.getMessage(), "upload it again");
        }
    }

    /** Builds a one-line description such as {@code conv2d(3, 3) | relu}. */
    static Model fromDescription(Engine engine, String text, String name) {
        if (text == null || text.isBlank()) {
            throw HttpError.badRequest("the description is empty", "write one such as 'conv2d(3, 3) | max_pooling2d(3) | relu'");
        }
        if (text.length() > 20_000) {
            throw HttpError.badRequest("the description is over 20,000 characters", "upload a JSON file instead");
        }
        try {
            return build(engine, engine.parse(text), name, "the description");
        } catch (ModelException e) {
            throw HttpError.unprocessable(e.getMessage(), "descriptions look like 'conv2d(3, 3) | max_pooling2d(3) | relu'");
        }
    }

    /** The walkthrough's seed model on 300x300 RGB (the bundled photo's size), as ./cnnkit demo builds it. */
    static ModelDescription seed(String activation) {
        return io.cnnkit.engine.api.Walkthrough.seedModel(Shape.of(300, 300, 3), activation);
    }

    static Model build(Engine engine, ModelDescription d, String name, String shownName) {
        try {
            return engine.build(d.withName(name));
        } catch (ModelException e) {
            throw HttpError.unprocessable(inFile(shownName, e.getMessage(), null),
                    "GET /api/runtime lists the layer types and activations present");
        }
    }

    private static String inFile(String shown, String message, Path file) {
        String m = String.valueOf(message);
        if (file != null) {
            m = m.replace(file.toString(), shown); // the server's own path means nothing to the user
        }
        return m.startsWith(shown) ? m : shown + ": " + m;
    }
}
