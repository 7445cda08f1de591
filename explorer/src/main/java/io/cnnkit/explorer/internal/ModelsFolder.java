package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The --models folder: its model files (.h5, .hdf5, .json, not in subfolders) are the only
 * files on the server's disk the explorer reads models from.
 */
final class ModelsFolder {
    private final Path dir;

    ModelsFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    List<String> list() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && Uploads.MODEL_EXTENSIONS.contains(ext(n))).sorted().toList();
        } catch (IOException e) {
            throw new HttpError(500, "cannot list the models folder " + dir + ": " + e.getMessage(),
                    "check that it exists and can be read");
        }
    }

    /** A listed file by name; anything else (a path, "..", a file not listed) is refused. */
    Path file(String name) {
        Uploads.extension(name, Uploads.MODEL_EXTENSIONS, "model");
        Path p = dir.resolve(name).normalize();
        if (!p.getParent().equals(dir) || !list().contains(name)) {
            throw HttpError.notFound("no model file '" + Uploads.printable(name) + "' in the models folder",
                    "GET /api/models lists the folder's files under 'folder'");
        }
        return p;
    }

    /** The labels file of a listed model, {@code STEM.labels.txt} or {@code STEM.labels.json} beside it, or null. */
    Path labelsFor(String model) {
        int dot = model.lastIndexOf('.');
        for (String ext : new String[] {".labels.txt", ".labels.json"}) {
            Path p = dir.resolve(model.substring(0, dot) + ext).normalize();
            if (p.getParent().equals(dir) && Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static String ext(String n) {
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
