package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cnnkit.io.api.CnnIoException;

/** Checks and helpers for the files the commands take and write. */
final class FileArgs {
    private FileArgs() {
    }

    /** The file name without its extension. */
    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Fails with "no such WHAT" unless {@code p} is a regular file. */
    static void requireFile(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new CommandException("no such " + what + ": " + p, Files.isDirectory(p) ? p + " is a folder; give a file"
                    : "check the path (relative paths start at " + Path.of("").toAbsolutePath() + ")");
        }
    }

    static void mkdirs(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CnnIoException("cannot create folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
