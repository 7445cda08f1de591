package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Canvas paints what Java2D's fillRect paints, pixel value for pixel value, clipping included. */
class CanvasTest {
    private static int[] pixels(BufferedImage img) {
        return ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    }

    @Test
    void rectanglesMatchJava2dFillRect() {
        Random r = new Random(3);
        for (int round = 0; round < 200; round++) {
            int w = 1 + r.nextInt(40);
            int h = 1 + r.nextInt(40);
            BufferedImage java2d = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            BufferedImage ours = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = java2d.createGraphics();
            Canvas c = Canvas.of(ours);
            for (int k = 0; k < 12; k++) {
                // rectangles inside, across every edge, outside, empty and negative
                int x = r.nextInt(w + 20) - 10;
                int y = r.nextInt(h + 20) - 10;
                int rw = r.nextInt(w + 10) - 2;
                int rh = r.nextInt(h + 10) - 2;
                int rgb = r.nextInt(1 << 24);
                g.setColor(new Color(rgb));
                g.fillRect(x, y, rw, rh);
                c.fill(x, y, rw, rh, rgb);
            }
            g.dispose();
            assertArrayEquals(pixels(java2d), pixels(ours), "round " + round + ", " + w + "x" + h);
        }
    }

    @Test
    void hugeSizesAreClippedToTheEdgeWithoutOverflow() {
        // (Java2D's own fillRect overflows here and paints nothing)
        BufferedImage ours = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        Canvas.of(ours).fill(2, 1, Integer.MAX_VALUE, Integer.MAX_VALUE, 0x123456);
        int[] want = new int[5 * 4];
        for (int y = 1; y < 4; y++) {
            for (int x = 2; x < 5; x++) {
                want[y * 5 + x] = 0xff123456;
            }
        }
        assertArrayEquals(want, pixels(ours));
    }
}
