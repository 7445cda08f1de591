package io.cnnkit.io.api;

import java.nio.file.Path;

import io.cnnkit.engine.api.Tensor;

/** Images (PNG, JPEG, BMP, GIF) to NHWC float32 tensors of RGB values 0..255. */
public final class Images {
    private Images() {
    }

    /** Reads an image as a (1, H, W, C) tensor. Errors name the file and the problem. */
    public static Tensor read(Path file, ImageOptions options) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Writes a stage output as a picture (PNG by the file's extension): min-max normalised
     * over the whole tensor to 0..255; 1 channel grey, 3 channels colour, other counts a
     * labelled grid of per-channel maps, 1-D a bar chart.
     */
    public static void writePicture(Tensor stage, Path file) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
