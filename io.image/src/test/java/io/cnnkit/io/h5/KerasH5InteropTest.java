package io.cnnkit.io.h5;

import static io.cnnkit.io.h5.H5Fixtures.FIXTURE_LAYERS;
import static io.cnnkit.io.h5.H5Fixtures.assertSameWeights;
import static io.cnnkit.io.h5.H5Fixtures.formulaWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.LoadReport.Status;
import io.cnnkit.io.api.WeightFileInfo;

/** Files cnnkit writes read as Keras expects (checked by h5py), and files h5py wrote load. */
class KerasH5InteropTest {
    private StandaloneEngine engine;

    @BeforeEach
    void setUp() {
        engine = FakeLayers.engine();
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    /** Writes target/h5/cnnkit-saved.h5, the file cnf/golden/keras_weights.py checks with h5py. */
    private Path saveFixture() throws IOException {
        Model m = H5Fixtures.fixture(engine);
        m.setWeights(formulaWeights(m));
        Path out = H5Fixtures.moduleDir().resolve("target/h5/cnnkit-saved.h5");
        Files.createDirectories(out.getParent());
        KerasWeights.save(m, out);
        return out;
    }

    @Test
    void savedFileHasTheKeras2Layout() throws IOException {
        WeightFileInfo info = KerasWeights.inspect(saveFixture());
        assertEquals("keras2 weights", info.format());
        assertEquals("2.13.1", info.kerasVersion());
        assertEquals(FIXTURE_LAYERS, info.layers().stream().map(WeightFileInfo.LayerWeights::layer).toList());
        WeightFileInfo.LayerWeights conv = info.layers().get(0);
        assertEquals(List.of("conv_1/kernel:0", "conv_1/bias:0"), conv.weightNames());
        assertArrayEquals(new int[] {3, 3, 3, 4}, conv.shapes().get(0));
        assertEquals(List.of(), info.layers().get(1).weightNames(), "pool_1 is weightless");
        assertEquals(List.of("bn_1/gamma:0", "bn_1/beta:0", "bn_1/moving_mean:0", "bn_1/moving_variance:0"),
                info.layers().get(2).weightNames());
        assertEquals(List.of("dw_1/depthwise_kernel:0", "dw_1/bias:0"), info.layers().get(3).weightNames());
        assertEquals(List.of("prelu_1/alpha:0"), info.layers().get(4).weightNames());
        assertArrayEquals(new int[] {1, 1, 4}, info.layers().get(4).shapes().get(0));
        assertArrayEquals(new int[] {64, 5}, info.layers().get(6).shapes().get(0));
    }

    /**
     * The committed cnnkit-saved.h5 (checked by h5py in keras_weights.py) is what the writer
     * produces today, byte for byte; when the writer changes, copy target/h5/cnnkit-saved.h5
     * over it and rerun the script.
     */
    @Test
    void committedH5pyCheckedFileIsWhatSaveWritesNow() throws IOException {
        Path fresh = saveFixture();
        Path committed = H5Fixtures.resource("cnnkit-saved.h5");
        assertArrayEquals(Files.readAllBytes(committed), Files.readAllBytes(fresh),
                "target/h5/cnnkit-saved.h5 differs from src/test/resources/h5/cnnkit-saved.h5: copy it over and run "
                        + "/usr/bin/python3 cnf/golden/keras_weights.py");
    }

    @Test
    void roundTripIsBitIdentical(@TempDir Path dir) {
        Model a = H5Fixtures.fixture(engine, 1);
        Model b = H5Fixtures.fixture(engine, 2);
        assertFalse(a.weights().get("conv_1").get("kernel").contentEquals(b.weights().get("conv_1").get("kernel")),
                "different seeds give different weights");
        Path f = dir.resolve("w.h5");
        KerasWeights.save(a, f);
        LoadReport r = KerasWeights.load(b, f, LoadOptions.BY_NAME);
        assertSameWeights(a.weights(), b.weights());
        assertEquals(5, r.count(Status.LOADED), r.format());
        assertEquals(2, r.count(Status.NO_WEIGHTS), r.format());
        assertTrue(r.entries().get(0).detail().contains("kernel (3, 3, 3, 4), bias (4,)"), r.format());
        assertTrue(r.entries().get(0).detail().contains("by name"), r.format());

        Model c = H5Fixtures.fixture(engine, 3);
        KerasWeights.load(c, f, LoadOptions.BY_ORDER);
        assertSameWeights(a.weights(), c.weights());
    }

    @Test
    void saveReplacesAnExistingFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("w.h5");
        Files.writeString(f, "old content");
        Model a = H5Fixtures.fixture(engine, 1);
        KerasWeights.save(a, f);
        assertEquals("keras2 weights", KerasWeights.inspect(f).format());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary files left");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h5py-keras2-fixed.h5", "h5py-keras2-vlen-full.h5", "h5py-keras3-legacy.h5",
            "h5py-keras1.h5", "h5py-keras3.weights.h5"})
    void h5pyWrittenFilesLoadByName(String name) {
        Model m = H5Fixtures.fixture(engine);
        Map<String, Map<String, Tensor>> expected = formulaWeights(m);
        LoadReport r = KerasWeights.load(m, H5Fixtures.resource(name), LoadOptions.BY_NAME);
        assertSameWeights(expected, m.weights());
        assertEquals(5, r.count(Status.LOADED), r.format());
        assertEquals(2, r.count(Status.NO_WEIGHTS), r.format());
        String conv = r.entries().get(0).detail();
        if (name.endsWith(".weights.h5")) {
            assertTrue(conv.contains("matched in order"), "Keras 3 stores indices, not names: " + conv);
        } else {
            assertTrue(conv.contains("matched by name"), conv);
        }
        assertEquals(name.equals("h5py-keras1.h5"), conv.contains("float64 converted"), conv);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h5py-keras2-fixed.h5", "h5py-keras2-vlen-full.h5", "h5py-keras3-legacy.h5",
            "h5py-keras1.h5"})
    void h5pyWrittenFilesLoadByOrder(String name) {
        Model m = engine.build(engine.parse(H5Fixtures.FIXTURE.replace("\"conv_1\"", "\"c\"")
                .replace("\"dens_1\"", "\"d\"")));
        Map<String, Map<String, Tensor>> expected = formulaWeights(m);
        LoadReport r = KerasWeights.load(m, H5Fixtures.resource(name), LoadOptions.BY_ORDER);
        assertSameWeights(expected, m.weights());
        assertTrue(r.entries().get(0).detail().contains("from file layer 'conv_1'"), r.format());
    }

    @Test
    void keras3WeightsH5CannotLoadByOrder() {
        Model m = H5Fixtures.fixture(engine);
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> KerasWeights.load(m, H5Fixtures.resource("h5py-keras3.weights.h5"), LoadOptions.BY_ORDER));
        assertTrue(e.getMessage().contains("load it by name"), e.getMessage());
    }

    @Test
    void inspectNamesFormatsAndKeepsStoredNames() {
        assertEquals("keras2 weights", KerasWeights.inspect(H5Fixtures.resource("h5py-keras2-fixed.h5")).format());
        WeightFileInfo full = KerasWeights.inspect(H5Fixtures.resource("h5py-keras2-vlen-full.h5"));
        assertEquals("keras2 full model", full.format());
        assertEquals(FIXTURE_LAYERS, full.layers().stream().map(WeightFileInfo.LayerWeights::layer).toList(),
                "top_level_model_weights is not in layer_names");
        assertEquals(List.of("conv_1_1/kernel:0", "conv_1_1/bias:0"), full.layers().get(0).weightNames());
        WeightFileInfo k1 = KerasWeights.inspect(H5Fixtures.resource("h5py-keras1.h5"));
        assertEquals("keras1 weights", k1.format());
        assertEquals(null, k1.kerasVersion());
        assertEquals(List.of("bn_1_gamma", "bn_1_beta", "bn_1_running_mean", "bn_1_running_std"),
                k1.layers().get(2).weightNames());
        assertEquals("keras3 full model", KerasWeights.inspect(H5Fixtures.resource("h5py-keras3-legacy.h5")).format());
        WeightFileInfo k3 = KerasWeights.inspect(H5Fixtures.resource("h5py-keras3.weights.h5"));
        assertEquals("keras3 .weights.h5", k3.format());
        assertEquals(List.of("bn_1", "conv_1", "dens_1", "dw_1", "flatten_1", "pool_1", "prelu_1"),
                k3.layers().stream().map(WeightFileInfo.LayerWeights::layer).toList(),
                "Keras 3 order is the attribute paths (batch_normalization, conv2d, dense, ...), naturally sorted");
    }

    @Test
    void modelConfigOfFullModelFiles() {
        String json = KerasWeights.modelConfig(H5Fixtures.resource("h5py-keras2-vlen-full.h5")).orElseThrow();
        assertTrue(json.startsWith("{\"class_name\": \"Sequential\""), json);
        assertTrue(json.contains("\"dens_1\""), json);
        assertTrue(KerasWeights.modelConfig(H5Fixtures.resource("h5py-keras2-fixed.h5")).isEmpty());
    }
}
