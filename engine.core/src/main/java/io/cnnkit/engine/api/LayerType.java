package io.cnnkit.engine.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Typed service properties of a {@link LayerProvider} component:
 * {@code @LayerType(layer_type = "conv2d", keras_class = "Conv2D")} registers
 * {@code cnnkit.layer.type=conv2d} and {@code cnnkit.keras.class=Conv2D}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface LayerType {
    String PREFIX_ = "cnnkit.";

    /** {@code cnnkit.layer.type} */
    String layer_type();

    /** {@code cnnkit.keras.class} */
    String[] keras_class() default {};
}
