package io.cnnkit.io.h5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;

/** A failing save leaves the previous file byte-identical and no temporary file behind. */
class AtomicSaveTest {
    @TempDir
    Path dir;
    private StandaloneEngine engine;
    private Path target;
    private byte[] old;

    @BeforeEach
    void setUp() throws IOException {
        engine = FakeLayers.engine();
        target = dir.resolve("weights.h5");
        KerasWeights.save(H5Fixtures.fixture(engine, 1), target);
        old = Files.readAllBytes(target);
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private void assertUntouched() throws IOException {
        assertArrayEquals(old, Files.readAllBytes(target), "previous file unchanged");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList(), "no temporary file left behind");
        }
    }

    @Test
    void failureAfterWritingBeforeTheRename() throws IOException {
        Model other = H5Fixtures.fixture(engine, 2);
        Path[] seen = new Path[1];
        CnnIoException e = assertThrows(CnnIoException.class, () -> WeightWriter.save(other, target, temp -> {
            seen[0] = temp;
            assertTrue(Files.size(temp) > 0, "the temp file is complete before the rename");
            assertEquals(dir, temp.getParent(), "temp file in the target's folder (same file system: atomic rename)");
            throw new IOException("disk full (injected)");
        }));
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("disk full (injected)")
                && e.getMessage().contains("previous file, if any, is unchanged"), e.getMessage());
        assertUntouched();
        assertTrue(seen[0] != null && !Files.exists(seen[0]));
    }

    @Test
    void failureOfTheRename() throws IOException {
        Model other = H5Fixtures.fixture(engine, 2);
        CnnIoException e = assertThrows(CnnIoException.class, () -> WeightWriter.save(other, target, temp -> {
            // An (empty) directory where the temp file was: renaming it over a file fails.
            Files.delete(temp);
            Files.createDirectory(temp);
        }));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertUntouched();
    }

    @Test
    void failureWhileWritingTheHdf5File() throws IOException {
        // A weight the Keras layout cannot hold (no elements) fails half-way through writing.
        Model odd = engine.build(engine.parse("""
                {"name": "odd", "input_shape": [4, 4, 3], "layers": [
                  {"type": "conv2d", "name": "conv_1", "filters": 2, "kernel_size": 1},
                  {"type": "declared", "name": "empty_1", "weights": {"kernel": [0, 3]}}]}"""));
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.save(odd, target));
        assertTrue(e.getMessage().contains("layer 'empty_1' weight 'kernel' has shape (0, 3)"), e.getMessage());
        assertUntouched();
    }

    @Test
    void invalidLayerNameFailsBeforeAnythingIsWritten() throws IOException {
        Model bad = engine.build(engine.parse("""
                {"name": "bad", "input_shape": [4, 4, 3], "layers": [
                  {"type": "conv2d", "name": "a/b", "filters": 2, "kernel_size": 1}]}"""));
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.save(bad, target));
        assertTrue(e.getMessage().contains("'a/b'"), e.getMessage());
        assertUntouched();
    }

    @Test
    void readOnlyFolder() throws IOException {
        Assumptions.assumeTrue(dir.toFile().setWritable(false, false), "cannot make the folder read-only here");
        try {
            Assumptions.assumeFalse(Files.isWritable(dir),
                    "running as a user who can write into read-only folders (root): the injected-failure tests cover this");
            CnnIoException e = assertThrows(CnnIoException.class,
                    () -> KerasWeights.save(H5Fixtures.fixture(engine, 2), target));
            assertTrue(e.getMessage().contains("cannot create a temporary file in " + dir), e.getMessage());
            assertUntouched();
        } finally {
            dir.toFile().setWritable(true, false);
        }
    }
}
