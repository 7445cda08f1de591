package io.cnnkit.explorer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload names and bodies: what is refused, with which status, and that nothing stays on disk. */
class UploadsTest {
    @TempDir
    Path dir;

    @Test
    void plainNamesGiveTheirExtension() {
        assertEquals("png", Uploads.extension("Photo.PNG", Uploads.IMAGE_EXTENSIONS, "image"));
        assertEquals("h5", Uploads.extension("my model.h5", Uploads.MODEL_EXTENSIONS, "model"));
    }

    @Test
    void namesWithFoldersDotsOrControlCharactersAreRefused() {
        for (String bad : new String[] {"../x.png", "a/b.png", "a\\b.png", "..png", "x\u0000.png", "", " "}) {
            HttpError e = assertThrows(HttpError.class, () -> Uploads.extension(bad, Uploads.IMAGE_EXTENSIONS, "image"),
                    bad);
            assertEquals(400, e.status, bad);
            assertFalse(e.getMessage().contains("\u0000"), "the message shows no control character");
        }
        HttpError e = assertThrows(HttpError.class, () -> Uploads.extension("x.exe", Uploads.IMAGE_EXTENSIONS, "image"));
        assertEquals("'x.exe' is not an image file: the explorer takes .bmp, .gif, .jpeg, .jpg, .png", e.getMessage());
    }

    @Test
    void aBodyIsStoredWhole() throws Exception {
        Path f = dir.resolve("u.bin");
        byte[] data = {1, 2, 3, 4, 5};
        Uploads.save(new ByteArrayInputStream(data), data.length, 10, f, "image");
        assertArrayEquals(data, Files.readAllBytes(f));
    }

    @Test
    void emptyAndOversizedBodiesLeaveNothing() {
        Path f = dir.resolve("u.bin");
        HttpError empty = assertThrows(HttpError.class,
                () -> Uploads.save(new ByteArrayInputStream(new byte[0]), 0, 10, f, "image"));
        assertEquals(400, empty.status);
        assertFalse(Files.exists(f));
        // declared too large: refused before anything is written
        HttpError declared = assertThrows(HttpError.class,
                () -> Uploads.save(new ByteArrayInputStream(new byte[20]), 20, 10, f, "image"));
        assertEquals(413, declared.status);
        assertFalse(Files.exists(f));
        // no length declared (chunked): refused once the limit is passed, the partial file deleted
        HttpError streamed = assertThrows(HttpError.class,
                () -> Uploads.save(new ByteArrayInputStream(new byte[20]), -1, 10, f, "image"));
        assertEquals(413, streamed.status);
        assertTrue(streamed.getMessage().contains("limit of 0.0 MB"), streamed.getMessage());
        assertFalse(Files.exists(f));
    }

    @Test
    void theModelsFolderServesOnlyItsListedFiles() throws Exception {
        Files.writeString(dir.resolve("a.json"), "{}");
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b.json"), "{}");
        ModelsFolder folder = new ModelsFolder(dir);
        assertEquals(java.util.List.of("a.json"), folder.list());
        assertEquals(dir.resolve("a.json").toAbsolutePath(), folder.file("a.json").toAbsolutePath());
        assertEquals(400, assertThrows(HttpError.class, () -> folder.file("sub/b.json")).status);
        assertEquals(400, assertThrows(HttpError.class, () -> folder.file("../a.json")).status);
        assertEquals(404, assertThrows(HttpError.class, () -> folder.file("missing.json")).status);
    }
}
