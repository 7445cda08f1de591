package io.cnnkit.engine.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A built layer that reads several nodes (Keras's merge layers: Add, Concatenate, Multiply,
 * ...). The engine gives it its inputs in the order the description names them. The
 * single-input methods of {@link Layer} are answered from the first input and refuse to run.
 *
 * @since 1.3
 */
@ConsumerType
public interface MultiInputLayer extends Layer {
    /** The input shapes it was built for, in order (open dimensions allowed). */
    List<Shape> inputShapes();

    /**
     * Pure shape function for (more) concrete input shapes; throws {@link ModelException}
     * naming the shapes when they do not fit together.
     */
    Shape outputShape(List<Shape> inputs);

    /**
     * Computes {@code output} from {@code inputs}, all batched (N, ...) with the same N. Must
     * not keep references to any of them after returning. Each sample's output depends on that
     * sample's inputs alone (see {@link Layer#forward}).
     */
    void forward(List<Tensor> inputs, Tensor output, ExecutionContext context);

    @Override
    default Shape inputShape() {
        return inputShapes().get(0);
    }

    @Override
    default Shape outputShape() {
        return outputShape(inputShapes());
    }

    @Override
    default Shape outputShape(Shape input) {
        return outputShape(List.of(input));
    }

    @Override
    default void forward(Tensor input, Tensor output, ExecutionContext context) {
        forward(List.of(input), output, context);
    }
}
