package io.cnnkit.layers.pool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.testkit.Golden;

/** Builds one-layer models through a real standalone engine. */
final class Harness {
    private Harness() {
    }

    static StandaloneEngine engine() {
        StandaloneEngine e = Engines.standalone();
        e.register(new MaxPooling2dProvider());
        e.register(new AveragePooling2dProvider());
        e.register(new GlobalMaxPooling2dProvider());
        e.register(new GlobalAveragePooling2dProvider());
        return e;
    }

    static LayerSpec spec(Map<String, Object> layer) {
        Map<String, Object> params = new LinkedHashMap<>(layer);
        String type = (String) params.remove("type");
        String name = (String) params.remove("name");
        return new LayerSpec(1, type, name, params);
    }

    static Model build(StandaloneEngine e, Shape input, LayerSpec... layers) {
        return e.build(new ModelDescription("test", input, List.of(layers), 1));
    }

    static Shape inputShape(Golden.Case c) {
        int[] dims = new int[c.inputShape().size()];
        for (int i = 0; i < dims.length; i++) {
            Integer d = c.inputShape().get(i);
            dims[i] = d == null ? Shape.UNKNOWN : d;
        }
        return Shape.of(dims);
    }
}
