package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images a classify run reads: files as given, folders searched recursively for image
 * files (sorted by path, so runs and resumes see one order), globs the shell did not expand. Only the paths are held, never
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
            } else if (isGlob(in.toString())) {
                out.addAll(glob(in.toString()));
            } else {
                throw new CommandException("no such image or folder: " + in, "check the path (relative paths start at "
                        + Path.of("").toAbsolutePath() + ")");
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

    private static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    /**
     * A glob the shell left alone (quoted, or no shell: spark-submit, a script), as the shell
     * would expand it: {@code photos/*.jpg}, also {@code photos/**.jpg} across folders (Java's
     * glob syntax); the files it matches, sorted. Paths keep the pattern's form (relative stays relative).
     */
    private static List<Path> glob(String pattern) {
        int cut = 0;
        for (int i = 0; i < pattern.length() && !isGlob(String.valueOf(pattern.charAt(i))); i++) {
            if (pattern.charAt(i) == '/' || pattern.charAt(i) == java.io.File.separatorChar) {
                cut = i + 1;
            }
        }
        Path base = Path.of(cut == 0 ? "." : pattern.substring(0, cut));
        String prefix = cut == 0 ? "" : pattern.substring(0, cut);
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(cut));
        List<Path> found;
        try (Stream<Path> files = Files.walk(base)) {
            found = files.filter(Files::isRegularFile).map(base::relativize).filter(m::matches)
                    .map(p -> Path.of(prefix + p)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            found = List.of();
        }
        if (found.isEmpty()) {
            throw new CommandException("no file matches " + pattern, "check the pattern (relative paths start at "
                    + Path.of("").toAbsolutePath() + "); '*' stays in one folder, '**' crosses folders");
        }
        return found;
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
