package io.cnnkit.engine.api;

import java.util.ServiceLoader;

import io.cnnkit.engine.impl.EngineImpl;

/** Creates engines for use without an OSGi framework (plain classpath, tests, batch jobs). */
public final class Engines {
    private Engines() {
    }

    /** An empty engine with parallelism = available processors. */
    public static StandaloneEngine standalone() {
        return new EngineImpl(Runtime.getRuntime().availableProcessors());
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
