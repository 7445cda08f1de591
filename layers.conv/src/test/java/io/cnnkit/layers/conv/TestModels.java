package io.cnnkit.layers.conv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Activations;

/** Builds one-layer models through the real engine for the tests. */
final class TestModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestModels() {
    }

    /** An engine with this bundle's providers and the test activations ("linear" is the engine's own). */
    static StandaloneEngine engine() {
        StandaloneEngine e = Engines.standalone();
        e.register(new Conv2dProvider());
        e.register(new DepthwiseConv2dProvider());
        e.register(new ZeroPadding2dProvider());
        e.register(new SeparableConv2dProvider());
        e.register(new Conv2dTransposeProvider());
        e.register(new UpSampling2dProvider());
        e.register(new Cropping2dProvider());
        e.register(new Activations.Relu());
        e.register(new Activations.Tanh());
        e.register(new Activations.Softmax());
        return e;
    }

    /** A model of the given layers (cnnkit JSON layer objects) on input (h, w, c); null dims are open. */
    static Model build(StandaloneEngine e, List<Integer> inputShape, List<Map<String, Object>> layers) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "test");
        doc.put("input_shape", inputShape);
        doc.put("seed", 7);
        doc.put("layers", layers);
        try {
            return e.build(e.parse(JSON.writeValueAsString(doc)));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static Model build(StandaloneEngine e, List<Integer> inputShape, Map<String, Object> layer) {
        return build(e, inputShape, List.of(layer));
    }

    /** A layer object from alternating key/value pairs. */
    static Map<String, Object> layer(String type, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 2 - 1;
        }
        return t;
    }

    /** Rows of values as a (1, h, w, 1) grey image. */
    static Tensor grey(float[][] rows) {
        int h = rows.length, w = rows[0].length;
        Tensor t = Tensor.zeros(1, h, w, 1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                t.set(rows[y][x], 0, y, x, 0);
            }
        }
        return t;
    }
}
