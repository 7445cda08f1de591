package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One service per activation function, registered with {@value #NAME} (use
 * {@link ActivationName}). Implementations are stateless and thread-safe; options (relu's
 * max_value, ...) give a configured copy through {@link #configure(LayerSpec)}.
 */
@ConsumerType
public interface Activation {
    /** Service property with the function's Keras name, e.g. {@code relu}. */
    String NAME = "cnnkit.activation";

    /** The Keras name; equals the {@value #NAME} service property. */
    String name();

    /**
     * The function of one value. Functions that are not element-wise (softmax) throw
     * {@link UnsupportedOperationException}; see {@link #elementWise()}.
     */
    float apply(float x);

    /** Whether {@link #apply(float)} is defined (false for softmax). */
    default boolean elementWise() {
        return true;
    }

    /**
     * Bulk form: {@code dst[dstOff+i] = f(src[srcOff+i])} for {@code length} elements, which
     * are whole rows of {@code lastAxis} (softmax normalises over each row). src and dst may
     * be the same array at the same offset (in place).
     */
    default void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
        for (int i = 0; i < length; i++) {
            dst[dstOff + i] = apply(src[srcOff + i]);
        }
    }

    /** Option names accepted by {@link #configure(LayerSpec)} (relu: max_value, negative_slope, threshold). */
    default java.util.Set<String> options() {
        return java.util.Set.of();
    }

    /**
     * A copy configured with options read from {@code spec}'s parameters named in
     * {@link #options()}; the default has no options and returns itself.
     */
    default Activation configure(LayerSpec spec) {
        return this;
    }
}
