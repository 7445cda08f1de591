package io.cnnkit.eclipse.example;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

import io.cnnkit.engine.api.Tensor;

/**
 * One run of the walkthrough's seed model, made when the component providing this service
 * activates.
 */
@ProviderType
public interface Walkthrough {
    /** The one-line model description the component built the model from. */
    String description();

    /** The input of the run: batch 1, 14 x 14 x 3 (a copy). */
    Tensor input();

    /**
     * The model's output for {@link #input()}, shape (1, 8) (a copy). Completes once the layer
     * and activation services the model uses are present (in Eclipse they may start after the
     * component); fails with the engine's exception when the run fails or the component stops.
     */
    CompletionStage<Tensor> output();
}
