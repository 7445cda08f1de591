package io.cnnkit.io.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;

class ImagesReadTest {
    @TempDir
    Path dir;

    /** Lossless kinds decode to exactly the values the generator put in (16-bit scaled to 0..255). */
    @ParameterizedTest
    @CsvSource({"rgb8.png,rgb8.npy", "grey8.png,grey8.npy", "rgba8.png,rgba8.npy", "grey_alpha.png,grey_alpha.npy",
            "palette.png,palette.npy", "grey16.png,grey16.npy", "rgb16.png,rgb16.npy", "rgb8.bmp,rgb8.bmp.npy",
            "anim.gif,anim.gif.npy"})
    void losslessKindsDecodeToKnownValues(String image, String expectedNpy) {
        Tensor expected = Npy.read(TestFiles.copy(expectedNpy, dir));
        Tensor t = Images.read(TestFiles.copy(image, dir), ImageOptions.DEFAULT);
        assertArrayEquals(new int[] {1, 10, 12, 3}, t.shape());
        Approx.assertClose(image, expected, t, 1e-6);
    }

    @Test
    void eightBitKindsAreExact() {
        Tensor expected = Npy.read(TestFiles.copy("rgb8.npy", dir));
        Tensor t = Images.read(TestFiles.copy("rgb8.png", dir), ImageOptions.DEFAULT);
        assertTrue(expected.contentEquals(t), "8-bit RGB PNG must decode bit-exactly");
    }

    @Test
    void jpegIsCloseToLibjpegTurbo() {
        assertJpegClose("rgb.jpg");
    }

    private void assertJpegClose(String name) {
        Tensor expected = Npy.read(TestFiles.copy(name + ".npy", dir));
        Tensor t = Images.read(TestFiles.copy(name, dir), ImageOptions.DEFAULT);
        assertArrayEquals(expected.shape(), t.shape());
        double max = 0;
        double sum = 0;
        for (int i = 0; i < t.size(); i++) {
            double d = Math.abs(expected.data()[i] - t.data()[i]);
            max = Math.max(max, d);
            sum += d;
        }
        // Two JPEG decoders (the JDK's libjpeg 6b and PIL's libjpeg-turbo) differ in IDCT rounding only.
        assertTrue(max <= 3, "max difference " + max);
        assertTrue(sum / t.size() < 1.0, "mean difference " + sum / t.size());
    }

    @Test
    void embeddedJpegColourProfilesAreIgnoredAsPilDoes() throws IOException {
        // rgb.jpg with a linear-RGB ICC profile inserted after SOI: the JDK alone would convert
        // linear to sRGB (brightening everything); PIL, OpenCV and Keras return stored values.
        byte[] jpg = TestFiles.bytes("rgb.jpg");
        byte[] icc = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(jpg, 0, 2);
        int len = 2 + 14 + icc.length;
        b.write(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (len >> 8), (byte) len});
        b.write("ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write(new byte[] {1, 1});
        b.write(icc);
        b.write(jpg, 2, jpg.length - 2);
        Path withProfile = Files.write(dir.resolve("profiled.jpg"), b.toByteArray());
        Tensor plain = Images.read(TestFiles.copy("rgb.jpg", dir));
        assertTrue(plain.contentEquals(Images.read(withProfile)), "profile must not change the values");
        // The JDK really does colour-manage such a file (so the test above is meaningful).
        BufferedImage jdk = ImageIO.read(withProfile.toFile());
        assertTrue(Math.abs(((jdk.getRaster().getSample(0, 0, 0)) - plain.get(0, 0, 0, 0))) > 10,
                "JDK value " + jdk.getRaster().getSample(0, 0, 0) + " vs " + plain.get(0, 0, 0, 0));
    }

    @Test
    void greyIsItu601Luma() {
        Approx.assertClose("rgb8 grey", Npy.read(TestFiles.copy("rgb8.grey.npy", dir)),
                Images.read(TestFiles.copy("rgb8.png", dir), ImageOptions.DEFAULT.withGrey(true)), 1e-6);
        Tensor g = Images.read(TestFiles.copy("grey8.png", dir), ImageOptions.DEFAULT.withGrey(true));
        assertTrue(Npy.read(TestFiles.copy("grey8.grey.npy", dir)).contentEquals(g), "grey sources keep exact values");
    }

    @Test
    void bgrSwapsChannelsAndRescaleMultiplies() {
        Path f = TestFiles.copy("rgb8.png", dir);
        Tensor rgb = Images.read(f, ImageOptions.DEFAULT);
        Tensor bgr = Images.read(f, ImageOptions.DEFAULT.withBgr(true).withRescale(1.0 / 255));
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 12; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals((float) (rgb.get(0, y, x, c) * (1.0 / 255)), bgr.get(0, y, x, 2 - c), 0f);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"7,5", "17,23"})
    void resizeIsBilinearWithHalfPixelCentres(int w, int h) {
        Tensor expected = Npy.read(TestFiles.copy("rgb8.resize_" + w + "x" + h + ".npy", dir));
        Tensor t = Images.read(TestFiles.copy("rgb8.png", dir), ImageOptions.DEFAULT.withResize(w, h));
        assertArrayEquals(new int[] {1, h, w, 3}, t.shape());
        Approx.assertClose("resize " + w + "x" + h, expected, t, 1e-5);
    }

    @Test
    void overLimitIsRefusedBeforeDecoding() {
        Path f = TestFiles.copy("rgb8.png", dir);
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> Images.read(f, ImageOptions.DEFAULT.withMaxPixels(119)));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("12x10"), e.getMessage());
        assertTrue(e.getMessage().contains("119"), e.getMessage());
        assertTrue(e.getMessage().contains("withMaxPixels"), e.getMessage());
        assertEquals(120, Images.read(f, ImageOptions.DEFAULT.withMaxPixels(120)).size() / 3);
    }

    @Test
    void hugeHeaderIsRefusedWithoutAllocating() throws IOException {
        // A valid PNG header declaring 100000 x 100000 pixels, followed by nothing: must fail on the size.
        byte[] png = TestFiles.bytes("grey8.png");
        byte[] head = Arrays.copyOf(png, 33);
        java.nio.ByteBuffer.wrap(head, 16, 8).putInt(100_000).putInt(100_000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(head, 12, 17);
        java.nio.ByteBuffer.wrap(head, 29, 4).putInt((int) crc.getValue());
        Path f = Files.write(dir.resolve("bomb.png"), head);
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(f, ImageOptions.DEFAULT));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        assertTrue(e.getMessage().contains("50000000"), e.getMessage());
    }

    /** Cuts: inside the compressed data (PNG), inside the scan (JPEG 700 of 771 bytes, SOS at 609), inside the headers (JPEG 400), inside the first GIF frame (90 of 241 bytes). */
    @ParameterizedTest
    @CsvSource({"rgb8.png,60", "rgb.jpg,700", "rgb.jpg,400", "rgb8.bmp,300", "anim.gif,90", "rgb16.png,500"})
    void truncatedFilesAreErrorsNamingTheFile(String name, int keep) throws IOException {
        byte[] all = TestFiles.bytes(name);
        Path f = Files.write(dir.resolve("cut-" + name), Arrays.copyOf(all, keep));
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(f, ImageOptions.DEFAULT));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void skimageTruncatedJpegIsAnError() {
        Path f = TestFiles.copy("truncated.jpg", dir);
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(f, ImageOptions.DEFAULT));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void corruptedDataIsAnError() throws IOException {
        byte[] all = TestFiles.bytes("rgb16.png");
        for (int i = 60; i < all.length - 20; i++) {
            all[i] ^= 0x5a;
        }
        Path f = Files.write(dir.resolve("garbled.png"), all);
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(f, ImageOptions.DEFAULT));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void cmykJpegIsConvertedAsPilDoes() {
        assertJpegClose("cmyk.jpg");
    }

    @Test
    void emptyMissingAndNonImageFilesAreErrors() throws IOException {
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        Path text = Files.writeString(dir.resolve("notes.png"), "this is not a picture\n");
        Path missing = dir.resolve("missing.png");
        for (Path f : new Path[] {empty, text, missing, dir}) {
            CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(f, ImageOptions.DEFAULT));
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
        assertTrue(assertThrows(CnnIoException.class, () -> Images.read(empty)).getMessage().contains("empty"));
        assertTrue(assertThrows(CnnIoException.class, () -> Images.read(text)).getMessage().contains("PNG, JPEG, BMP, GIF"));
    }

    @Test
    void badOptionsAreRejected() {
        Path f = TestFiles.copy("rgb8.png", dir);
        assertThrows(IllegalArgumentException.class, () -> Images.read(f, ImageOptions.DEFAULT.withResize(5, 0)));
        assertThrows(IllegalArgumentException.class, () -> Images.read(f, ImageOptions.DEFAULT.withRescale(0)));
        assertThrows(IllegalArgumentException.class, () -> Images.read(f, ImageOptions.DEFAULT.withMaxPixels(0)));
    }

    @Test
    void javaWrittenImagesRoundTrip() throws IOException {
        // An image written by ImageIO itself (TYPE_BYTE_GRAY and TYPE_3BYTE_BGR) reads back unchanged.
        BufferedImage g = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage c = new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                g.getRaster().setSample(x, y, 0, 20 * x + 60 * y);
                c.setRGB(x, y, (x * 50) << 16 | (y * 70) << 8 | 33);
            }
        }
        Path gp = dir.resolve("g.png");
        Path cp = dir.resolve("c.bmp");
        ImageIO.write(g, "png", gp.toFile());
        ImageIO.write(c, "bmp", cp.toFile());
        Tensor gt = Images.read(gp);
        Tensor ct = Images.read(cp);
        assertEquals(20f * 3 + 60 * 2, gt.get(0, 2, 3, 1));
        assertEquals(150f, ct.get(0, 2, 3, 0));
        assertEquals(140f, ct.get(0, 2, 3, 1));
        assertEquals(33f, ct.get(0, 2, 3, 2));
        assertArrayEquals(new int[] {4, 3}, Images.size(cp));
    }
}
