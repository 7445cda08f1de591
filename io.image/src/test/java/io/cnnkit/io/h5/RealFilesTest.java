package io.cnnkit.io.h5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.LoadReport.Status;
import io.cnnkit.io.api.WeightFileInfo;

/**
 * Every file of shared/keras-real against what h5py sees in it (keras-real-inventory.json,
 * written by cnf/golden/keras_weights.py): inspect() lists the same layers, stored weight
 * names and shapes; load() by name and by order into a model declaring those weights reads
 * the same values (sum and first elements per dataset).
 */
class RealFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode inventory;
    private static final Map<String, String> FORMATS = Map.of(
            "k1-th-mnist-cnn.h5", "keras1 weights",
            "k1-tf-conv2d-reshape.h5", "keras1 full model",
            "k2-jettagger-conv2d-bn.h5", "keras2 weights",
            "k2-mtcnn-12net.h5", "keras2 full model",
            "k2-conv-avgpool-gap.h5", "keras2 full model",
            "k2-conv2d-sigmoid.h5", "keras2 full model",
            "k2-resnet8-cifar10.h5", "keras2 full model",
            "k2-vww96-mobilenet.h5", "keras2 full model",
            "k3-resnet8-cifar10.h5", "keras3 full model",
            "k3-nested-dense.weights.h5", "keras3 .weights.h5");

    private StandaloneEngine engine;

    @BeforeAll
    static void readInventory() throws IOException {
        try (InputStream in = RealFilesTest.class.getResourceAsStream("/h5/keras-real-inventory.json")) {
            inventory = JSON.readTree(in).get("files");
        }
    }

    @BeforeEach
    void setUp() {
        engine = FakeLayers.engine();
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private static Path file(String name) {
        Path p = H5Fixtures.realFile(name);
        io.cnnkit.testkit.RealFiles.assumePresent(p != null, name + " is not in the test resources and shared/keras-real/" + name
                + " is absent (expected at ../shared/keras-real beside the repository)");
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"k1-th-mnist-cnn.h5", "k1-tf-conv2d-reshape.h5", "k2-jettagger-conv2d-bn.h5",
            "k2-mtcnn-12net.h5", "k2-conv-avgpool-gap.h5", "k2-conv2d-sigmoid.h5", "k2-resnet8-cifar10.h5",
            "k2-vww96-mobilenet.h5", "k3-resnet8-cifar10.h5", "k3-nested-dense.weights.h5"})
    void inspectListsWhatH5pySees(String name) {
        JsonNode expected = inventory.get(name);
        WeightFileInfo info = KerasWeights.inspect(file(name));
        assertEquals(FORMATS.get(name), info.format());
        JsonNode v = expected.get("keras_version");
        assertEquals(v.isNull() ? null : v.asText(), info.kerasVersion());
        JsonNode layers = expected.get("layers");
        assertEquals(layers.size(), info.layers().size(), "layer count");
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            WeightFileInfo.LayerWeights got = info.layers().get(i);
            assertEquals(l.get("name").asText(), got.layer());
            JsonNode ws = l.get("weights");
            assertEquals(ws.size(), got.weightNames().size(), got.layer());
            for (int j = 0; j < ws.size(); j++) {
                assertEquals(ws.get(j).get("name").asText(), got.weightNames().get(j));
                assertArrayEquals(ints(ws.get(j).get("shape")), got.shapes().get(j), got.weightNames().get(j));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k1-th-mnist-cnn.h5", "k1-tf-conv2d-reshape.h5", "k2-jettagger-conv2d-bn.h5",
            "k2-mtcnn-12net.h5", "k2-conv-avgpool-gap.h5", "k2-conv2d-sigmoid.h5", "k2-resnet8-cifar10.h5",
            "k2-vww96-mobilenet.h5", "k3-resnet8-cifar10.h5", "k3-nested-dense.weights.h5"})
    void loadByNameReadsWhatH5pyReads(String name) {
        Path f = file(name);
        JsonNode layers = inventory.get(name).get("layers");
        Model m = declaredModel(layers, false);
        LoadReport r = KerasWeights.load(m, f, LoadOptions.BY_NAME);
        long weighted = 0;
        for (JsonNode l : layers) {
            weighted += l.get("weights").size() > 0 ? 1 : 0;
        }
        assertEquals(weighted, r.count(Status.LOADED), r.format());
        boolean native3 = name.endsWith(".weights.h5");
        for (LoadReport.Entry e : r.entries()) {
            if (e.status() == Status.LOADED) {
                assertTrue(e.detail().contains(native3 ? "matched in order" : "matched by name"), e.detail());
            }
        }
        checkValues(layers, m, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"k1-th-mnist-cnn.h5", "k1-tf-conv2d-reshape.h5", "k2-jettagger-conv2d-bn.h5",
            "k2-mtcnn-12net.h5", "k2-conv-avgpool-gap.h5", "k2-conv2d-sigmoid.h5", "k2-resnet8-cifar10.h5",
            "k2-vww96-mobilenet.h5", "k3-resnet8-cifar10.h5"})
    void loadByOrderReadsWhatH5pyReads(String name) {
        Path f = file(name);
        JsonNode layers = inventory.get(name).get("layers");
        Model m = declaredModel(layers, true);
        KerasWeights.load(m, f, LoadOptions.BY_ORDER);
        checkValues(layers, m, true);
    }

    /** The .json beside each full-model file in shared/keras-real is its model_config, written out unchanged. */
    @ParameterizedTest
    @ValueSource(strings = {"k1-tf-conv2d-reshape.h5", "k2-mtcnn-12net.h5", "k2-conv-avgpool-gap.h5",
            "k2-conv2d-sigmoid.h5", "k2-resnet8-cifar10.h5", "k2-vww96-mobilenet.h5", "k3-resnet8-cifar10.h5"})
    void modelConfigIsTheArchitectureJson(String name) throws IOException {
        Path json = H5Fixtures.moduleDir().getParent().resolveSibling("shared").resolve("keras-real")
                .resolve(name.replace(".h5", ".json"));
        io.cnnkit.testkit.RealFiles.assumePresent(java.nio.file.Files.isRegularFile(json), json + " is absent (shared/keras-real beside the "
                + "repository)");
        assertEquals(java.nio.file.Files.readString(json), KerasWeights.modelConfig(file(name)).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k1-th-mnist-cnn.h5", "k2-jettagger-conv2d-bn.h5", "k3-nested-dense.weights.h5"})
    void weightsOnlyFilesHaveNoModelConfig(String name) {
        assertTrue(KerasWeights.modelConfig(file(name)).isEmpty());
    }

    @org.junit.jupiter.api.Test
    void theanoOrderedKernelsAreReportedNotConverted() {
        // k1-th-mnist-cnn stores convolution2d_1_W as (4, 1, 3, 3); a Keras-layout conv wants (3, 3, 1, 4).
        Model m = engine.build(engine.parse("""
                {"name": "mnist", "input_shape": [28, 28, 1], "layers": [
                  {"type": "conv2d", "name": "convolution2d_1", "filters": 4, "kernel_size": 3}]}"""));
        io.cnnkit.io.api.CnnIoException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.cnnkit.io.api.CnnIoException.class,
                () -> KerasWeights.load(m, file("k1-th-mnist-cnn.h5"), LoadOptions.BY_NAME));
        assertTrue(e.getMessage().contains("(4, 1, 3, 3) in the file but (3, 3, 1, 4) in the model")
                && e.getMessage().contains("Theano-ordered"), e.getMessage());
    }

    /**
     * A model of "declared" layers with the file's shapes and Keras's weight names, derived
     * here independently of the loader: the last path segment without ":0"; Keras 1
     * {@code <layer>_W}/{@code _b} are kernel/bias; Keras 3 .weights.h5 variables are
     * kernel, bias by index (its only file holds Dense layers).
     */
    private Model declaredModel(JsonNode layers, boolean renamed) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", "declared");
        root.putArray("input_shape").add(1);
        ArrayNode ls = root.putArray("layers");
        int i = 0;
        for (JsonNode l : layers) {
            ObjectNode o = ls.addObject();
            o.put("type", "declared");
            o.put("name", renamed ? "layer_" + i++ : l.get("name").asText());
            ObjectNode w = o.putObject("weights");
            int j = 0;
            for (JsonNode d : l.get("weights")) {
                w.set(kerasName(l.get("name").asText(), d.get("name").asText(), j++), d.get("shape"));
            }
        }
        return engine.build(engine.parse(root.toString()));
    }

    private static String kerasName(String layer, String stored, int index) {
        if (stored.startsWith("vars/")) {
            return index == 0 ? "kernel" : "bias";
        }
        String s = stored.substring(stored.lastIndexOf('/') + 1).replace(":0", "");
        if (s.equals(layer + "_W")) {
            return "kernel";
        }
        if (s.equals(layer + "_b")) {
            return "bias";
        }
        return s;
    }

    private static void checkValues(JsonNode layers, Model m, boolean renamed) {
        Map<String, Map<String, Tensor>> weights = m.weights();
        int i = 0;
        for (JsonNode l : layers) {
            String layer = renamed ? "layer_" + i : l.get("name").asText();
            i++;
            if (l.get("weights").isEmpty()) {
                continue;
            }
            List<Tensor> got = new ArrayList<>(weights.get(layer).values());
            int j = 0;
            for (JsonNode d : l.get("weights")) {
                Tensor t = got.get(j++);
                String what = layer + " " + d.get("name").asText();
                assertArrayEquals(ints(d.get("shape")), t.shape(), what);
                double sum = 0;
                for (int k = 0; k < t.size(); k++) {
                    sum += t.data()[t.offset() + k];
                }
                // Summation order differs from numpy's pairwise sum: allow rounding, relative to the magnitudes.
                double tol = 1e-6 * d.get("abs_sum").asDouble() + 1e-9;
                assertEquals(d.get("sum").asDouble(), sum, tol, what + " sum");
                JsonNode first = d.get("first");
                for (int k = 0; k < first.size(); k++) {
                    assertEquals((float) first.get(k).asDouble(), t.data()[t.offset() + k], what + " element " + k);
                }
            }
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

}
