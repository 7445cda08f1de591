package io.cnnkit.engine.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/** Typed service property of an {@link Activation} component: {@code cnnkit.activation=relu}. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ActivationName {
    String PREFIX_ = "cnnkit.";

    /** {@code cnnkit.activation}: the Keras name of the function. */
    String activation();
}
