package io.cnnkit.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;

/**
 * Broken images fail with a CnnIoException naming the file and the problem, before decoding
 * what a header merely declares; the unusual-but-valid ones (16-bit, palette, grey+alpha,
 * RGBA, CMYK JPEG) decode to the values PIL gives (badinput/images/expected.json).
 */
@Timeout(10)
class ImageBadInputTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            truncated.png     | truncated or corrupt PNG
            corrupt_idat.png  | corrupt PNG
            empty.png         | empty file (0 bytes)
            text.png          | not a recognised image;PNG, JPEG
            random.jpg        | not a recognised image
            huge_ihdr.png     | header declares 100000x100000;more than the limit of 50000000;withMaxPixels
            zero_size.png     | PNG
            truncated.jpg     | corrupt JPEG
            """)
    void refusedWithAClearMessage(String file, String fragments) {
        Path p = Corpus.file("images/" + file);
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(p));
        WeightFileBadInputTest.assertMessage(e, p, fragments);
    }

    /**
     * 7000 x 7000 one-bit pixels in 6 KB: under the 50-megapixel default limit, but 588 MB as a
     * float32 RGB tensor, more than this 512 MB test heap. It must fail with a message, not an
     * OutOfMemoryError; a lower pixel limit refuses it from the header.
     */
    @Test
    void decompressionBombUnderThePixelLimit() {
        Path p = Corpus.file("images/bomb_1bit.png");
        CnnIoException limited = assertThrows(CnnIoException.class,
                () -> Images.read(p, ImageOptions.DEFAULT.withMaxPixels(10_000_000)));
        WeightFileBadInputTest.assertMessage(limited, p, "7000x7000;more than the limit of 10000000");
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(p));
        WeightFileBadInputTest.assertMessage(e, p, "7000x7000");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ok_rgb.png, 0", "palette.png, 0", "grey_alpha.png, 0", "rgba.png, 0", "grey16.png, 0.001",
        "rgb16.png, 0.001", "cmyk.jpg, 4"})
    void unusualButValidImagesWork(String file, double tolerance) throws IOException {
        JsonNode want = new ObjectMapper().readTree(Files.readString(Corpus.file("images/expected.json"))).get(file);
        Tensor t = Images.read(Corpus.file("images/" + file));
        int[] shape = new int[want.get("shape").size() + 1];
        shape[0] = 1;
        for (int i = 1; i < shape.length; i++) {
            shape[i] = want.get("shape").get(i - 1).asInt();
        }
        assertArrayEquals(shape, t.shape(), file + ": " + t.shapeString());
        float[] got = t.toArray();
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want.get("values").get(i).asDouble()));
        }
        assertTrue(worst <= tolerance + 1e-3, file + ": largest difference from PIL " + worst);
    }

    @Test
    void missingFileAndDirectoryAreNamed() {
        Path dir = Corpus.file("images/ok_rgb.png").getParent();
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.read(dir));
        WeightFileBadInputTest.assertMessage(e, dir, "directory");
        Path none = dir.resolve("none.png");
        e = assertThrows(CnnIoException.class, () -> Images.read(none));
        WeightFileBadInputTest.assertMessage(e, none, "not found");
        assertEquals(3, Images.read(Corpus.file("images/ok_rgb.png")).dim(3));
    }
}
