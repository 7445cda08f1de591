package io.cnnkit.engine.fakes;

import java.util.Map;
import java.util.function.UnaryOperator;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.api.WeightSet;

/**
 * A test layer made of lambdas: the output-shape function, the forward pass and (optionally)
 * its weights. Saves every fake provider its own anonymous {@link Layer}.
 */
public record FakeLayer(LayerSpec spec, String type, Shape inputShape, UnaryOperator<Shape> shape, Forward forward,
        WeightSet weightSet) implements Layer {
    /** The forward pass of {@link Layer#forward}. */
    @FunctionalInterface
    public interface Forward {
        void run(Tensor input, Tensor output, ExecutionContext context);
    }

    /** A weightless layer whose output has its input's shape. */
    public static FakeLayer sameShape(LayerSpec spec, String type, Shape in, Forward forward) {
        return new FakeLayer(spec, type, in, s -> s, forward, null);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Shape outputShape(Shape input) {
        return shape.apply(input);
    }

    @Override
    public void forward(Tensor input, Tensor output, ExecutionContext context) {
        forward.run(input, output, context);
    }

    @Override
    public Map<String, Tensor> weights() {
        return weightSet == null ? Map.of() : weightSet.asMap();
    }
}
