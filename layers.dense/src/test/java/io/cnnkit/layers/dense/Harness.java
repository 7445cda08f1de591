package io.cnnkit.layers.dense;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.testkit.Golden;

/** Builds models through a real standalone engine with this bundle's providers and test activations. */
final class Harness {
    private Harness() {
    }

    static StandaloneEngine engine() {
        StandaloneEngine e = Engines.standalone();
        for (LayerProvider p : providers()) {
            e.register(p);
        }
        for (Activation a : TestActivations.all()) {
            e.register(a);
        }
        return e;
    }

    /**
     * An engine with this bundle's providers and the real relu, relu6 and softmax bundles' functions
     * (the test's own linear, elu and leaky_relu besides).
     */
    static StandaloneEngine engineWithRealActivations() {
        StandaloneEngine e = Engines.standalone();
        for (LayerProvider p : providers()) {
            e.register(p);
        }
        e.register(new io.cnnkit.activations.relu.Relu());
        e.register(new io.cnnkit.activations.relu6.Relu6());
        e.register(new io.cnnkit.activations.softmax.Softmax());
        for (Activation a : TestActivations.all()) {
            if (!List.of("relu", "softmax").contains(a.name())) {
                e.register(a);
            }
        }
        return e;
    }

    /** Every provider of this bundle. */
    static List<LayerProvider> providers() {
        return List.of(new FlattenProvider(), new DenseProvider(), new DropoutProvider(),
                new BatchNormalizationProvider(), new PreluProvider(), new ActivationLayerProvider(),
                new ReshapeProvider(), new PermuteProvider(), new RepeatVectorProvider(), new RescalingProvider(),
                new NormalizationProvider(), new LayerNormalizationProvider(), new GroupNormalizationProvider(),
                new InstanceNormalizationProvider());
    }

    static LayerSpec spec(Map<String, Object> layer) {
        Map<String, Object> params = new LinkedHashMap<>(layer);
        String type = (String) params.remove("type");
        String name = (String) params.remove("name");
        return new LayerSpec(1, type, name, params);
    }

    static LayerSpec spec(String type, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return new LayerSpec(1, type, null, p);
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
