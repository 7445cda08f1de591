package io.cnnkit.io.api;

import java.nio.file.Path;

import io.cnnkit.engine.api.Tensor;

/** NumPy .npy files (format 1.0, little-endian float32). */
public final class Npy {
    private Npy() {
    }

    public static void write(Tensor t, Path file) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static Tensor read(Path file) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
