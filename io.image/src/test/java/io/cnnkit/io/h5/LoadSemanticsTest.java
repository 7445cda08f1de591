package io.cnnkit.io.h5;

import static io.cnnkit.io.h5.H5Fixtures.assertSameWeights;
import static io.cnnkit.io.h5.H5Fixtures.formulaWeights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.LoadReport.Entry;
import io.cnnkit.io.api.LoadReport.Status;

/** Keras's load_weights semantics: by name (absent layers, mismatches, skip_mismatch) and by order. */
class LoadSemanticsTest {
    private StandaloneEngine engine;

    @BeforeEach
    void setUp() {
        engine = FakeLayers.engine();
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private Model build(String json) {
        return engine.build(engine.parse(json));
    }

    private static Entry entry(LoadReport r, String layer) {
        return r.entries().stream().filter(e -> e.layer().equals(layer)).findFirst().orElseThrow();
    }

    @Test
    void byNameLeavesLayersAbsentFromTheFileAlone() {
        // The walkthrough's extended model: the saved layers plus one the file does not know.
        Model m = build(H5Fixtures.FIXTURE.replace("{\"type\": \"dense\", \"name\": \"dens_1\", \"units\": 5}",
                "{\"type\": \"dense\", \"name\": \"dens_1\", \"units\": 5}, {\"type\": \"dense\", \"name\": \"dens_2\", \"units\": 3}"));
        Map<String, Map<String, Tensor>> before = m.weights();
        LoadReport r = KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), LoadOptions.BY_NAME);
        assertEquals(Status.ABSENT, entry(r, "dens_2").status(), r.format());
        assertSameWeights(Map.of("dens_2", before.get("dens_2")), Map.of("dens_2", m.weights().get("dens_2")));
        assertEquals(5, r.count(Status.LOADED), r.format());
        assertEquals(8, r.entries().size(), "one entry per model layer");
    }

    @Test
    void byNameIntoATruncatedModelIgnoresTheFilesOtherLayers() {
        Model m = build("""
                {"name": "first", "input_shape": [8, 8, 3], "layers": [
                  {"type": "conv2d", "name": "conv_1", "filters": 4, "kernel_size": 3},
                  {"type": "max_pooling2d", "name": "pool_1"}]}""");
        Map<String, Map<String, Tensor>> expected = formulaWeights(m);
        LoadReport r = KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), LoadOptions.BY_NAME);
        assertSameWeights(expected, m.weights());
        assertEquals(Status.LOADED, entry(r, "conv_1").status());
        assertEquals(Status.NO_WEIGHTS, entry(r, "pool_1").status());
    }

    @Test
    void shapeMismatchIsAnErrorNamingFileLayerWeightAndShapes() {
        Model m = H5Fixtures.fixture(engine);
        Map<String, Map<String, Tensor>> before = m.weights();
        var file = H5Fixtures.resource("h5py-bad-shape.h5");
        CnnIoException e = assertThrows(CnnIoException.class, () -> KerasWeights.load(m, file, LoadOptions.BY_NAME));
        String msg = e.getMessage();
        assertTrue(msg.contains(file.toString()), msg);
        assertTrue(msg.contains("layer 'conv_1'"), msg);
        assertTrue(msg.contains("weight 'kernel'"), msg);
        assertTrue(msg.contains("(3, 3, 3, 5) in the file but (3, 3, 3, 4) in the model"), msg);
        assertTrue(msg.contains("weight 'bias'") && msg.contains("(5,) in the file but (4,) in the model"), msg);
        assertTrue(msg.contains("skipMismatch"), "says what to do next: " + msg);
        assertSameWeights(before, m.weights());
    }

    @Test
    void skipMismatchSkipsTheLayerAndReportsTheShapes() {
        Model m = H5Fixtures.fixture(engine);
        Map<String, Map<String, Tensor>> before = m.weights();
        Map<String, Map<String, Tensor>> formula = formulaWeights(m);
        LoadReport r = KerasWeights.load(m, H5Fixtures.resource("h5py-bad-shape.h5"), new LoadOptions(true, true));
        Entry conv = entry(r, "conv_1");
        assertEquals(Status.SKIPPED_MISMATCH, conv.status(), r.format());
        assertTrue(conv.detail().contains("(3, 3, 3, 5) in the file but (3, 3, 3, 4) in the model"), conv.detail());
        assertSameWeights(Map.of("conv_1", before.get("conv_1")), Map.of("conv_1", m.weights().get("conv_1")));
        formula.remove("conv_1");
        Map<String, Map<String, Tensor>> now = m.weights();
        now.remove("conv_1");
        assertSameWeights(formula, now);
        assertEquals(4, r.count(Status.LOADED), r.format());
    }

    @Test
    void weightCountMismatchIsAnError() {
        Model m = build(H5Fixtures.FIXTURE.replace("\"filters\": 4, \"kernel_size\": 3}",
                "\"filters\": 4, \"kernel_size\": 3, \"use_bias\": false}"));
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), LoadOptions.BY_NAME));
        assertTrue(e.getMessage().contains("layer 'conv_1'") && e.getMessage().contains("the file has 2 weight(s)")
                && e.getMessage().contains("expects 1 [kernel]"), e.getMessage());
    }

    @Test
    void unmatchedWeightNamesFallBackToKerasOrderAndSaySo() {
        Model m = build(H5Fixtures.FIXTURE.replace("{\"type\": \"dense\", \"name\": \"dens_1\", \"units\": 5}",
                "{\"type\": \"declared\", \"name\": \"dens_1\", \"weights\": {\"w\": [64, 5], \"b\": [5]}}"));
        LoadReport r = KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), LoadOptions.BY_NAME);
        Entry d = entry(r, "dens_1");
        assertEquals(Status.LOADED, d.status());
        assertTrue(d.detail().contains("matched in order (stored names [dens_1/kernel:0, dens_1/bias:0])"), d.detail());
        Tensor w = m.weights().get("dens_1").get("w");
        for (int i = 0; i < w.size(); i++) {
            assertEquals(H5Fixtures.value(6, 0, i), w.data()[i]);
        }
    }

    @Test
    void wrongDtypeIsAnErrorNamingDatasetAndDtypeAndNothingChanges() {
        Model m = H5Fixtures.fixture(engine);
        Map<String, Map<String, Tensor>> before = m.weights();
        for (LoadOptions o : new LoadOptions[] {LoadOptions.BY_NAME, new LoadOptions(true, true), LoadOptions.BY_ORDER}) {
            CnnIoException e = assertThrows(CnnIoException.class,
                    () -> KerasWeights.load(m, H5Fixtures.resource("h5py-bad-dtype.h5"), o));
            assertTrue(e.getMessage().contains("dataset /conv_1/conv_1/kernel:0") && e.getMessage().contains("int32")
                    && e.getMessage().contains("float32 and float64"), e.getMessage());
        }
        assertSameWeights(before, m.weights());
    }

    @Test
    void byOrderNeedsEqualCountsOfWeightedLayers() {
        Model m = build(H5Fixtures.FIXTURE.replace(",\n  {\"type\": \"prelu\", \"name\": \"prelu_1\"}", "")
                .replace("{\"type\": \"prelu\", \"name\": \"prelu_1\"},", ""));
        assertEquals(4, m.layers().stream().filter(l -> !l.weightShapes().isEmpty()).count());
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), LoadOptions.BY_ORDER));
        assertTrue(e.getMessage().contains("has 5 layers with weights [conv_1, bn_1, dw_1, prelu_1, dens_1]")
                && e.getMessage().contains("the model has 4"), e.getMessage());
    }

    @Test
    void byOrderShapeMismatchNamesBothLayers() {
        Model m = H5Fixtures.fixture(engine);
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> KerasWeights.load(m, H5Fixtures.resource("h5py-bad-shape.h5"), LoadOptions.BY_ORDER));
        assertTrue(e.getMessage().contains("'conv_1' loaded by order into model layer 'conv_1'")
                && e.getMessage().contains("(3, 3, 3, 5) in the file"), e.getMessage());
    }

    @Test
    void skipMismatchNeedsByNameAsInKeras() {
        Model m = H5Fixtures.fixture(engine);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), new LoadOptions(false, true)));
        assertTrue(e.getMessage().contains("byName"), e.getMessage());
    }

    @Test
    void weightsForAModelLayerWithoutWeightsAreAMismatch() {
        Model m = build(H5Fixtures.FIXTURE.replace("{\"type\": \"prelu\", \"name\": \"prelu_1\"}",
                "{\"type\": \"relu\", \"name\": \"prelu_1\"}"));
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), LoadOptions.BY_NAME));
        assertTrue(e.getMessage().contains("layer 'prelu_1' (relu)") && e.getMessage().contains("expects 0"),
                e.getMessage());
        LoadReport r = KerasWeights.load(m, H5Fixtures.resource("h5py-keras2-fixed.h5"), new LoadOptions(true, true));
        assertEquals(Status.SKIPPED_MISMATCH, entry(r, "prelu_1").status(), r.format());
    }
}
