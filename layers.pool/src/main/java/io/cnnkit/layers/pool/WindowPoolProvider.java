package io.cnnkit.layers.pool;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/** What max_pooling2d and average_pooling2d share: parameters, Keras translation, building a {@link Pool2d}. */
abstract class WindowPoolProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("pool_size", "strides", "padding", "data_format");

    private final Pool2d.Kind kind;

    /** The subclass declares its layer type and Keras class with {@code @LayerType}. */
    WindowPoolProvider(Pool2d.Kind kind) {
        this.kind = kind;
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("pool_size");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /** Keras 2 keys pass through; Keras 1's border_mode and dim_ordering are renamed. */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        return PoolSupport.fromKeras(config, PARAMETERS);
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new Pool2d(spec, Pool2d.Config.of(kind, spec), inputShape);
    }
}
