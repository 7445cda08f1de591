package io.cnnkit.io.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/**
 * A packed-RGB picture's pixels, painted with solid rectangles: what the pictures drew with
 * Java2D's fillRect (backgrounds, bars, the pixel font's dots), written straight into the pixel
 * array, clipped to the picture as fillRect clips, and with the same pixel values (fillRect
 * stores an opaque alpha byte, 0xff, in a TYPE_INT_RGB pixel). Java2D's start-up (a graphics
 * context per picture, its pipeline validated on each colour change) was a quarter of the
 * drawing time of a one-shot report.
 */
final class Canvas {
    private static final int OPAQUE = 0xff000000;
    private final int[] px;
    private final int width;
    private final int height;

    private Canvas(int[] px, int width, int height) {
        this.px = px;
        this.width = width;
        this.height = height;
    }

    /** The canvas of a TYPE_INT_RGB image whose scanline stride is its width (as Pictures makes them). */
    static Canvas of(BufferedImage img) {
        return new Canvas(((DataBufferInt) img.getRaster().getDataBuffer()).getData(), img.getWidth(), img.getHeight());
    }

    /** Fills the rectangle at (x, y) of w by h pixels, clipped to the picture, with {@code rgb}. */
    void fill(int x, int y, int w, int h, int rgb) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = (int) Math.min(width, (long) x + w);
        int y1 = (int) Math.min(height, (long) y + h);
        if (x0 >= x1 || y0 >= y1) {
            return;
        }
        int first = y0 * width + x0;
        int n = x1 - x0;
        Arrays.fill(px, first, first + n, OPAQUE | rgb);
        // the other rows copied from the first: arraycopy is a stub on the client compiler (one-shot
        // commands), where Arrays.fill is a loop
        for (int row = y0 + 1; row < y1; row++) {
            System.arraycopy(px, first, px, row * width + x0, n);
        }
    }
}
