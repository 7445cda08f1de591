package io.cnnkit.engine.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One service per layer type, registered with {@value #TYPE} (use {@link LayerType} on the
 * DS component). The engine finds layer types only through these services; with several
 * providers of one type it uses the one with the highest {@code service.ranking}.
 *
 * <p>The layer type and the Keras class names are declared once, by {@link LayerType} on the
 * provider class: a provider implements {@link #parameters()} and {@link #create} (plus
 * {@link #fromKeras} for renamed keys) and nothing else about its identity.
 * <ul>
 * <li>In OSGi the engine takes the type and Keras classes from the service properties
 * {@value #TYPE} and {@value #KERAS_CLASS} (which DS sets from the annotation).</li>
 * <li>On a plain classpath ({@link Engines#fromServiceLoader}, {@link StandaloneEngine#register})
 * it calls {@link #type()} and {@link #kerasClasses()}, whose defaults read the annotation.</li>
 * </ul>
 * Overriding {@link #type()} or {@link #kerasClasses()} still works (providers written
 * before 1.4, and providers registered by hand without the annotation), but an override that
 * disagrees with the class's {@link LayerType}, or a {@value #TYPE} service property that
 * disagrees with {@link #type()}, is refused when the provider is registered, naming the class.
 *
 * @since 1.0; {@link #type()} and {@link #kerasClasses()} read {@link LayerType} since 1.4
 */
@ConsumerType
public interface LayerProvider {
    /** Service property naming the layer type, e.g. {@code conv2d}. */
    String TYPE = "cnnkit.layer.type";
    /** Service property listing the Keras class names this provider reads, e.g. {@code Conv2D}. */
    String KERAS_CLASS = "cnnkit.keras.class";

    /**
     * The layer type; equals the {@value #TYPE} service property. The default returns the
     * {@link LayerType#layer_type()} of this object's class (an abstract method before 1.4).
     *
     * @throws IllegalStateException when the class has no {@link LayerType} annotation (then it
     *         must override this method)
     */
    default String type() {
        LayerType declared = getClass().getAnnotation(LayerType.class);
        if (declared == null) {
            throw new IllegalStateException("layer provider " + getClass().getName()
                    + " has no @LayerType annotation and does not override type(); annotate the class with "
                    + "@LayerType(layer_type = \"...\", keras_class = {...})");
        }
        return declared.layer_type();
    }

    /** Parameters that the one-line form takes by position, e.g. filters, kernel_size. */
    default List<String> positionalParameters() {
        return List.of();
    }

    /** Every parameter this type accepts (besides type and name); others are errors. */
    Set<String> parameters();

    /**
     * Keras class names (Keras JSON {@code class_name}) this provider builds. The default
     * returns the {@link LayerType#keras_class()} of this object's class, or an empty list
     * when the class has no {@link LayerType} (before 1.4: always the empty list). In OSGi the
     * engine reads the {@value #KERAS_CLASS} service property instead.
     */
    default List<String> kerasClasses() {
        LayerType declared = getClass().getAnnotation(LayerType.class);
        return declared == null ? List.of() : List.of(declared.keras_class());
    }

    /**
     * Translates one Keras layer config into this type's parameters. The default keeps
     * the config keys this type accepts; providers override it for renamed keys (Keras 1)
     * or for classes that map onto a parameter (ReLU -> activation relu).
     */
    default Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        Set<String> accepted = parameters();
        // (a loop, not forEach with a lambda: a bundle's lambdas are spun at first use, which the
        // class-data archive cannot hold)
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (accepted.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Builds a layer for one input shape (open dimensions allowed). Checks every parameter
     * and fails with {@link LayerSpec#error} / {@link LayerSpec#paramError}; a layer
     * whose output would be empty is an error naming input size, kernel, stride and padding.
     * Weights start from the layer's initializers using {@link BuildContext#random()}.
     */
    Layer create(LayerSpec spec, Shape inputShape, BuildContext context);
}
