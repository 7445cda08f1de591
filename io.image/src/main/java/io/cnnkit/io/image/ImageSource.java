package io.cnnkit.io.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An image's encoded bytes: a file, or bytes already in memory (a Spark {@code binaryFile}
 * row). {@code name} is what every error message starts with, so one image gives the same
 * message whichever way it was read.
 *
 * @param name  the file as the caller names it
 * @param file  the file, or null for {@code bytes}
 * @param bytes the encoded image, or null for {@code file}
 */
record ImageSource(String name, Path file, byte[] bytes) {
    static ImageSource of(Path file) {
        return new ImageSource(file.toString(), file, null);
    }

    static ImageSource of(String name, byte[] bytes) {
        return new ImageSource(name, null, bytes);
    }

    InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(bytes);
    }

    ImageInputStream openImage() throws IOException {
        // MemoryCacheImageInputStream: no temporary files (ImageIO's default for a stream may use disk)
        return file != null ? ImageIO.createImageInputStream(file.toFile())
                : new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    }

    long size() throws IOException {
        return file != null ? Files.size(file) : bytes.length;
    }

    @Override
    public String toString() {
        return name;
    }
}
