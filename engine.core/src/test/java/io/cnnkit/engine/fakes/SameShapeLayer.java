package io.cnnkit.engine.fakes;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/** A test layer whose output has its input's shape and whose forward pass is a lambda. */
public record SameShapeLayer(LayerSpec spec, String type, Shape inputShape, Forward forward) implements Layer {
    /** The forward pass of {@link Layer#forward}. */
    @FunctionalInterface
    public interface Forward {
        void run(Tensor input, Tensor output, ExecutionContext context);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public void forward(Tensor input, Tensor output, ExecutionContext context) {
        forward.run(input, output, context);
    }
}
