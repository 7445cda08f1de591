package io.cnnkit.io.h5;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;

/** Broken inputs fail with a CnnIoException that names the file and shows no stack trace. */
class CorruptInputTest {
    @TempDir
    Path dir;

    private static void assertClean(CnnIoException e, Path file) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "names the file: " + m);
        assertFalse(m.contains("\tat ") || m.contains("\n"), "no stack trace: " + m);
    }

    private void assertEveryEntryPointFails(Path file) {
        assertClean(assertThrows(CnnIoException.class, () -> KerasWeights.inspect(file)), file);
        // modelConfig reads the root attribute only: a file cut after it still gives its config
        // (the weights below fail), one cut before fails
        try {
            assertTrue(KerasWeights.modelConfig(file).orElseThrow().contains("\"class_name\""));
        } catch (CnnIoException e) {
            assertClean(e, file);
        }
        try (StandaloneEngine e = FakeLayers.engine()) {
            Model m = H5Fixtures.fixture(e);
            assertClean(assertThrows(CnnIoException.class, () -> KerasWeights.load(m, file, LoadOptions.BY_NAME)), file);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 2000, 6000, 15000, 40000})
    void truncatedCopiesOfARealFile(int length) throws IOException {
        byte[] all = Files.readAllBytes(H5Fixtures.realFile("k2-mtcnn-12net.h5"));
        Path f = dir.resolve("truncated-" + length + ".h5");
        Files.write(f, Arrays.copyOf(all, length));
        assertEveryEntryPointFails(f);
    }

    @Test
    void truncatedFixtureFailsOnLoadBeforeChangingTheModel() throws IOException {
        // Cut inside the last dataset: the header survives, so only reading data can fail.
        byte[] all = Files.readAllBytes(H5Fixtures.resource("h5py-keras2-fixed.h5"));
        Path f = dir.resolve("cut.h5");
        Files.write(f, Arrays.copyOf(all, all.length - 600));
        try (StandaloneEngine e = FakeLayers.engine()) {
            Model m = H5Fixtures.fixture(e);
            var before = m.weights();
            CnnIoException ex = assertThrows(CnnIoException.class, () -> KerasWeights.load(m, f, LoadOptions.BY_NAME));
            assertClean(ex, f);
            H5Fixtures.assertSameWeights(before, m.weights());
        }
    }

    @Test
    void randomBytes() throws IOException {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        Path f = dir.resolve("random.h5");
        Files.write(f, junk);
        assertEveryEntryPointFails(f);
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.createFile(dir.resolve("empty.h5"));
        assertEveryEntryPointFails(f);
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.h5");
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.inspect(f));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertClean(e, f);
    }

    @Test
    void weightNamesListingAMissingDataset() {
        Path f = H5Fixtures.resource("h5py-bad-layout.h5");
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.inspect(f));
        assertTrue(e.getMessage().contains("layer 'dw_1' lists weight 'dw_1/missing:0' in weight_names but there is no "
                + "dataset /dw_1/dw_1/missing:0"), e.getMessage());
        assertClean(e, f);
    }

    @Test
    void weightNamesHoldingNumbers() {
        Path f = H5Fixtures.resource("h5py-bad-attribute.h5");
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.inspect(f));
        assertTrue(e.getMessage().contains("attribute 'weight_names' of /bn_1") && e.getMessage().contains("int32"),
                e.getMessage());
        assertClean(e, f);
    }

    @Test
    void hdf5ThatIsNotAKerasFile() {
        Path f = dir.resolve("other.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putDataset("data", new float[] {1, 2, 3});
        }
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.inspect(f));
        assertTrue(e.getMessage().contains("not a Keras weight file") && e.getMessage().contains("[data]"),
                e.getMessage());
        assertClean(e, f);
    }
}
