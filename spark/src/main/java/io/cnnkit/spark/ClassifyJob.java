package io.cnnkit.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.launcher.shell.ClassifyParams;
import io.cnnkit.launcher.shell.ClassifyRunner;

/**
 * Everything an executor needs to classify images as {@code ./cnnkit classify} would, shipped
 * once per executor as a broadcast: the model file's (or description's) and the weights and
 * labels files' bytes, and the classify options. Executors rebuild the model from it once
 * ({@link Executors}).
 *
 * @param id          tells runs apart in an executor's cache
 * @param modelName   the model's name (error rows name it)
 * @param model       the MODEL file, or null for a description
 * @param description the MODEL argument when it is no file
 * @param weights     the weights file (--weights), or null
 * @param labels      the labels file (--labels), or null
 * @param out         the result file's name (its extension decides what --features allows)
 * @param threads     model threads per task; 0: one (a Spark task per core does the parallel part)
 */
public record ClassifyJob(String id, String modelName, ShippedFile model, String description, ShippedFile weights,
        boolean byName, boolean skipMismatch, ShippedFile labels, String out, int top, String features, int batch,
        int threads, double rescale, boolean bgr, boolean grey, boolean resize) implements Serializable {

    /** A file's name and bytes. */
    public record ShippedFile(String name, byte[] bytes) implements Serializable {
        static ShippedFile read(Path file) {
            if (file == null) {
                return null;
            }
            try {
                return new ShippedFile(file.getFileName().toString(), Files.readAllBytes(file));
            } catch (IOException e) {
                throw new CnnIoException("cannot read " + file + " to ship it to the Spark executors: "
                        + e.getMessage(), e);
            }
        }

        Path writeTo(Path dir) {
            try {
                return Files.write(dir.resolve(name), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The job of a classify run: the files of {@code request} and {@code params} read here (on
     * the driver), for executors that may not see them.
     */
    public static ClassifyJob of(ClassifyRunner.ModelRequest request, ClassifyParams params) {
        Path modelFile = asFile(request.model());
        LoadOptions o = request.options() == null ? LoadOptions.BY_NAME : request.options();
        return new ClassifyJob(UUID.randomUUID().toString(), request.name(), ShippedFile.read(modelFile),
                modelFile == null ? request.model() : null, ShippedFile.read(request.weights()), o.byName(),
                o.skipMismatch(), ShippedFile.read(params.labels()), params.out().getFileName().toString(),
                params.top(), params.features(), params.batch(), params.threads(), params.rescale(), params.bgr(),
                params.grey(), params.resize());
    }

    /** The classify options on an executor, the labels at {@code labelsFile}. */
    ClassifyParams params(Path labelsFile) {
        return new ClassifyParams(List.of(), Path.of(out), labelsFile, top, features, false, batch,
                threads > 0 ? threads : 1, rescale, bgr, grey, resize, null);
    }

    /** Images per model run. */
    int batchSize() {
        return params(null).batchSize();
    }

    /** The MODEL argument as a file, when it names one (else it is a description). */
    private static Path asFile(String model) {
        try {
            Path p = Path.of(model);
            return Files.isRegularFile(p) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
