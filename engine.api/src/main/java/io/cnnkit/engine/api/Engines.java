package io.cnnkit.engine.api;

import java.util.ServiceLoader;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates engines for use without an OSGi framework (plain classpath, tests, batch jobs). The
 * implementation (io.cnnkit.engine.core) is found with {@link ServiceLoader}; in OSGi use the
 * {@link Engine} service instead.
 */
public final class Engines {
    private Engines() {
    }

    /**
     * What the engine implementation offers {@link Engines} on a plain classpath.
     *
     * @since 1.4
     */
    @ProviderType
    public interface Factory {
        /** A new engine whose runs use {@code parallelism} threads by default. */
        StandaloneEngine create(int parallelism);
    }

    /** An empty engine with parallelism = available processors. */
    public static StandaloneEngine standalone() {
        int cores = Runtime.getRuntime().availableProcessors();
        for (ClassLoader loader : new ClassLoader[] {Engines.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (Factory f : ServiceLoader.load(Factory.class, loader)) {
                return f.create(cores);
            }
        }
        throw new IllegalStateException("no cnnkit engine implementation on the class path: add the "
                + "io.cnnkit.engine.core jar (it provides " + Factory.class.getName() + "); in OSGi, use the "
                + Engine.class.getName() + " service");
    }

    /**
     * An engine with every {@link LayerProvider} and {@link Activation} that
     * {@link ServiceLoader} finds through {@code loader}. Each cnnkit bundle jar lists its
     * providers in META-INF/services, which bnd writes from their {@link LayerType} /
     * {@link ActivationName} annotations; the engine keys each one by {@link LayerProvider#type()}
     * / {@link Activation#name()}, which read the same annotations.
     */
    public static StandaloneEngine fromServiceLoader(ClassLoader loader) {
        StandaloneEngine engine = standalone();
        for (LayerProvider p : ServiceLoader.load(LayerProvider.class, loader)) {
            engine.register(p);
        }
        for (Activation a : ServiceLoader.load(Activation.class, loader)) {
            engine.register(a);
        }
        return engine;
    }
}
