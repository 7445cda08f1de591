package io.cnnkit.io.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Tensor;

/**
 * {@link Images#read(byte[], String, ImageOptions)} against {@link Images#read(Path, ImageOptions)}
 * on the same images: equal tensors for every readable image of the corpus, and the same error
 * message (naming the file) for every broken one. Spark's binaryFile rows are read this way.
 */
class ImagesFromBytesTest {
    @TempDir
    Path dir;

    @Test
    void everyCorpusImageReadsTheSameFromBytes() throws IOException {
        ImageOptions[] options = {ImageOptions.DEFAULT, ImageOptions.DEFAULT.withGrey(true).withRescale(1 / 255.0),
                ImageOptions.DEFAULT.withBgr(true).withResize(7, 5)};
        List<String> read = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (var files = Files.list(Path.of("src/test/resources/images"))) {
            for (Path src : files.sorted().toList()) {
                String n = src.getFileName().toString();
                if (n.endsWith(".npy") || n.endsWith(".json")) {
                    continue;
                }
                Path f = Files.copy(src, dir.resolve(n));
                byte[] bytes = Files.readAllBytes(f);
                for (ImageOptions o : options) {
                    Tensor fromFile;
                    try {
                        fromFile = Images.read(f, o);
                    } catch (CnnIoException e) {
                        CnnIoException b = assertThrows(CnnIoException.class, () -> Images.read(bytes, f.toString(), o));
                        assertEquals(e.getMessage(), b.getMessage(), n);
                        failed.add(n);
                        continue;
                    }
                    Tensor fromBytes = Images.read(bytes, f.toString(), o);
                    assertArrayEquals(fromFile.shape(), fromBytes.shape(), n);
                    assertArrayEquals(fromFile.data(), fromBytes.data(), n);
                    read.add(n);
                }
            }
        }
        assertTrue(read.size() >= 10, "readable images compared: " + read);
        assertTrue(!failed.isEmpty(), "broken images compared: none");
    }

    @Test
    void emptyAndTruncatedBytesNameTheGivenPath() throws IOException {
        CnnIoException empty = assertThrows(CnnIoException.class,
                () -> Images.read(new byte[0], "photos/a.png", ImageOptions.DEFAULT));
        assertEquals("photos/a.png: empty file (0 bytes), not an image", empty.getMessage());
        byte[] png = TestFiles.bytes("rgb8.png");
        CnnIoException cut = assertThrows(CnnIoException.class,
                () -> Images.read(Arrays.copyOf(png, png.length / 2), "photos/b.png", ImageOptions.DEFAULT));
        assertTrue(cut.getMessage().startsWith("photos/b.png: truncated or corrupt PNG"), cut.getMessage());
    }
}
