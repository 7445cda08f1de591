package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An engine without an OSGi framework: providers are registered explicitly (or found with
 * {@link java.util.ServiceLoader} by {@link Engines#fromServiceLoader}). Registering and
 * unregistering have the same hot-swap effects as services coming and going in OSGi.
 */
@ProviderType
public interface StandaloneEngine extends Engine, AutoCloseable {
    /** Adds a layer provider with service ranking 0. */
    default void register(LayerProvider provider) {
        register(provider, 0);
    }

    /** Adds a layer provider; the highest ranking of one type wins. */
    void register(LayerProvider provider, int ranking);

    default void register(Activation activation) {
        register(activation, 0);
    }

    void register(Activation activation, int ranking);

    /** Removes a provider or activation registered before; models using it are rebuilt or become unavailable. */
    void unregister(Object providerOrActivation);

    /** Sets the default parallelism (threads per run). */
    void setParallelism(int threads);

    /** Stops the engine: closes the fork-join pools; models become unavailable. */
    @Override
    void close();
}
