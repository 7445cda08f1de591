package io.cnnkit.engine.api;

import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A built layer: immutable configuration, named weights, and a forward pass into a
 * buffer the engine provides. Layers of a running model are never reconfigured; the
 * engine builds new ones (weights are carried over by name) instead.
 */
@ConsumerType
public interface Layer {
    String name();

    String type();

    /** The input shape it was built for (open dimensions allowed). */
    Shape inputShape();

    /** The output shape for the built input shape (open where the input is open). */
    default Shape outputShape() {
        return outputShape(inputShape());
    }

    /**
     * Pure shape function: the output shape for a (more) concrete input shape. Throws
     * {@link ModelException} when the output would be empty or the input does not fit.
     */
    Shape outputShape(Shape input);

    /**
     * Computes {@code output} from {@code input}. Both are batched (N, ...); the output has
     * the shape {@link #outputShape(Shape)} gives for the input's sample shape. Must not
     * keep references to either after returning. Each sample's output must depend on that
     * sample's input alone, as every Keras layer's does at inference: a predict may run a batch
     * in groups of samples, and several groups at once on different threads.
     */
    void forward(Tensor input, Tensor output, ExecutionContext context);

    /**
     * Whether {@link #forward} sets every element of {@code output} whatever it held before.
     * The engine reuses a model's intermediate output buffers from one run to the next and
     * zeroes them first unless the layer answers true; answer true only when a test shows the
     * kernel gives the same result into a buffer full of garbage (e.g. NaN).
     *
     * @since 1.1
     */
    default boolean writesEveryOutput() {
        return false;
    }

    /** Weights by name in Keras's order (kernel, bias; gamma, beta, moving_mean, ...). Live tensors. */
    default Map<String, Tensor> weights() {
        return Map.of();
    }

    /** Names of weights that training would not change (Keras's non-trainable params). */
    default Set<String> nonTrainableWeights() {
        return Set.of();
    }

    /** Parameter count as Keras's {@code model.summary()} prints it. */
    default long parameterCount() {
        long n = 0;
        for (Tensor t : weights().values()) {
            n += t.size();
        }
        return n;
    }
}
