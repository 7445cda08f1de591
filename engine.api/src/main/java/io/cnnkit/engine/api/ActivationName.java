package io.cnnkit.engine.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The one declaration of an {@link Activation}'s name: {@code @ActivationName(activation =
 * "relu")} on the class. As with {@link LayerType}: in OSGi the DS component's service gets
 * {@code cnnkit.activation=relu}, which the engine reads from the service reference; on a plain
 * classpath {@link Activation#name()} returns it unless overridden (runtime retention); bnd
 * writes the class into {@code META-INF/services/io.cnnkit.engine.api.Activation} through the
 * bundle's {@code osgi.serviceloader} capability (no registrar requirement, so a Service
 * Loader Mediator does not register it a second time).
 *
 * @since 1.0; runtime retention, {@link Inherited} and the {@code osgi.serviceloader} capability since 1.4
 */
@ComponentPropertyType
@Capability(namespace = "osgi.serviceloader", name = "io.cnnkit.engine.api.Activation",
        attribute = "register:=${@class}", uses = Activation.class)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Target(ElementType.TYPE)
public @interface ActivationName {
    String PREFIX_ = "cnnkit.";

    /** {@code cnnkit.activation} ({@value Activation#NAME}): the Keras name of the function. */
    String activation();
}
