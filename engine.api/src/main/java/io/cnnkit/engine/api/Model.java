package io.cnnkit.engine.api;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on a built model. Each run works on an immutable snapshot of the layers; when
 * a service the model uses leaves, returns, is updated or is outranked, the engine
 * rebuilds the snapshot from the {@link #description()} with the services present,
 * carrying the weights over by layer name. Thread-safe.
 */
@ProviderType
public interface Model extends AutoCloseable {
    String name();

    ModelDescription description();

    /** Whether runs can start now; when not, {@link #unavailableReason()} says why. */
    boolean isAvailable();

    /** Null when available, else e.g. "missing layer type conv2d". */
    String unavailableReason();

    /** Input shape per sample (open dimensions allowed). */
    Shape inputShape();

    /** The layers as of the last successful build (names, types, shapes, weight shapes). */
    List<LayerInfo> layers();

    /**
     * The nodes whose outputs {@link #predictAll} returns, in order (Keras's output order; a
     * chain's last layer).
     *
     * @since 1.3
     */
    List<String> outputNames();

    /**
     * What the last build noticed but did not refuse (e.g. a branch that no output uses).
     *
     * @since 1.3
     */
    default List<String> warnings() {
        return List.of();
    }

    /**
     * What the last successful build's optimised plan for {@link #predict} and {@link #predictAll}
     * folded, fused and dropped ({@link PlanOptimisation#format()} gives one line). {@link #trace}
     * runs every layer as built.
     *
     * @since 1.5
     */
    PlanOptimisation optimisation();

    /**
     * Runs the whole model on a batch (N, H, W, C) and returns its output. A model with
     * several outputs refuses: use {@link #predictAll}. Since 1.5 it runs the optimised plan
     * ({@link #optimisation()}): equal to {@link #trace}'s output up to float32 rounding where a
     * BatchNormalization was folded into weights, and bit-identical for any thread count.
     */
    default Tensor predict(Tensor input) {
        return predict(input, RunOptions.DEFAULT);
    }

    Tensor predict(Tensor input, RunOptions options);

    /**
     * Runs the whole model and returns every output by node name, in {@link #outputNames()} order.
     *
     * @since 1.3
     */
    default Map<String, Tensor> predictAll(Tensor input) {
        return predictAll(input, RunOptions.DEFAULT);
    }

    /** @since 1.3 */
    Map<String, Tensor> predictAll(Tensor input, RunOptions options);

    /**
     * Runs the model and returns every node's output in topological order (the input first,
     * as stage 0), each keyed by its node name; a graph's stages record the nodes they read.
     */
    default List<Stage> trace(Tensor input) {
        return trace(input, RunOptions.DEFAULT);
    }

    List<Stage> trace(Tensor input, RunOptions options);

    /** Keras's model.summary() for the model's input shape. */
    Summary summary();

    /** Copies of all weights: layer name -> weight name -> tensor, in model and Keras order. */
    Map<String, Map<String, Tensor>> weights();

    /**
     * Replaces some weights of one layer (names as {@link LayerInfo#weightShapes()}). Every
     * shape is checked before anything changes; runs already started keep the old weights.
     */
    void setWeights(String layer, Map<String, Tensor> weights);

    /** Replaces weights of several layers at once (one new snapshot), all checked first. */
    void setWeights(Map<String, Map<String, Tensor>> weightsByLayer);

    /** Stops tracking this model; later runs fail. */
    @Override
    void close();
}
