package io.cnnkit.io.api;

import java.nio.file.Path;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.image.NpyCodec;

/**
 * NumPy .npy files of float32: written as format 1.0, little-endian {@code '<f4'}, C order,
 * with the tensor's shape (e.g. (1, H, W, C) or (1, N)); {@code numpy.load} reads them.
 * Reading accepts format 1.0/2.0/3.0 files of {@code '<f4'} or {@code '>f4'} in C order.
 */
public final class Npy {
    private Npy() {
    }

    public static void write(Tensor t, Path file) {
        NpyCodec.write(t, file);
    }

    public static Tensor read(Path file) {
        return NpyCodec.read(file);
    }
}
