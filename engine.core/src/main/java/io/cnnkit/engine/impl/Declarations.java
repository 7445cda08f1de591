package io.cnnkit.engine.impl;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerType;

/**
 * What a provider declares about itself, checked once: when it is registered, or in OSGi (where
 * the registry reads the service properties) when it is first used. The facts are
 * declared by {@link LayerType} / {@link ActivationName} on the class; in OSGi DS copies them
 * into the service properties, on a plain classpath the API's default methods read the
 * annotation. A method override, an annotation and a service property that say different
 * things are a packaging error, reported with the class named.
 */
final class Declarations {
    private Declarations() {
    }

    /**
     * The registry key of a layer provider: its {@link LayerProvider#TYPE} service property when
     * it has one (OSGi), else {@link LayerProvider#type()}; both checked against the class's
     * {@link LayerType}.
     */
    static String layerType(LayerProvider p, String property, String origin) {
        String where = where("layer provider", p, origin);
        String type;
        try {
            type = p.type();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": type() failed: " + e.getMessage(), e);
        }
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException(where + " has no type");
        }
        LayerType declared = p.getClass().getAnnotation(LayerType.class);
        if (declared != null && !declared.layer_type().equals(type)) {
            throw new IllegalArgumentException(where + ": @LayerType says layer_type '" + declared.layer_type()
                    + "' but type() returns '" + type + "'; remove the type() override (the annotation declares it)");
        }
        if (property != null && !property.equals(type)) {
            throw new IllegalArgumentException(where + " has " + LayerProvider.TYPE + "=" + property
                    + " but type() returns '" + type + "'; the two must be equal");
        }
        return type;
    }

    /**
     * The Keras classes a layer provider reads: its {@link LayerProvider#KERAS_CLASS} service
     * property when it has one (OSGi), else {@link LayerProvider#kerasClasses()}; an override of
     * kerasClasses() must list the classes of the class's {@link LayerType} when that names any.
     */
    static List<String> kerasClasses(LayerProvider p, Object property, String origin) {
        String where = where("layer provider", p, origin);
        List<String> fromObject;
        try {
            fromObject = p.kerasClasses();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": kerasClasses() failed: " + e.getMessage(), e);
        }
        fromObject = fromObject == null ? List.of() : List.copyOf(fromObject);
        LayerType declared = p.getClass().getAnnotation(LayerType.class);
        if (declared != null && declared.keras_class().length > 0
                && !Set.copyOf(fromObject).equals(new LinkedHashSet<>(List.of(declared.keras_class())))) {
            throw new IllegalArgumentException(where + ": @LayerType says keras_class " + List.of(declared.keras_class())
                    + " but kerasClasses() returns " + fromObject
                    + "; remove the kerasClasses() override (the annotation declares them)");
        }
        List<String> fromProperty = strings(property);
        return fromProperty != null ? fromProperty : fromObject;
    }

    /**
     * The registry key of an activation: its {@link Activation#NAME} service property when it
     * has one (OSGi), else {@link Activation#name()}; both checked against the class's
     * {@link ActivationName}.
     */
    static String activationName(Activation a, String property, String origin) {
        String where = where("activation", a, origin);
        String name;
        try {
            name = a.name();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": name() failed: " + e.getMessage(), e);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(where + " has no name");
        }
        ActivationName declared = a.getClass().getAnnotation(ActivationName.class);
        if (declared != null && !declared.activation().equals(name)) {
            throw new IllegalArgumentException(where + ": @ActivationName says '" + declared.activation()
                    + "' but name() returns '" + name + "'; remove the name() override (the annotation declares it)");
        }
        if (property != null && !property.equals(name)) {
            throw new IllegalArgumentException(where + " has " + Activation.NAME + "=" + property
                    + " but name() returns '" + name + "'; the two must be equal");
        }
        return name;
    }

    private static String where(String kind, Object service, String origin) {
        String cls = service.getClass().getName();
        return origin == null || origin.equals(cls) ? kind + " " + cls : kind + " " + cls + " (" + origin + ")";
    }

    /** A String, String[] or collection service property as a list; null when absent. */
    static List<String> strings(Object property) {
        if (property == null) {
            return null;
        }
        if (property instanceof String s) {
            return List.of(s);
        }
        if (property instanceof String[] a) {
            return List.of(a);
        }
        if (property instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(property));
    }
}
