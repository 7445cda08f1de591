package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images a classify run reads: files as given, folders searched recursively for image
 * files (sorted by path, so runs and resumes see one order). Only the paths are held, never
 * decoded images.
 */
final class ImageInputs {
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageInputs() {
    }

    /**
     * Every image of {@code inputs} in order: each input's files in turn, a folder's sorted.
     * A file given by name is kept whatever its extension (a bad one gets an error row); a
     * missing input fails before any work.
     */
    static List<Path> expand(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                out.addAll(folder(in));
            } else if (Files.exists(in)) {
                out.add(in);
            } else {
                throw new CommandException("no such image or folder: " + in, "check the path (relative paths start at "
                        + Path.of("").toAbsolutePath() + "); a glob that matched nothing reaches cnnkit unexpanded");
            }
        }
        return out;
    }

    private static List<Path> folder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && isImageName(p)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new CommandException("cannot list folder " + dir + ": " + e.getMessage(),
                    "check that the folder and its subfolders are readable");
        }
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
