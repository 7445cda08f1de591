package io.cnnkit.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.WeightFileInfo;

/**
 * Broken HDF5 weight files: every load fails with a CnnIoException naming the file and the
 * problem (layer, weight, dtype, shapes), leaves the model's weights exactly as they were,
 * and neither allocates what the file declares nor hangs.
 */
@Timeout(10)
class WeightFileBadInputTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Corpus.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /** The files that must work hold the same values as ok.h5 (chunked+gzip+shuffle, float64). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ok.h5", "ok_gzip.h5", "ok_float64.h5"})
    void goodFilesLoad(String file) {
        Model reference = Corpus.model(engine);
        Model m = Corpus.model(engine);
        Map<String, Map<String, Tensor>> initial = m.weights();
        KerasWeights.load(reference, Corpus.file("h5/ok.h5"), LoadOptions.BY_NAME);
        LoadReport r = KerasWeights.load(m, Corpus.file("h5/" + file), LoadOptions.BY_NAME);
        assertEquals(2, r.count(LoadReport.Status.LOADED), r.format());
        assertSameWeights(reference.weights(), m.weights());
        assertTrue(!initial.get("conv").get("kernel").contentEquals(m.weights().get("conv").get("kernel")));
        reference.close();
        m.close();
    }

    /** file | fragments of the load error (the file name is always required too). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            truncated.h5           | layer 'conv';weight_names;no dataset
            truncated_head.h5      | not a readable HDF5 file
            random.h5              | not a readable HDF5 file;No valid HDF5 signature
            empty.h5               | not a readable HDF5 file
            text.h5                | not a readable HDF5 file
            bad_superblock.h5      | not a readable HDF5 file
            plain.h5               | not a Keras weight file;no 'layer_names';[x]
            no_layer_names.h5      | not a Keras weight file;no 'layer_names'
            numeric_layer_names.h5 | 'layer_names';should hold strings;int32
            missing_group.h5       | 'layer_names' lists layer 'ghost';no group
            missing_dataset.h5     | layer 'conv';'conv/gone:0';no dataset
            no_weight_names.h5     | layer 'conv' (conv2d);0 weight(s);expects 2;skipMismatch
            int32_kernel.h5        | /conv/conv/kernel:0;layer 'conv';int32;only float32 and float64
            string_weight.h5       | /fc/fc/bias:0;layer 'fc';dtype string
            wrong_shape.h5         | layer 'conv' (conv2d);'kernel';(3, 3, 1, 4) in the file;(3, 3, 1, 2) in the model
            wrong_rank.h5          | layer 'fc' (dense);'kernel';(216,) in the file;(72, 3) in the model
            scalar_weight.h5       | layer 'fc' (dense);'bias';() in the file;(3,) in the model
            absurd_dims.h5         | layer 'conv' (conv2d);(100000, 100000, 1000) in the file;(3, 3, 1, 2) in the model
            beyond_int_dims.h5     | dataset /fc/fc/bias:0;dimension larger than 2^31-1
            unwritten_chunks.h5    | dataset /fc/fc/kernel:0;decode
            """)
    void loadFailsClearlyAndChangesNothing(String file, String fragments) {
        Path p = Corpus.file("h5/" + file);
        Model m = Corpus.model(engine);
        Map<String, Map<String, Tensor>> before = m.weights();
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.load(m, p, LoadOptions.BY_NAME));
        assertMessage(e, p, fragments);
        assertSameWeights(before, m.weights());
        m.close();
    }

    /** By order goes through other code (count checks, pairing): the same files fail as clearly. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"truncated.h5", "random.h5", "int32_kernel.h5", "wrong_shape.h5", "absurd_dims.h5",
        "no_weight_names.h5", "scalar_weight.h5", "beyond_int_dims.h5", "string_weight.h5"})
    void loadByOrderFailsClearlyAndChangesNothing(String file) {
        Path p = Corpus.file("h5/" + file);
        Model m = Corpus.model(engine);
        Map<String, Map<String, Tensor>> before = m.weights();
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.load(m, p, LoadOptions.BY_ORDER));
        assertMessage(e, p, "");
        assertSameWeights(before, m.weights());
        m.close();
    }

    /** skipMismatch leaves the mismatched layers alone and says why, loading the others. */
    @Test
    void skipMismatchReportsAbsurdShapes() {
        Model m = Corpus.model(engine);
        LoadReport r = KerasWeights.load(m, Corpus.file("h5/absurd_dims.h5"), new LoadOptions(true, true));
        assertEquals(1, r.count(LoadReport.Status.SKIPPED_MISMATCH), r.format());
        assertEquals(1, r.count(LoadReport.Status.LOADED), r.format());
        assertTrue(r.format().contains("(100000, 100000, 1000)"), r.format());
        m.close();
    }

    /** Inspecting only reads metadata: absurd declared shapes are listed, not allocated. */
    @Test
    void inspectListsAbsurdShapesWithoutReading() {
        WeightFileInfo info = KerasWeights.inspect(Corpus.file("h5/absurd_dims.h5"));
        assertEquals("conv", info.layers().get(0).layer());
        assertTrue(java.util.Arrays.equals(new int[] {100000, 100000, 1000}, info.layers().get(0).shapes().get(0)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            truncated_head.h5      | not a readable HDF5 file
            random.h5              | not a readable HDF5 file
            empty.h5               | not a readable HDF5 file
            plain.h5               | not a Keras weight file
            numeric_layer_names.h5 | should hold strings
            missing_group.h5       | no group
            missing_dataset.h5     | no dataset
            beyond_int_dims.h5     | dimension
            """)
    void inspectFailsClearly(String file, String fragments) {
        Path p = Corpus.file("h5/" + file);
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.inspect(p));
        assertMessage(e, p, fragments);
    }

    @Test
    void missingFileIsNamed() {
        Path p = Corpus.file("h5/ok.h5").resolveSibling("does-not-exist.h5");
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.inspect(p));
        assertMessage(e, p, "does not exist");
    }

    static void assertMessage(Throwable e, Path file, String fragments) {
        String msg = e.getMessage();
        assertTrue(msg != null && msg.contains(file.toString()), "message does not name " + file + ": " + msg);
        for (String f : fragments.split(";")) {
            assertTrue(msg.contains(f.strip()), "message lacks '" + f.strip() + "': " + msg);
        }
        assertTrue(!msg.contains("\tat ") && msg.length() < 2000, "message carries a stack trace or noise: " + msg);
    }

    static void assertSameWeights(Map<String, Map<String, Tensor>> before, Map<String, Map<String, Tensor>> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((layer, ws) -> ws.forEach((name, t) -> assertTrue(t.contentEquals(after.get(layer).get(name)),
                "weight " + layer + "/" + name + " changed by a failed load")));
    }
}
