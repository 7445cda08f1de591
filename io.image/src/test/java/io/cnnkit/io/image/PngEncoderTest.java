package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.PictureOptions;

/** The own PNG encoder: what it writes, ImageIO decodes to the very pixels encoded. */
class PngEncoderTest {
    @TempDir
    Path dir;

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "ImageIO does not recognise the encoder's output as an image");
        return img;
    }

    /** Noise (no filter helps), flat blocks (sub and up do) and gradients, so each filter gets chosen. */
    private static int pixel(Random r, int x, int y, int kind) {
        return switch (kind) {
            case 0 -> r.nextInt(1 << 24);
            case 1 -> ((x / 5) * 40 + (y / 3) * 7) * 0x010203 & 0xffffff;
            default -> (x * 3 & 0xff) << 16 | (y * 5 & 0xff) << 8 | (x + y & 0xff);
        };
    }

    @Test
    void rgbImagesDecodeToTheSamePixels() throws IOException {
        Random r = new Random(14);
        // 700 x 200: rows in several 64 KB chunks, each zeroed after deflating; 23000 x 3: a row wider than a chunk
        int[][] sizes = {{1, 1}, {1, 7}, {7, 1}, {13, 9}, {96, 96}, {301, 17}, {700, 200}, {23000, 3}};
        for (int[] s : sizes) {
            for (int kind = 0; kind < 3; kind++) {
                BufferedImage img = new BufferedImage(s[0], s[1], BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < s[1]; y++) {
                    for (int x = 0; x < s[0]; x++) {
                        img.setRGB(x, y, pixel(r, x, y, kind));
                    }
                }
                byte[] png = PngEncoder.encode(img);
                BufferedImage back = decode(png);
                assertEquals(s[0], back.getWidth());
                assertEquals(s[1], back.getHeight());
                assertEquals(colours(img) <= PngEncoder.PALETTE ? PngEncoder.INDEXED : PngEncoder.RGB, colourType(png),
                        s[0] + "x" + s[1] + " kind " + kind + ": a palette for at most 256 colours, else RGB");
                for (int y = 0; y < s[1]; y++) {
                    for (int x = 0; x < s[0]; x++) {
                        assertEquals(img.getRGB(x, y), back.getRGB(x, y), s[0] + "x" + s[1] + " kind " + kind
                                + " at (" + x + ", " + y + ")");
                    }
                }
            }
        }
    }

    /** The colour type byte of a PNG file's header (IHDR: 8 bytes of signature, 8 of chunk length and type, then width, height, depth). */
    private static int colourType(byte[] png) {
        return png[8 + 8 + 9];
    }

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                seen.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return seen.size();
    }

    @Test
    void aPaletteHoldsUpTo256ColoursAnywhereInTheImage() throws IOException {
        // 256 colours use a palette; a 257th, however late it comes (the last pixel), makes the file RGB
        for (int n : new int[] {1, 2, 255, 256, 257, 300}) {
            BufferedImage img = new BufferedImage(40, 10, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < 400; i++) {
                // colours 0..n-2 first, the rest colour 0, and colour n-1 only at the very last pixel
                int k = i == 399 ? n - 1 : i < n - 1 ? i : 0;
                img.setRGB(i % 40, i / 40, k * 0x010305 + 7); // odd step: distinct in 24 bits
            }
            assertEquals(n, colours(img), "the test's own image");
            byte[] png = PngEncoder.encode(img);
            assertEquals(n <= 256 ? PngEncoder.INDEXED : PngEncoder.RGB, colourType(png), n + " colours");
            BufferedImage back = decode(png);
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 40; x++) {
                    assertEquals(img.getRGB(x, y), back.getRGB(x, y), n + " colours at (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void greyImagesStayGreyWithTheSameSamples() throws IOException {
        Random r = new Random(6);
        for (int[] s : new int[][] {{1, 1}, {5, 3}, {50, 40}, {97, 31}, {1000, 150}, {70000, 2}}) {
            BufferedImage img = new BufferedImage(s[0], s[1], BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < s[1]; y++) {
                for (int x = 0; x < s[0]; x++) {
                    img.getRaster().setSample(x, y, 0, (x + y) % 3 == 0 ? r.nextInt(256) : (x * 7) & 0xff);
                }
            }
            BufferedImage back = decode(PngEncoder.encode(img));
            assertEquals(1, back.getRaster().getNumBands(), "grey stays one channel");
            for (int y = 0; y < s[1]; y++) {
                for (int x = 0; x < s[0]; x++) {
                    assertEquals(img.getRaster().getSample(x, y, 0), back.getRaster().getSample(x, y, 0),
                            s[0] + "x" + s[1] + " at (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void otherLayoutsGoThroughTheColourModel() throws IOException {
        // A sub-image shares its parent's array at an offset: the encoder must not read the parent's rows.
        BufferedImage parent = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                parent.setRGB(x, y, x * 0x0a0000 + y * 0x000a00 + 0x33);
            }
        }
        BufferedImage sub = parent.getSubimage(3, 5, 9, 7);
        BufferedImage bgr = new BufferedImage(6, 4, BufferedImage.TYPE_3BYTE_BGR);
        bgr.setRGB(2, 1, 0x123456);
        for (BufferedImage img : new BufferedImage[] {sub, bgr}) {
            BufferedImage back = decode(PngEncoder.encode(img));
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    assertEquals(img.getRGB(x, y), back.getRGB(x, y), "at (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void imagesWithAlphaAreLeftToImageIO() {
        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        assertFalse(PngEncoder.supports(argb));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(argb));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }

    @Test
    void stagePicturesOnDiskMatchTheirRenderingAndAreAboutAsSmallAsImageIOs() throws IOException {
        // A grid of 16 ReLU maps (smooth, a third zero), the commonest stage picture of a CNN run.
        Tensor t = Tensor.zeros(1, 24, 24, 16);
        for (int i = 0; i < t.size(); i++) {
            int k = i % 16;
            int x = i / 16 % 24;
            int y = i / 16 / 24;
            t.data()[i] = Math.max(0, (float) Math.sin(0.2 * x * (k + 1) + 0.3 * y) + 0.3f * (k % 3) - 0.2f);
        }
        Path f = dir.resolve("grid.png");
        Pictures.write(t, f, PictureOptions.DEFAULT);
        BufferedImage drawn = Pictures.render(t, PictureOptions.DEFAULT);
        BufferedImage read = ImageIO.read(f.toFile());
        for (int y = 0; y < drawn.getHeight(); y++) {
            for (int x = 0; x < drawn.getWidth(); x++) {
                assertEquals(drawn.getRGB(x, y), read.getRGB(x, y), "at (" + x + ", " + y + ")");
            }
        }
        assertEquals(PngEncoder.INDEXED, colourType(Files.readAllBytes(f)), "a stage picture's few colours make a palette");
        ByteArrayOutputStream imageio = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(drawn, "png", imageio));
        long ours = Files.size(f);
        // Smooth synthetic maps favour ImageIO's paeth and average filters (this one: a quarter
        // larger); on a real run's pictures the two are even (MobileNet report: 1.8 MB, ImageIO's
        // 2.0 MB). Half again as large would be a regression.
        assertTrue(ours <= imageio.size() * 3 / 2, "own PNG " + ours + " bytes, ImageIO's " + imageio.size());
    }
}
