package io.cnnkit.engine.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The one declaration of a {@link LayerProvider}'s layer type and Keras class names:
 * {@code @LayerType(layer_type = "conv2d", keras_class = {"Conv2D", "Convolution2D"})} on the
 * provider class. Each fact is written here once and read from here everywhere:
 * <ul>
 * <li>in OSGi, as a DS component property type: the component's service gets
 * {@code cnnkit.layer.type=conv2d} and {@code cnnkit.keras.class=[Conv2D, Convolution2D]}, which
 * the engine reads from the service reference;</li>
 * <li>on a plain classpath, at run time ({@link RetentionPolicy#RUNTIME RUNTIME} retention):
 * {@link LayerProvider#type()} and {@link LayerProvider#kerasClasses()} return these values
 * unless the provider overrides them;</li>
 * <li>at build time, bnd turns it into the {@code osgi.serviceloader} capability of the
 * provider's bundle, with {@code register:=<the class>}, from which bnd writes the class into
 * {@code META-INF/services/io.cnnkit.engine.api.LayerProvider} (what
 * {@link Engines#fromServiceLoader} reads). The bundle does not require the
 * {@code osgi.serviceloader.registrar} extender, so a Service Loader Mediator in the framework
 * (Aries SPI Fly) does not register the class a second time: DS registers it.</li>
 * </ul>
 * A new layer plug-in is therefore one class with {@code @Component(service =
 * LayerProvider.class)} and this annotation. Inherited: a subclass of a provider keeps its
 * type unless it has its own annotation.
 *
 * @since 1.0; runtime retention, {@link Inherited} and the {@code osgi.serviceloader} capability since 1.4
 */
@ComponentPropertyType
@Capability(namespace = "osgi.serviceloader", name = "io.cnnkit.engine.api.LayerProvider",
        attribute = "register:=${@class}", uses = LayerProvider.class)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Target(ElementType.TYPE)
public @interface LayerType {
    String PREFIX_ = "cnnkit.";

    /** {@code cnnkit.layer.type} ({@value LayerProvider#TYPE}): the layer type, e.g. {@code conv2d}. */
    String layer_type();

    /**
     * {@code cnnkit.keras.class} ({@value LayerProvider#KERAS_CLASS}): the Keras JSON
     * {@code class_name}s this provider reads, Keras 1 names included.
     */
    String[] keras_class() default {};
}
