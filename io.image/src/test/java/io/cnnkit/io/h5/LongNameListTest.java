package io.cnnkit.io.h5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;

/** Name lists beyond HDF5's 64 KB object header are split as Keras splits them, and read back whole. */
class LongNameListTest {
    @Test
    void longListsAreChunkedLikeKeras(@TempDir Path dir) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            names.add("batch_normalization_" + i); // 3000 x 25 bytes: two chunks
        }
        Path f = dir.resolve("long.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            WeightWriter.putStrings(w, "layer_names", names);
            WeightWriter.putStrings(w, "short", List.of("a", "bc"));
            WeightWriter.putStrings(w, "none", List.of());
        }
        try (HdfFile h = new HdfFile(f)) {
            assertNull(h.getAttribute("layer_names"), "stored as layer_names0, layer_names1");
            assertNotNull(h.getAttribute("layer_names0"));
            assertNotNull(h.getAttribute("layer_names1"));
            assertNull(h.getAttribute("layer_names2"));
            assertEquals(names, H5Support.stringList(h, "layer_names"));
            assertEquals(List.of("a", "bc"), H5Support.stringList(h, "short"));
            assertEquals(List.of(), H5Support.stringList(h, "none"));
            assertNull(H5Support.stringList(h, "absent"));
        }
    }
}
