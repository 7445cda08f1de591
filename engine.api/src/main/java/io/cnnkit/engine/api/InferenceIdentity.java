package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A layer whose output equals its input at inference (Dropout and its relatives). The engine
 * leaves it out of a predict run's plan; {@code trace} still shows it.
 *
 * @since 1.5
 */
@ConsumerType
public interface InferenceIdentity extends Layer {
}
