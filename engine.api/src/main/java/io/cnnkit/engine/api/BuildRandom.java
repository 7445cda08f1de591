package io.cnnkit.engine.api;

import java.util.Random;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The random source {@link BuildContext#random()} gives a layer provider while the engine builds
 * one layer: seeded for that layer, and knowing the values the build already has for the layer's
 * weights (a model rebuilt with its weights: after a load, a provider update, a hot swap).
 * {@link WeightSet#add} copies those instead of drawing initial values that the build would
 * overwrite, and in a model's first build leaves random draws for later; a provider that passes
 * {@code context.random()} to it needs to do nothing. (Before, every build drew every weight: a
 * VGG16-size dense stack, 120 million values, took seconds to draw for a summary, and as many
 * again for each load.)
 */
@ProviderType
public abstract class BuildRandom extends Random {
    private static final long serialVersionUID = 1L;

    protected BuildRandom(long seed) {
        super(seed);
    }

    /**
     * The values the build has for weight {@code name} of the layer being built, or null (then the
     * weight's initializer draws them). Values of another shape than the weight's are not used.
     */
    public abstract Tensor stored(String name);

    /**
     * Whether this build leaves drawn initial values for later: a model's first build, whose
     * weights are often loaded before it ever runs (and a summary needs none). {@link WeightSet#add}
     * then leaves such a weight zero and reports it to {@link #deferred}; the engine draws the
     * values, the same ones, before the model first runs or shows its weights.
     */
    public boolean defersDraws() {
        return false;
    }

    /** Told by {@link WeightSet#add} that weight {@code name} was left zero, its draw deferred. */
    public void deferred(String name) {
        // nothing to record unless the build defers draws
    }
}
