package io.cnnkit.io.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies committed test resources (written by cnf/golden/io_images.py) to real files. */
public final class TestFiles {
    private TestFiles() {
    }

    public static Path copy(String name, Path dir) {
        try (InputStream in = TestFiles.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalStateException("/images/" + name + " missing; run /usr/bin/python3 cnf/golden/io_images.py");
            }
            Path f = dir.resolve(name);
            Files.copy(in, f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String name) {
        try (InputStream in = TestFiles.class.getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
