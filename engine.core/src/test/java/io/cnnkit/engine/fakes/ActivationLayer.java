package io.cnnkit.engine.fakes;

import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/** Test-scope Keras Activation layer: applies the named activation service. */
public class ActivationLayer implements LayerProvider {
    @Override
    public String type() {
        return "activation";
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("activation");
    }

    @Override
    public Set<String> parameters() {
        return Set.of("activation");
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("Activation");
    }

    @Override
    public Layer create(LayerSpec spec, Shape in, BuildContext context) {
        if (!spec.has("activation")) {
            throw spec.paramError("activation", "is required");
        }
        Activation act = context.activation(spec, spec.raw("activation"));
        return FakeLayer.sameShape(spec, "activation", in,
                (x, y, ctx) -> act.apply(x.data(), x.offset(), y.data(), y.offset(), x.size(), x.dim(-1)));
    }
}
