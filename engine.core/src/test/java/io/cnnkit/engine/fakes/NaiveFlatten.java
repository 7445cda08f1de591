package io.cnnkit.engine.fakes;

import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;

/** Test-scope flatten: NHWC order is already the row-major order, so it copies. */
public class NaiveFlatten implements LayerProvider {
    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public Set<String> parameters() {
        return Set.of("data_format");
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("Flatten");
    }

    @Override
    public Layer create(LayerSpec spec, Shape in, BuildContext context) {
        if (!in.isFullyKnown()) {
            throw spec.error("needs a fully known input shape, got " + in + "; give the model a fixed input size");
        }
        return new FakeLayer(spec, "flatten", in, input -> Shape.of((int) input.elementCount()),
                (x, y, ctx) -> y.copyFrom(x.reshape(y.shape())), null);
    }
}
