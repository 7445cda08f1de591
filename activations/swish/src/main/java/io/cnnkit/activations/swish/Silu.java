package io.cnnkit.activations.swish;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;

/** {@code silu}: swish under the name Keras 3 saves (keras.activations.silu, alias swish). */
@Component(service = Activation.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@ActivationName(activation = "silu")
public final class Silu extends Swish {}
