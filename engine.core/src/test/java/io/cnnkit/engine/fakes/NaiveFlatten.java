package io.cnnkit.engine.fakes;

import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

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
        return new Layer() {
            @Override
            public String name() {
                return spec.name();
            }

            @Override
            public String type() {
                return "flatten";
            }

            @Override
            public Shape inputShape() {
                return in;
            }

            @Override
            public Shape outputShape(Shape input) {
                return Shape.of((int) input.elementCount());
            }

            @Override
            public void forward(Tensor x, Tensor y, ExecutionContext ctx) {
                y.copyFrom(x.reshape(y.shape()));
            }
        };
    }
}
