package io.cnnkit.engine.fakes;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/** Test-scope dropout: the identity at inference, as in Keras. */
public class IdentityDropout implements LayerProvider {
    @Override
    public String type() {
        return "dropout";
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("rate");
    }

    @Override
    public Set<String> parameters() {
        return Set.of("rate", "noise_shape", "seed");
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("Dropout", "SpatialDropout2D");
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = LayerProvider.super.fromKeras(kerasClass, config);
        if (config.containsKey("p")) { // Keras 1
            out.put("rate", config.get("p"));
        }
        return out;
    }

    @Override
    public Layer create(LayerSpec spec, Shape in, BuildContext context) {
        double rate = spec.getDouble("rate", 0.5);
        if (rate < 0 || rate >= 1) {
            throw spec.paramError("rate", "must be in [0, 1), got " + rate);
        }
        return FakeLayer.sameShape(spec, "dropout", in, (x, y, ctx) -> y.copyFrom(x));
    }
}
