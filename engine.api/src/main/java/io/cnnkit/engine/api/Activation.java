package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One service per activation function, registered with {@value #NAME} (use
 * {@link ActivationName}). Implementations are stateless and thread-safe; options (relu's
 * max_value, ...) give a configured copy through {@link #configure(LayerSpec)}.
 *
 * <p>The name is declared once, by {@link ActivationName} on the class: in OSGi the engine
 * reads the {@value #NAME} service property (set by DS from the annotation); on a plain
 * classpath {@link #name()}, whose default reads the annotation. An override of
 * {@link #name()} still works, but one that disagrees with the class's annotation or with the
 * service property is refused at registration, naming the class.
 *
 * @since 1.0; {@link #name()} reads {@link ActivationName} since 1.4
 */
@ConsumerType
public interface Activation {
    /** Service property with the function's Keras name, e.g. {@code relu}. */
    String NAME = "cnnkit.activation";

    /**
     * The Keras name; equals the {@value #NAME} service property. The default returns the
     * {@link ActivationName#activation()} of this object's class (an abstract method before
     * 1.4); a configured copy ({@link #configure}) of the same class has the same name.
     *
     * @throws IllegalStateException when the class has no {@link ActivationName} annotation (then
     *         it must override this method)
     */
    default String name() {
        ActivationName declared = getClass().getAnnotation(ActivationName.class);
        if (declared == null) {
            throw new IllegalStateException("activation " + getClass().getName()
                    + " has no @ActivationName annotation and does not override name(); annotate the class with "
                    + "@ActivationName(activation = \"...\")");
        }
        return declared.activation();
    }

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
