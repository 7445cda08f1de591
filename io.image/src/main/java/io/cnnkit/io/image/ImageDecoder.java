package io.cnnkit.io.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;

/**
 * Decodes an image file through the JDK's ImageIO into a (1, H, W, C) float tensor.
 *
 * <p>Samples are read from the raster, not through {@code getRGB}: {@code getRGB} treats
 * grey images as linear light and gamma-converts them, and it drops 16-bit precision.
 * Any warning the reader reports (a truncated JPEG is only a warning in ImageIO) is an
 * error, so a half-decoded picture never becomes a tensor. Embedded JPEG ICC profiles are
 * ignored ({@link JpegIcc}), as PIL and OpenCV do.
 */
public final class ImageDecoder {
    /** ITU-R BT.601 luma weights, as OpenCV's cvtColor(BGR2GRAY) and PIL's convert('L'). */
    static final double LUMA_R = 0.299;
    static final double LUMA_G = 0.587;
    static final double LUMA_B = 0.114;

    private ImageDecoder() {
    }

    public static Tensor read(Path file, ImageOptions options) {
        check(options);
        if (!Files.exists(file)) {
            throw new CnnIoException(file + ": image file not found");
        }
        if (Files.isDirectory(file)) {
            throw new CnnIoException(file + ": is a directory, not an image file");
        }
        return read(ImageSource.of(file), options);
    }

    /** Decodes an image held in memory; errors start with {@code name}, as {@link #read(Path, ImageOptions)}'s with the file. */
    public static Tensor read(byte[] content, String name, ImageOptions options) {
        check(options);
        if (content == null) {
            throw new IllegalArgumentException("no image bytes for " + name);
        }
        return read(ImageSource.of(name, content), options);
    }

    private static void check(ImageOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("image options are null; use ImageOptions.DEFAULT");
        }
        if (options.maxPixels() <= 0) {
            throw new IllegalArgumentException("ImageOptions.maxPixels must be positive, got " + options.maxPixels());
        }
        if ((options.width() == 0) != (options.height() == 0) || options.width() < 0 || options.height() < 0) {
            throw new IllegalArgumentException("resize needs both width and height > 0 (or both 0 to keep the size), got "
                    + options.width() + "x" + options.height());
        }
        if ((long) options.width() * options.height() > options.maxPixels()) {
            throw new IllegalArgumentException("resize to " + options.width() + "x" + options.height()
                    + " is more than the limit of " + options.maxPixels() + " pixels; raise it with withMaxPixels(n)");
        }
        if (!(options.rescale() > 0) || Double.isInfinite(options.rescale())) {
            throw new IllegalArgumentException("ImageOptions.rescale must be a positive finite number, got " + options.rescale());
        }
    }

    private static Tensor read(ImageSource file, ImageOptions options) {
        try {
            if (file.size() == 0) {
                throw new CnnIoException(file + ": empty file (0 bytes), not an image");
            }
        } catch (IOException e) {
            throw new CnnIoException(file + ": cannot read: " + e.getMessage(), e);
        }
        Decoded d = decode(file, options.maxPixels());
        float[] rgb = d.rgb;
        int h = d.height;
        int w = d.width;
        int c;
        float[] out;
        if (options.grey()) {
            c = 1;
            out = new float[h * w];
            for (int i = 0; i < h * w; i++) {
                out[i] = d.grey ? rgb[3 * i]
                        : (float) (LUMA_R * rgb[3 * i] + LUMA_G * rgb[3 * i + 1] + LUMA_B * rgb[3 * i + 2]);
            }
        } else {
            c = 3;
            out = rgb;
            if (options.bgr()) {
                for (int i = 0; i < h * w; i++) {
                    float r = out[3 * i];
                    out[3 * i] = out[3 * i + 2];
                    out[3 * i + 2] = r;
                }
            }
        }
        if (options.width() > 0 && (options.width() != w || options.height() != h)) {
            out = Resize.bilinear(out, h, w, c, options.height(), options.width());
            h = options.height();
            w = options.width();
        }
        if (options.rescale() != 1.0) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (out[i] * options.rescale());
            }
        }
        return Tensor.wrap(out, 1, h, w, c);
    }

    /** RGB samples 0..255 in HWC order; {@code grey} when the source has a single colour channel. */
    record Decoded(int width, int height, float[] rgb, boolean grey) {
    }

    /** Header size only (no pixel decoding): {width, height}. */
    public static int[] size(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = readerFor(ImageSource.of(file), in);
            try {
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new CnnIoException(file + ": cannot read the image header: " + e.getMessage(), e);
        }
    }

    private static ImageReader readerFor(ImageSource file, ImageInputStream in) {
        if (in == null) {
            throw new CnnIoException(file + ": cannot open the file for reading");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new CnnIoException(file + ": not a recognised image; readable formats are PNG, JPEG, BMP, GIF"
                    + " (ImageIO knows " + String.join(", ", distinctFormats()) + ")");
        }
        ImageReader reader = readers.next();
        // seekForwardOnly is fine: only image 0 is read (a GIF's first frame); metadata is not needed.
        reader.setInput(in, true, true);
        return reader;
    }

    private static List<String> distinctFormats() {
        List<String> names = new ArrayList<>();
        for (String n : ImageIO.getReaderFormatNames()) {
            String l = n.toLowerCase(Locale.ROOT);
            if (!names.contains(l)) {
                names.add(l);
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Bytes per pixel a decode may need at worst: the decoded raster (up to 8, 16-bit RGBA)
     * plus the float RGB tensor (12). A small file can declare a big image (a decompression
     * bomb), so this is checked against the free heap before anything is decoded.
     */
    private static final long BYTES_PER_PIXEL = 8 + 12;

    private static void checkHeap(ImageSource file, String format, int w, int h) {
        Runtime rt = Runtime.getRuntime();
        long need = (long) w * h * BYTES_PER_PIXEL;
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > available) {
            throw new CnnIoException(file + ": " + format + " header declares " + w + "x" + h + " pixels, which needs about "
                    + (need >> 20) + " MB of heap to decode but only " + (available >> 20)
                    + " MB are free; give the JVM more memory (-Xmx) or use a smaller image");
        }
    }

    static Decoded decode(ImageSource file, long maxPixels) {
        BufferedImage img;
        String format = "image";
        ImageInputStream opened;
        InputStream stripped;
        try {
            stripped = JpegIcc.withoutProfile(file);
            // MemoryCacheImageInputStream: no temporary files for the filtered stream.
            opened = stripped != null ? new MemoryCacheImageInputStream(stripped) : file.openImage();
        } catch (IOException e) {
            throw new CnnIoException(file + ": cannot read: " + describe(e), e);
        }
        // MemoryCacheImageInputStream does not close its source, hence both resources.
        try (InputStream source = stripped; ImageInputStream in = opened) {
            ImageReader reader = readerFor(file, in);
            try {
                format = reader.getFormatName().toUpperCase(Locale.ROOT);
                int w;
                int h;
                try {
                    w = reader.getWidth(0);
                    h = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new CnnIoException(file + ": corrupt " + format + " header: " + describe(e), e);
                }
                long pixels = (long) w * h;
                if (w <= 0 || h <= 0) {
                    throw new CnnIoException(file + ": " + format + " header declares an empty image " + w + "x" + h);
                }
                if (pixels > maxPixels) {
                    throw new CnnIoException(file + ": " + format + " header declares " + w + "x" + h + " = " + pixels
                            + " pixels, more than the limit of " + maxPixels
                            + "; raise it with ImageOptions.withMaxPixels(n) if the image is trusted");
                }
                checkHeap(file, format, w, h);
                if (format.equals("GIF")) {
                    GifCheck.firstFrameComplete(file);
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                    @Override
                    public void warningOccurred(ImageReader source, String warning) {
                        warnings.add(warning);
                    }
                });
                try {
                    img = reader.read(0);
                } catch (IIOException e) {
                    if (format.equals("JPEG") && String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
                        throw new CnnIoException(file + ": this JPEG's colour type (e.g. YCCK or CMYK without an Adobe marker) is not"
                                + " supported by the JDK's JPEG reader; convert the image to RGB first (e.g. PIL: Image.open(f).convert('RGB').save(...))", e);
                    }
                    throw new CnnIoException(file + ": truncated or corrupt " + format + ": " + describe(e), e);
                } catch (IOException | RuntimeException e) {
                    throw new CnnIoException(file + ": truncated or corrupt " + format + ": " + describe(e), e);
                }
                if (!warnings.isEmpty()) {
                    throw new CnnIoException(file + ": truncated or corrupt " + format + " (the decoder reported: "
                            + String.join("; ", warnings) + ")");
                }
                if (img == null) {
                    throw new CnnIoException(file + ": the " + format + " reader returned no image");
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new CnnIoException(file + ": cannot read: " + describe(e), e);
        }
        return toRgb(img);
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            b.append(": ").append(e.getMessage());
        }
        Throwable c = e.getCause();
        if (c != null && c != e) {
            b.append(" (").append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                b.append(": ").append(c.getMessage());
            }
            b.append(')');
        }
        return b.toString();
    }

    /** Raster samples to RGB 0..255. Alpha is dropped: colour values are kept as stored, not composited. */
    static Decoded toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] out = new float[h * w * 3];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (cm instanceof IndexColorModel icm) {
            boolean grey = true;
            int[] px = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, px);
                for (int x = 0; x < w; x++) {
                    int i = 3 * (y * w + x);
                    int p = px[x];
                    out[i] = icm.getRed(p);
                    out[i + 1] = icm.getGreen(p);
                    out[i + 2] = icm.getBlue(p);
                    grey &= out[i] == out[i + 1] && out[i] == out[i + 2];
                }
            }
            return new Decoded(w, h, out, grey);
        }
        int type = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        boolean premultiplied = cm.hasAlpha() && cm.isAlphaPremultiplied();
        if ((type == ColorSpace.TYPE_GRAY && colours == 1) || (type == ColorSpace.TYPE_RGB && colours == 3)) {
            double[] scale = new double[cm.getNumComponents()];
            for (int b = 0; b < scale.length; b++) {
                scale[b] = 255.0 / ((1L << cm.getComponentSize(b)) - 1);
            }
            int alphaBand = cm.hasAlpha() ? colours : -1;
            int[][] rows = new int[r.getNumBands()][w];
            for (int y = 0; y < h; y++) {
                for (int b = 0; b < rows.length; b++) {
                    r.getSamples(0, y, w, 1, b, rows[b]);
                }
                for (int x = 0; x < w; x++) {
                    int i = 3 * (y * w + x);
                    double un = 1.0;
                    if (premultiplied) {
                        double a = rows[alphaBand][x] * scale[alphaBand] / 255.0;
                        un = a > 0 ? 1.0 / a : 0.0;
                    }
                    if (colours == 1) {
                        float g = (float) Math.min(255.0, rows[0][x] * scale[0] * un);
                        out[i] = g;
                        out[i + 1] = g;
                        out[i + 2] = g;
                    } else {
                        for (int b = 0; b < 3; b++) {
                            out[i + b] = (float) Math.min(255.0, rows[b][x] * scale[b] * un);
                        }
                    }
                }
            }
            return new Decoded(w, h, out, colours == 1);
        }
        if (type == ColorSpace.TYPE_CMYK && colours == 4 && !cm.hasAlpha()) {
            // Naive conversion without an ICC profile, R = (1-C)(1-K) etc., as PIL's convert('RGB'):
            // the JDK's own CMYK colour space gives visibly different colours.
            double[] scale = new double[4];
            for (int b = 0; b < 4; b++) {
                scale[b] = 1.0 / ((1L << cm.getComponentSize(b)) - 1);
            }
            int[] px = new int[4];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.getPixel(x, y, px);
                    double k = 1.0 - px[3] * scale[3];
                    int i = 3 * (y * w + x);
                    for (int b = 0; b < 3; b++) {
                        out[i + b] = (float) (255.0 * (1.0 - px[b] * scale[b]) * k);
                    }
                }
            }
            return new Decoded(w, h, out, false);
        }
        // Other colour spaces (e.g. YCCK or Lab TIFFs): the colour model converts each pixel to 8-bit sRGB.
        Object pixel = null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixel = r.getDataElements(x, y, pixel);
                int i = 3 * (y * w + x);
                out[i] = cm.getRed(pixel);
                out[i + 1] = cm.getGreen(pixel);
                out[i + 2] = cm.getBlue(pixel);
            }
        }
        return new Decoded(w, h, out, false);
    }
}
