package io.cnnkit.io.api;

import java.nio.file.Path;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.image.ImageDecoder;
import io.cnnkit.io.image.Pictures;

/**
 * Images (PNG, JPEG, BMP, GIF) to NHWC float32 tensors of RGB values 0..255, and stage
 * outputs and conv kernels to pictures.
 *
 * <p>Reading goes through the JDK's ImageIO. Grey, palette, RGB, grey+alpha and RGBA
 * images of 8 or 16 bits per sample are supported; 16-bit samples are scaled
 * 0..65535 to 0..255 (and other bit depths likewise to 0..255); an alpha channel is
 * dropped (colour values are kept as stored, not composited onto a background); a GIF's
 * first frame is read. CMYK JPEGs are converted without a colour profile,
 * R = 255 (1 - C) (1 - K) etc., as PIL's {@code convert('RGB')}; JPEG colour types the JDK
 * cannot decode are refused with an error saying so. Any decoder warning, e.g. a truncated JPEG, is an error: a partly decoded image
 * never becomes a tensor. Embedded JPEG ICC profiles are ignored (as PIL, OpenCV and
 * Keras's {@code load_img}; the JDK alone would colour-convert). EXIF orientation is not applied (as PIL's {@code Image.open};
 * OpenCV's imread does rotate). The header is checked against {@link ImageOptions#maxPixels()}
 * before any pixel is decoded.
 */
public final class Images {
    private Images() {
    }

    /**
     * Reads an image as a (1, H, W, C) tensor; C is 3 (RGB, or BGR with
     * {@link ImageOptions#bgr()}) or 1 with {@link ImageOptions#grey()} (ITU-R 601 luma
     * 0.299 R + 0.587 G + 0.114 B, as OpenCV and PIL's 'L', but not rounded to integers;
     * grey sources keep their exact values). Resizing is bilinear with half-pixel centres
     * (OpenCV INTER_LINEAR, no antialiasing), then values are multiplied by
     * {@link ImageOptions#rescale()}. Errors are {@link CnnIoException}s that name the file.
     */
    public static Tensor read(Path file, ImageOptions options) {
        return ImageDecoder.read(file, options);
    }

    /**
     * Reads an image from its encoded bytes (a file's content, e.g. a Spark {@code binaryFile}
     * row), exactly as {@link #read(Path, ImageOptions)} reads the file: same tensor, and the
     * same error messages with {@code name} where those name the file.
     *
     * @since 1.3
     */
    public static Tensor read(byte[] content, String name, ImageOptions options) {
        return ImageDecoder.read(content, name, options);
    }

    /** Reads with {@link ImageOptions#DEFAULT}. */
    public static Tensor read(Path file) {
        return read(file, ImageOptions.DEFAULT);
    }

    /**
     * Writes a stage output as a picture (format by the file's extension: png, jpg, bmp,
     * gif) with {@link PictureOptions#DEFAULT}: min-max normalised over the whole tensor to
     * 0..255; 1 channel grey, 3 channels colour, other counts a labelled grid of per-channel
     * maps, 1-D a bar chart (or, over 800 values, a wrapped grid).
     */
    public static void writePicture(Tensor stage, Path file) {
        writePicture(stage, file, PictureOptions.DEFAULT);
    }

    /**
     * Writes a stage output as a picture. The tensor is one sample: (1, H, W, C) or (1, N).
     * A constant tensor gives mid-grey 128. For C other than 1 and 3 the maps are laid out
     * in a grid of ceil(sqrt(C)) columns, each labelled with its channel index. Vectors
     * (1, N) of up to 800 values become a bar chart from a zero line, one bar per value; longer
     * vectors (a flatten of thousands of values) are wrapped row by row into a near-square grid
     * of ceil(sqrt(N)) columns, one viridis cell per value (cells after the last value white).
     * Maps smaller than 32 pixels are enlarged by nearest neighbour unless
     * {@link PictureOptions#scale()} says otherwise. {@link PictureOptions#range()} replaces
     * min-max by a fixed range ({@link PictureOptions.Range#CLIP}: 0..255 as is, clamped).
     * {@link Reports#colourScale} describes the picture's colours.
     */
    public static void writePicture(Tensor stage, Path file, PictureOptions options) {
        Pictures.write(stage, file, options);
    }

    /**
     * Writes conv kernels (kh, kw, in, out) as a picture: one row per filter, one tile per
     * input channel (plus a colour tile when in == 3), min-max over the whole kernel unless
     * {@link PictureOptions#perChannel()}.
     */
    public static void writeKernels(Tensor kernel, Path file) {
        writeKernels(kernel, file, PictureOptions.DEFAULT);
    }

    public static void writeKernels(Tensor kernel, Path file, PictureOptions options) {
        Pictures.writeKernels(kernel, file, options);
    }

    /** The image size from the file header, {width, height}, without decoding pixels. */
    public static int[] size(Path file) {
        return ImageDecoder.size(file);
    }
}
