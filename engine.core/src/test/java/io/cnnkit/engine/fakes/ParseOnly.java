package io.cnnkit.engine.fakes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/**
 * Declares a layer type and the Keras classes it reads so that the Keras JSON parser can
 * be tested on real files whose layers (BatchNormalization, DepthwiseConv2D, ...) the
 * real bundles implement. It refuses to build.
 */
public class ParseOnly implements LayerProvider {
    private final String type;
    private final List<String> classes;

    public ParseOnly(String type, String... kerasClasses) {
        this.type = type;
        this.classes = List.of(kerasClasses);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Set<String> parameters() {
        return Set.of();
    }

    @Override
    public List<String> kerasClasses() {
        return classes;
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        out.keySet().removeAll(Set.of("name", "trainable", "dtype"));
        return out;
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        throw spec.error("test provider '" + type + "' only parses");
    }
}
