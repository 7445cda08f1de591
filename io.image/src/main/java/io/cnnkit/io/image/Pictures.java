package io.cnnkit.io.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;

import javax.imageio.ImageIO;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.PictureOptions;

/**
 * Stage outputs and kernels to pictures. Values become levels 0..255 by min-max
 * normalisation ({@code round((v - min) * 255 / (max - min))}), or by the same formula over
 * {@link PictureOptions#range()} with values outside clamped; a constant map becomes
 * mid-grey 128; NaN and -Infinity draw as 0, +Infinity as 255 (min and max come from the
 * finite values).
 */
public final class Pictures {
    /** Gap around and between grid tiles, in pixels. */
    public static final int PAD = 4;
    /** Height of the label strip above each grid tile. */
    public static final int LABEL = 14;
    /** Pixel size of label glyphs. */
    static final int FONT_PX = 2;
    /** Bar chart plot area; vectors of up to BAR_MAX_WIDTH values are bar charts, longer ones wrapped grids. */
    public static final int BAR_PLOT_HEIGHT = 200;
    public static final int BAR_MAX_WIDTH = 800;
    public static final int BAR_MARGIN = 8;
    public static final int BAR_TEXT = 20;
    static final int BACKGROUND = 0xffffff;
    static final int POSITIVE = 0x3b6ea5;
    static final int NEGATIVE = 0xd1495b;
    static final int AXIS = 0x808080;
    private static final int BLACK = 0x000000;

    private Pictures() {
    }

    /** Renders and writes the picture; returns its {width, height}. */
    public static int[] write(Tensor stage, Path file, PictureOptions options) {
        Encoded e;
        try {
            e = encode(stage, file, options);
        } finally {
            releaseScratch(); // one picture: nothing to reuse the pixels for
        }
        e.writeTo(file);
        return new int[] {e.width(), e.height()};
    }

    /** A picture encoded in memory for its file: the file's bytes and the image's size. */
    record Encoded(byte[] bytes, int width, int height) {
        /** Writes the bytes atomically (see {@link AtomicFiles}). */
        void writeTo(Path file) {
            // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
            AtomicFiles.write(file, "picture", new AtomicFiles.Body() {
                @Override
                public void write(OutputStream out) throws IOException {
                    out.write(bytes);
                }
            });
        }
    }

    /**
     * Renders the picture and encodes it in the format of {@code file}'s extension, writing nothing.
     * The image is drawn into this thread's scratch pixels ({@link #releaseScratch}), not a new
     * array: a report's pictures are drawn and dropped one after the other, and a new array each
     * (75 MB for a MobileNet's 85) was a third of a one-shot command's garbage.
     */
    static Encoded encode(Tensor stage, Path file, PictureOptions options) {
        String format = formatOf(file);
        SCRATCH_IN_USE.set(Boolean.TRUE);
        try {
            BufferedImage img = render(stage, options);
            return new Encoded(encode(img, file, format), img.getWidth(), img.getHeight());
        } finally {
            SCRATCH_IN_USE.remove();
        }
    }

    /** A thread's pixel array for pictures it encodes and drops ({@link #encode}). */
    private static final ThreadLocal<int[]> SCRATCH = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> SCRATCH_IN_USE = new ThreadLocal<>();
    private static final DirectColorModel RGB = new DirectColorModel(24, 0xff0000, 0xff00, 0xff);

    /** Drops this thread's scratch pixels (a report's writer, once its pictures are done). */
    static void releaseScratch() {
        SCRATCH.remove();
    }

    /**
     * A new TYPE_INT_RGB image; in {@link #encode}, on this thread's scratch pixels, which hold the
     * last picture's: every caller paints every pixel (the maps cover the image, the grid, bars and
     * wrapped pictures fill their ground first), so they are not cleared.
     */
    private static BufferedImage rgbImage(int w, int h) {
        if (SCRATCH_IN_USE.get() == null) {
            return new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        }
        int n = w * h;
        int[] px = SCRATCH.get();
        if (px == null || px.length < n) {
            px = new int[n];
            SCRATCH.set(px);
        }
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(px, n), w, h, w, RGB.getMasks(), null);
        return new BufferedImage(RGB, raster, false, null);
    }

    public static void writeKernels(Tensor kernel, Path file, PictureOptions options) {
        String format = formatOf(file);
        save(renderKernels(kernel, options), file, format);
    }

    /**
     * The picture of a stage: (1,H,W,1) grey/colour-mapped, (1,H,W,3) colour, (1,H,W,C) grid, (1,N) bars
     * for N up to {@value #BAR_MAX_WIDTH}, longer (1,N) wrapped into a near-square grid of cells.
     */
    public static BufferedImage render(Tensor stage, PictureOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("picture options are null; use PictureOptions.DEFAULT");
        }
        int[] s = stage.shape();
        if (stage.size() == 0) {
            throw new IllegalArgumentException("cannot draw an empty tensor of shape " + stage.shapeString());
        }
        if (s.length == 4) {
            if (s[0] != 1) {
                throw new IllegalArgumentException("a picture shows one sample, got a batch of shape "
                        + stage.shapeString() + "; pass tensor.sample(n)");
            }
            int h = s[1];
            int w = s[2];
            int c = s[3];
            if (c == 1) {
                return single(stage, h, w, options);
            }
            if (c == 3) {
                return colour(stage, h, w, options);
            }
            return grid(stage, h, w, c, options);
        }
        if (s.length == 2) {
            if (s[0] != 1) {
                throw new IllegalArgumentException("a picture shows one sample, got a batch of shape "
                        + stage.shapeString() + "; pass tensor.sample(n)");
            }
            return s[1] <= BAR_MAX_WIDTH ? bars(stage) : wrapped(stage, options);
        }
        throw new IllegalArgumentException("cannot draw a tensor of shape " + stage.shapeString()
                + ": pictures are made of (1, H, W, C) feature maps and (1, N) vectors");
    }

    /** Enlargement factor for maps of h x w. */
    public static int scaleFor(int h, int w, PictureOptions o) {
        if (o.scale() > 0) {
            return o.scale();
        }
        int m = Math.min(h, w);
        return m >= 32 ? 1 : Math.min(16, (32 + m - 1) / m);
    }

    /** Grid columns for {@code c} maps: ceil(sqrt(c)). */
    public static int gridColumns(int c) {
        int cols = (int) Math.ceil(Math.sqrt(c));
        while (cols * cols < c) {
            cols++;
        }
        return cols;
    }

    // ---- normalisation -------------------------------------------------------------------

    /** Min and max over the finite elements {@code off, off+stride, ...} (count elements). */
    static double[] range(float[] d, int off, int count, int stride) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            float v = d[off + i * stride];
            if (Float.isFinite(v)) {
                lo = lower(lo, v);
                hi = upper(hi, v);
            }
        }
        return new double[] {lo, hi};
    }

    /**
     * Math.min(lo, v) by comparison first: Math.min and max (NaN and signed-zero rules) are calls
     * on the client compiler of a one-shot command; they decide only between two zeros here. (Also
     * for {@link io.cnnkit.io.api.StageStats}; a NaN v leaves lo as it is.)
     */
    public static double lower(double lo, float v) {
        return v < lo ? v : v == 0f && lo == 0 ? Math.min(lo, v) : lo;
    }

    /** Math.max(hi, v), as {@link #lower}. */
    public static double upper(double hi, float v) {
        return v > hi ? v : v == 0f && hi == 0 ? Math.max(hi, v) : hi;
    }

    /** The options' fixed range, else min and max over the finite elements (as {@link #range}). */
    static double[] fixedOr(PictureOptions o, float[] d, int off, int count, int stride) {
        return o.range() != null ? new double[] {o.range().lo(), o.range().hi()} : range(d, off, count, stride);
    }

    /** Level 0..255 of v in [lo, hi]; constant (or no finite values) gives 128. */
    static int level(float v, double[] r) {
        if (Float.isNaN(v) || v == Float.NEGATIVE_INFINITY) {
            return 0;
        }
        if (v == Float.POSITIVE_INFINITY) {
            return 255;
        }
        double lo = r[0];
        double hi = r[1];
        if (!(hi > lo)) {
            return 128;
        }
        long l = Math.round((v - lo) * 255.0 / (hi - lo));
        return (int) Math.max(0, Math.min(255, l));
    }

    private static int mapped(int level, PictureOptions o) {
        return o.colormap() == PictureOptions.Colormap.VIRIDIS ? Viridis.rgb(level) : level * 0x010101;
    }

    // ---- single, colour, grid ------------------------------------------------------------

    private static BufferedImage single(Tensor t, int h, int w, PictureOptions o) {
        int sc = scaleFor(h, w, o);
        double[] r = fixedOr(o, t.data(), t.offset(), h * w, 1);
        boolean grey = o.colormap() == PictureOptions.Colormap.GREY;
        BufferedImage img = grey ? new BufferedImage(w * sc, h * sc, BufferedImage.TYPE_BYTE_GRAY) : rgbImage(w * sc, h * sc);
        byte[] bytes = grey ? ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData() : null;
        int[] px = grey ? null : pixels(img);
        float[] d = t.data();
        int width = w * sc;
        for (int y = 0; y < h; y++) {
            int top = y * sc * width;
            for (int x = 0; x < w; x++) {
                int lv = level(d[t.offset() + y * w + x], r);
                if (grey) {
                    java.util.Arrays.fill(bytes, top + x * sc, top + x * sc + sc, (byte) lv);
                } else {
                    java.util.Arrays.fill(px, top + x * sc, top + x * sc + sc, Viridis.rgb(lv));
                }
            }
            repeatRow(grey ? bytes : px, top, width, width, sc);
        }
        return img;
    }

    // Pixels are written straight into the image's array: setRGB and setSample convert every
    // pixel through the colour model, which is most of the drawing time of a cold JVM.

    /** The pixel array of an image this class made as TYPE_INT_RGB (row after row, width ints each). */
    private static int[] pixels(BufferedImage img) {
        return ((java.awt.image.DataBufferInt) img.getRaster().getDataBuffer()).getData();
    }

    /**
     * Copies the {@code len} pixels at {@code top} to the {@code sc - 1} rows below (an enlarged
     * map's row of cells is one pixel row repeated): the copy is a stub in any compiler, where
     * filling every row of every cell ran cell by cell (a report's pictures: 40% less drawing).
     */
    private static void repeatRow(Object px, int top, int len, int width, int sc) {
        for (int dy = 1; dy < sc; dy++) {
            System.arraycopy(px, top, px, top + dy * width, len);
        }
    }

    private static void fillRgb(int[] px, int width, int x0, int y0, int sc, int rgb) {
        for (int y = y0; y < y0 + sc; y++) {
            java.util.Arrays.fill(px, y * width + x0, y * width + x0 + sc, rgb);
        }
    }

    private static BufferedImage colour(Tensor t, int h, int w, PictureOptions o) {
        int sc = scaleFor(h, w, o);
        float[] d = t.data();
        int off = t.offset();
        double[][] r = new double[3][];
        for (int k = 0; k < 3; k++) {
            r[k] = o.range() == null && o.perChannel() ? range(d, off + k, h * w, 3) : fixedOr(o, d, off, h * w * 3, 1);
        }
        BufferedImage img = rgbImage(w * sc, h * sc);
        int[] px = pixels(img);
        int width = w * sc;
        for (int y = 0; y < h; y++) {
            int top = y * sc * width;
            for (int x = 0; x < w; x++) {
                int i = off + (y * w + x) * 3;
                int c0 = level(d[i], r[0]);
                int c1 = level(d[i + 1], r[1]);
                int c2 = level(d[i + 2], r[2]);
                int rgb = o.bgr() ? (c2 << 16) | (c1 << 8) | c0 : (c0 << 16) | (c1 << 8) | c2;
                java.util.Arrays.fill(px, top + x * sc, top + x * sc + sc, rgb);
            }
            repeatRow(px, top, width, width, sc);
        }
        return img;
    }

    /** Geometry of a grid of c maps of h x w: {columns, rows, scale, width, height}. */
    public static int[] gridGeometry(int h, int w, int c, PictureOptions o) {
        int sc = scaleFor(h, w, o);
        int cols = gridColumns(c);
        int rows = (c + cols - 1) / cols;
        int width = PAD + cols * (w * sc + PAD);
        int height = PAD + rows * (LABEL + h * sc + PAD);
        return new int[] {cols, rows, sc, width, height};
    }

    /** Top-left corner of map {@code k}'s pixels in the grid. */
    public static int[] tileOrigin(int k, int h, int w, int c, PictureOptions o) {
        int[] g = gridGeometry(h, w, c, o);
        int col = k % g[0];
        int row = k / g[0];
        return new int[] {PAD + col * (w * g[2] + PAD), PAD + row * (LABEL + h * g[2] + PAD) + LABEL};
    }

    private static BufferedImage grid(Tensor t, int h, int w, int c, PictureOptions o) {
        int[] g = gridGeometry(h, w, c, o);
        int sc = g[2];
        BufferedImage img = rgbImage(g[3], g[4]);
        int[] px = pixels(img);
        Canvas canvas = Canvas.of(img);
        canvas.fill(0, 0, g[3], g[4], BACKGROUND);
        float[] d = t.data();
        int off = t.offset();
        double[] global = fixedOr(o, d, off, h * w * c, 1);
        for (int k = 0; k < c; k++) {
            double[] r = o.range() == null && o.perChannel() ? range(d, off + k, h * w, c) : global;
            int[] at = tileOrigin(k, h, w, c, o);
            PixelFont.draw(canvas, Integer.toString(k), at[0], at[1] - LABEL + 2, FONT_PX, BLACK);
            for (int y = 0; y < h; y++) {
                int top = (at[1] + y * sc) * g[3] + at[0];
                for (int x = 0; x < w; x++) {
                    java.util.Arrays.fill(px, top + x * sc, top + x * sc + sc,
                            mapped(level(d[off + (y * w + x) * c + k], r), o));
                }
                repeatRow(px, top, w * sc, g[3], sc);
            }
        }
        return img;
    }

    // ---- bar chart -----------------------------------------------------------------------

    /** Narrowest plot: a few values get wider bars, so the plot spans the labels under it. */
    public static final int BAR_MIN_PLOT = 144;

    /**
     * Bar chart geometry for n values (1 to {@value #BAR_MAX_WIDTH}): {bar width, plot width, image
     * width, image height}. Bars are 16 px wide, wider for fewer than 9 values (the plot is at least
     * {@value #BAR_MIN_PLOT} px, so the last index's label sits under the last bar), narrower down
     * to 1 px for up to {@value #BAR_MAX_WIDTH} values.
     */
    public static int[] barGeometry(int n) {
        if (n < 1 || n > BAR_MAX_WIDTH) {
            throw new IllegalArgumentException("bar charts hold 1 to " + BAR_MAX_WIDTH + " values, got " + n
                    + "; longer vectors are wrapped (wrapGeometry)");
        }
        int barW = Math.max(1, Math.min(Math.max(16, BAR_MIN_PLOT / n), BAR_MAX_WIDTH / n));
        int plotW = n * barW;
        int width = plotW + 2 * BAR_MARGIN;
        int height = BAR_PLOT_HEIGHT + 2 * BAR_TEXT;
        return new int[] {barW, plotW, width, height};
    }

    /**
     * (1, N) as bars from a zero line, one bar per value: positive blue upwards, negative red
     * downwards. The top and bottom labels are the values at the plot's edges (the largest and
     * smallest value, widened to include 0), the right label the last unit index.
     */
    private static BufferedImage bars(Tensor t) {
        int n = t.dim(1);
        int[] g = barGeometry(n);
        BufferedImage img = rgbImage(g[2], g[3]);
        float[] d = t.data();
        int off = t.offset();
        double[] r = range(d, off, n, 1);
        double lo = Math.min(0, r[0] > r[1] ? 0 : r[0]);
        double hi = Math.max(0, r[0] > r[1] ? 0 : r[1]);
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        int top = BAR_TEXT;
        double perUnit = BAR_PLOT_HEIGHT / (hi - lo);
        int zeroY = top + (int) Math.round(hi * perUnit);
        Canvas canvas = Canvas.of(img);
        canvas.fill(0, 0, g[2], g[3], BACKGROUND);
        for (int col = 0; col < n; col++) {
            double v = clampFinite(d[off + col], lo, hi);
            int x = BAR_MARGIN + col * g[0];
            if (v > 0) {
                int yTop = top + (int) Math.round((hi - v) * perUnit);
                canvas.fill(x, yTop, g[0], Math.max(1, zeroY - yTop), POSITIVE);
            }
            if (v < 0) {
                int yBottom = top + (int) Math.round((hi - v) * perUnit);
                canvas.fill(x, zeroY, g[0], Math.max(1, yBottom - zeroY), NEGATIVE);
            }
        }
        canvas.fill(BAR_MARGIN, Math.min(zeroY, top + BAR_PLOT_HEIGHT - 1), g[1], 1, AXIS);
        int textY = (BAR_TEXT - PixelFont.height(FONT_PX)) / 2;
        PixelFont.draw(canvas, number(hi), BAR_MARGIN, textY, FONT_PX, BLACK);
        PixelFont.draw(canvas, number(lo), BAR_MARGIN, top + BAR_PLOT_HEIGHT + textY, FONT_PX, BLACK);
        String last = Integer.toString(n - 1);
        // right-aligned under the last bar (the plot's right end)
        PixelFont.draw(canvas, last, BAR_MARGIN + g[1] - PixelFont.width(last, FONT_PX), top + BAR_PLOT_HEIGHT + textY,
                FONT_PX, BLACK);
        return img;
    }

    // ---- long vectors --------------------------------------------------------------------

    /** Narrowest wrapped vector: cells are enlarged (at most 16 times) until the grid is this wide. */
    public static final int WRAP_MIN_WIDTH = 256;

    /**
     * Geometry of a vector of n values wrapped row by row: {columns, rows, cell size, width,
     * height}. ceil(sqrt(n)) columns, so the grid is near square; cells of the options' scale, or
     * automatic: enlarged until the grid is at least {@value #WRAP_MIN_WIDTH} px wide.
     */
    public static int[] wrapGeometry(int n, PictureOptions o) {
        int cols = gridColumns(n);
        int rows = (n + cols - 1) / cols;
        int cell = o.scale() > 0 ? o.scale() : Math.max(1, Math.min(16, (WRAP_MIN_WIDTH + cols - 1) / cols));
        return new int[] {cols, rows, cell, cols * cell, rows * cell};
    }

    /**
     * A (1, N) vector too long for bars, wrapped row by row: value i is the cell in row
     * i / columns, column i % columns, coloured with viridis (min-max, or the options' range)
     * whatever the options' colour map, so that the cells after the last value, left white, stand
     * apart from any value. Thousands of values (a flatten) stay one cell each, where 800 bars
     * would merge them.
     */
    private static BufferedImage wrapped(Tensor t, PictureOptions o) {
        int n = t.dim(1);
        int[] g = wrapGeometry(n, o);
        BufferedImage img = rgbImage(g[3], g[4]);
        Canvas.of(img).fill(0, 0, g[3], g[4], BACKGROUND);
        float[] d = t.data();
        int off = t.offset();
        double[] r = fixedOr(o, d, off, n, 1);
        int[] px = pixels(img);
        for (int i = 0; i < n; i++) {
            fillRgb(px, g[3], (i % g[0]) * g[2], (i / g[0]) * g[2], g[2], Viridis.rgb(level(d[off + i], r)));
        }
        return img;
    }

    private static double clampFinite(float v, double lo, double hi) {
        if (Float.isNaN(v)) {
            return 0;
        }
        return Math.max(lo, Math.min(hi, v));
    }

    static String number(double v) {
        String s = Numbers.general(v, 4);
        if (s.contains("e")) {
            return s;
        }
        if (s.indexOf('.') >= 0) { // trailing zeros and then a trailing point dropped
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s;
    }

    // ---- kernels -------------------------------------------------------------------------

    /**
     * Geometry of a kernel picture for (kh, kw, in, out): one row per filter, one column per
     * input channel, plus a colour column when in == 3. Returns {columns, scale, cell width,
     * cell height, width, height, left label width}.
     */
    public static int[] kernelGeometry(int kh, int kw, int in, int out, PictureOptions o) {
        int sc = scaleFor(kh, kw, o);
        int cols = in + (in == 3 ? 1 : 0);
        int left = PixelFont.width(Integer.toString(out - 1), FONT_PX) + 2 * PAD;
        int cellW = kw * sc + PAD;
        int cellH = kh * sc + PAD;
        int width = left + cols * cellW;
        int height = PAD + LABEL + out * cellH;
        return new int[] {cols, sc, cellW, cellH, width, height, left};
    }

    /** Top-left pixel of the tile for filter f, column col. */
    public static int[] kernelTileOrigin(int f, int col, int[] geo) {
        return new int[] {geo[6] + col * geo[2], PAD + LABEL + f * geo[3]};
    }

    public static BufferedImage renderKernels(Tensor k, PictureOptions o) {
        if (o == null) {
            throw new IllegalArgumentException("picture options are null; use PictureOptions.DEFAULT");
        }
        if (k.rank() != 4 || k.size() == 0) {
            throw new IllegalArgumentException("a conv kernel has shape (kh, kw, in, out) (Keras layout), got "
                    + k.shapeString());
        }
        int kh = k.dim(0);
        int kw = k.dim(1);
        int in = k.dim(2);
        int out = k.dim(3);
        int[] g = kernelGeometry(kh, kw, in, out, o);
        int sc = g[1];
        float[] d = k.data();
        int off = k.offset();
        double[] global = fixedOr(o, d, off, k.size(), 1);
        BufferedImage img = new BufferedImage(g[4], g[5], BufferedImage.TYPE_INT_RGB);
        int[] px = pixels(img);
        Canvas canvas = Canvas.of(img);
        canvas.fill(0, 0, g[4], g[5], BACKGROUND);
        for (int c = 0; c < in; c++) {
            PixelFont.draw(canvas, Integer.toString(c), g[6] + c * g[2], PAD, FONT_PX, BLACK);
        }
        for (int f = 0; f < out; f++) {
            int[] row = kernelTileOrigin(f, 0, g);
            PixelFont.draw(canvas, Integer.toString(f), PAD, row[1], FONT_PX, BLACK);
            double[][] ranges = new double[in][];
            for (int c = 0; c < in; c++) {
                ranges[c] = o.range() == null && o.perChannel() ? tileRange(d, off, kh, kw, in, out, c, f) : global;
                int[] at = kernelTileOrigin(f, c, g);
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        float v = d[off + ((y * kw + x) * in + c) * out + f];
                        fillRgb(px, g[4], at[0] + x * sc, at[1] + y * sc, sc, mapped(level(v, ranges[c]), o));
                    }
                }
            }
            if (in == 3) {
                int[] at = kernelTileOrigin(f, 3, g);
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        int base = off + (y * kw + x) * in * out + f;
                        int c0 = level(d[base], ranges[0]);
                        int c1 = level(d[base + out], ranges[1]);
                        int c2 = level(d[base + 2 * out], ranges[2]);
                        int rgb = o.bgr() ? (c2 << 16) | (c1 << 8) | c0 : (c0 << 16) | (c1 << 8) | c2;
                        fillRgb(px, g[4], at[0] + x * sc, at[1] + y * sc, sc, rgb);
                    }
                }
            }
        }
        return img;
    }

    private static double[] tileRange(float[] d, int off, int kh, int kw, int in, int out, int c, int f) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < kh * kw; p++) {
            float v = d[off + (p * in + c) * out + f];
            if (Float.isFinite(v)) {
                lo = lower(lo, v);
                hi = upper(hi, v);
            }
        }
        return new double[] {lo, hi};
    }

    // ---- files ---------------------------------------------------------------------------

    /** ImageIO format name for the file's extension. */
    static String formatOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "png" -> "png";
            case "jpg", "jpeg" -> "jpeg";
            case "bmp" -> "bmp";
            case "gif" -> "gif";
            default -> throw new CnnIoException(file + ": unknown picture extension '" + ext
                    + "'; use .png (lossless, recommended), .jpg, .bmp or .gif");
        };
    }

    /** Writes atomically (see {@link AtomicFiles}): the previous picture stays whole if this fails. */
    static void save(BufferedImage img, Path file, String format) {
        new Encoded(encode(img, file, format), img.getWidth(), img.getHeight()).writeTo(file);
    }

    /** The file's bytes: PNGs of the images this class draws through {@link PngEncoder}, the rest through ImageIO. */
    static byte[] encode(BufferedImage img, Path file, String format) {
        if (format.equals("png") && PngEncoder.supports(img)) {
            return PngEncoder.encode(img);
        }
        // Encoded in memory first: when ImageIO's stream to a file fails (a full disk), its close
        // fails too, leaves its cache file in the temp folder and prints a stack trace at exit.
        java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, encoded)) {
                throw new CnnIoException(file + ": the JDK has no " + format + " writer for this picture");
            }
        } catch (java.io.IOException e) {
            throw new CnnIoException(file + ": cannot encode the picture: " + e.getMessage(), e);
        }
        return encoded.toByteArray();
    }
}
