package io.cnnkit.engine.impl.desc;

import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerProvider;

/** What the description parsers may ask of the services present (no type names are hard-coded). */
public interface ProviderLookup {
    /** The best provider of a layer type, or null. */
    LayerProvider byType(String type);

    /**
     * The best provider that reads {@code kerasClass}: listed in its {@value LayerProvider#KERAS_CLASS}
     * service property in OSGi, in {@link LayerProvider#kerasClasses()} (the class's
     * {@code @LayerType}) on a plain classpath; or null.
     */
    LayerProvider byKerasClass(String kerasClass);

    /** Whether an activation function of that name is present. */
    boolean isActivation(String name);

    /** Activation functions present, sorted (for messages). */
    List<String> activations();

    /** Layer types present, sorted (for messages). */
    List<String> layerTypes();

    /** Keras classes the present providers read, sorted (for messages). */
    List<String> kerasClasses();

    /** The layer type that reads each of {@link #kerasClasses()} (for did-you-mean: Conv2D -> conv2d). */
    Map<String, String> typesByKerasClass();
}
