package io.cnnkit.io.h5;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/** The fixture model of cnf/golden/keras_weights.py, its value formula, and where test files live. */
final class H5Fixtures {
    /** Same layers as LAYERS in keras_weights.py (input 8x8x3). */
    static final String FIXTURE = """
            {"name": "fixture", "input_shape": [8, 8, 3], "seed": 7, "layers": [
              {"type": "conv2d", "name": "conv_1", "filters": 4, "kernel_size": 3},
              {"type": "max_pooling2d", "name": "pool_1"},
              {"type": "batch_normalization", "name": "bn_1"},
              {"type": "depthwise_conv2d", "name": "dw_1", "kernel_size": 3},
              {"type": "prelu", "name": "prelu_1"},
              {"type": "flatten", "name": "flatten_1"},
              {"type": "dense", "name": "dens_1", "units": 5}
            ]}""";

    static final List<String> FIXTURE_LAYERS = List.of("conv_1", "pool_1", "bn_1", "dw_1", "prelu_1", "flatten_1",
            "dens_1");

    private H5Fixtures() {
    }

    static Model fixture(StandaloneEngine e) {
        return e.build(e.parse(FIXTURE));
    }

    static Model fixture(StandaloneEngine e, long seed) {
        return e.build(e.parse(FIXTURE.replace("\"seed\": 7", "\"seed\": " + seed)));
    }

    /** value(L, W, i) = ((7 i + 13 L + 5 W) mod 23 - 11) / 16, exact in float32. */
    static float value(int layerIndex, int weightIndex, int i) {
        return (float) ((((7L * i + 13L * layerIndex + 5L * weightIndex) % 23) - 11) / 16.0);
    }

    /** The formula's weights for every weighted layer of {@code model}, by model layer index. */
    static Map<String, Map<String, Tensor>> formulaWeights(Model model) {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        List<LayerInfo> layers = model.layers();
        for (int l = 0; l < layers.size(); l++) {
            LayerInfo li = layers.get(l);
            if (li.weightShapes().isEmpty()) {
                continue;
            }
            Map<String, Tensor> w = new LinkedHashMap<>();
            int wi = 0;
            for (var e : li.weightShapes().entrySet()) {
                Tensor t = Tensor.zeros(e.getValue());
                for (int i = 0; i < t.size(); i++) {
                    t.data()[i] = value(l, wi, i);
                }
                w.put(e.getKey(), t);
                wi++;
            }
            out.put(li.name(), w);
        }
        return out;
    }

    static Path resource(String name) {
        try {
            var url = H5Fixtures.class.getResource("/h5/" + name);
            if (url == null) {
                throw new IllegalStateException("test resource /h5/" + name + " is missing");
            }
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** io.image/ (the module folder), found from the compiled test classes. */
    static Path moduleDir() {
        try {
            Path classes = Paths.get(H5Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A keras-real file: the small ones are copied into the test resources; the large ones
     * (resnet8 k2/k3, vww96) are read from shared/keras-real beside the repository
     * (../shared relative to the repository root). Null when absent.
     */
    static Path realFile(String name) {
        var url = H5Fixtures.class.getResource("/h5/keras-real/" + name);
        if (url != null) {
            return resource("keras-real/" + name);
        }
        Path shared = moduleDir().getParent().resolveSibling("shared").resolve("keras-real").resolve(name);
        return Files.isRegularFile(shared) ? shared : null;
    }

    static void assertSameWeights(Map<String, Map<String, Tensor>> expected, Map<String, Map<String, Tensor>> actual) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.keySet(), actual.keySet(), "layers with weights");
        for (var l : expected.entrySet()) {
            Map<String, Tensor> a = actual.get(l.getKey());
            org.junit.jupiter.api.Assertions.assertEquals(l.getValue().keySet(), a.keySet(), "weights of " + l.getKey());
            for (var w : l.getValue().entrySet()) {
                org.junit.jupiter.api.Assertions.assertTrue(w.getValue().contentEquals(a.get(w.getKey())),
                        () -> l.getKey() + "/" + w.getKey() + " differs: expected " + w.getValue().shapeString()
                                + " got " + a.get(w.getKey()).shapeString());
            }
        }
    }
}
