package io.cnnkit.engine.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.impl.desc.DescriptionParser;
import io.cnnkit.engine.impl.desc.ProviderLookup;

/**
 * The engine: registries of layer and activation providers, the models built from them
 * and kept up to date as providers come and go, and the fork-join scheduler. Used as is
 * outside OSGi; {@link EngineComponent} wires it to the service registry.
 */
public final class EngineImpl implements StandaloneEngine {
    private static final AtomicLong LOCAL_IDS = new AtomicLong(Long.MAX_VALUE / 2);

    private final Registry<LayerProvider> layerRegistry = new Registry<>("layer type");
    private final Registry<Activation> activationRegistry = new Registry<>("activation");
    private final SnapshotBuilder builder = new SnapshotBuilder(layerRegistry, activationRegistry);
    private final List<ModelHandle> models = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile Scheduler scheduler;
    private volatile boolean closed;

    public EngineImpl(int parallelism) {
        this.scheduler = new Scheduler(parallelism);
        layerRegistry.addListener(new Consumer<String>() {
            @Override
            public void accept(String type) {
                changed(SnapshotBuilder.LAYER_DEP + type);
            }
        });
        activationRegistry.addListener(new Consumer<String>() {
            @Override
            public void accept(String name) {
                changed(SnapshotBuilder.ACTIVATION_DEP + name);
            }
        });
    }

    Object lock() {
        return lock;
    }

    boolean isClosed() {
        return closed;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    // ---- registration (plain Java; EngineComponent calls the same methods from DS) ----

    @Override
    public void register(LayerProvider provider, int ranking) {
        // (classes, not lambdas: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        addLayerProvider(new Supplier<LayerProvider>() {
            @Override
            public LayerProvider get() {
                return provider;
            }
        }, null, null, ranking, LOCAL_IDS.incrementAndGet(), provider.getClass().getName());
    }

    @Override
    public void register(Activation activation, int ranking) {
        addActivation(new Supplier<Activation>() {
            @Override
            public Activation get() {
                return activation;
            }
        }, null, ranking, LOCAL_IDS.incrementAndGet(), activation.getClass().getName());
    }

    @Override
    public void unregister(Object providerOrActivation) {
        if (providerOrActivation instanceof LayerProvider p) {
            layerRegistry.remove(p);
        }
        if (providerOrActivation instanceof Activation a) {
            activationRegistry.remove(a);
        }
    }

    /**
     * Adds a layer provider. In OSGi {@code typeProperty} and {@code kerasClassProperty} are
     * its {@value LayerProvider#TYPE} and {@value LayerProvider#KERAS_CLASS} service properties:
     * the registry keys it by the first, and the Keras JSON parser finds it by the second, so
     * the provider itself is made ({@code make}) only when a model first needs it (DS then
     * creates the component: a command that uses two layer types creates two of some fifty). On
     * a plain classpath, or without the Keras classes property, the provider is made now and
     * {@link LayerProvider#type()} / {@link LayerProvider#kerasClasses()} (by default the class's
     * {@code @LayerType}) give what is missing. A property, an override and the annotation that
     * disagree are refused ({@link Declarations}): here, or where the provider is first used.
     */
    public void addLayerProvider(Supplier<LayerProvider> make, String typeProperty, Object kerasClassProperty,
            int ranking, long serviceId, String origin) {
        Registry.Handle<LayerProvider> handle;
        String type;
        List<String> kerasClasses;
        if (typeProperty == null || kerasClassProperty == null) {
            LayerProvider p = make.get();
            type = Declarations.layerType(p, typeProperty, origin);
            kerasClasses = Declarations.kerasClasses(p, kerasClassProperty, origin);
            handle = Registry.Handle.of(p);
        } else {
            type = typeProperty;
            kerasClasses = Declarations.strings(kerasClassProperty);
            handle = Registry.Handle.lazy(new Made<>(make, "layer provider", origin), new Consumer<LayerProvider>() {
                @Override
                public void accept(LayerProvider p) {
                    try {
                        Declarations.layerType(p, typeProperty, origin);
                        Declarations.kerasClasses(p, kerasClassProperty, origin);
                    } catch (IllegalArgumentException e) {
                        throw foundOnFirstUse("layer provider", e);
                    }
                }
            });
        }
        layerRegistry.add(new Registry.Entry<>(type, handle, kerasClasses, ranking, serviceId, origin));
    }

    /**
     * Adds an activation under its {@value Activation#NAME} service property (OSGi; the
     * activation is then made on first use, as a layer provider is), or under
     * {@link Activation#name()} (by default the class's {@code @ActivationName}) when that is null.
     */
    public void addActivation(Supplier<Activation> make, String nameProperty, int ranking, long serviceId,
            String origin) {
        Registry.Handle<Activation> handle;
        String name;
        if (nameProperty == null) {
            Activation a = make.get();
            name = Declarations.activationName(a, null, origin);
            handle = Registry.Handle.of(a);
        } else {
            name = nameProperty;
            handle = Registry.Handle.lazy(new Made<>(make, "activation", origin), new Consumer<Activation>() {
                @Override
                public void accept(Activation a) {
                    try {
                        Declarations.activationName(a, nameProperty, origin);
                    } catch (IllegalArgumentException e) {
                        throw foundOnFirstUse("activation", e);
                    }
                }
            });
        }
        activationRegistry.add(new Registry.Entry<>(name, handle, List.of(), ranking, serviceId, origin));
    }

    /** A provider's check on first use: a packaging error found then is a model error naming it. */
    private static ModelException foundOnFirstUse(String kind, IllegalArgumentException e) {
        return new ModelException(e.getMessage() + " (found when the " + kind + " was first used)", e);
    }

    /**
     * Makes a lazily registered service on its first use (a class, not a lambda: a bundle's
     * lambdas are spun at first use, which the class-data archive cannot hold).
     */
    private static final class Made<T> implements Supplier<T> {
        private final Supplier<T> make;
        private final String kind;
        private final String origin;

        Made(Supplier<T> make, String kind, String origin) {
            this.make = make;
            this.kind = kind;
            this.origin = origin;
        }

        @Override
        public T get() {
            T t = make.get();
            if (t == null) {
                throw new ModelException("the " + kind + " of " + origin + " could not be created (DS gave no "
                        + "object; the framework log says why)");
            }
            return t;
        }
    }

    public void removeLayerProvider(long serviceId) {
        layerRegistry.remove(serviceId);
    }

    public void removeActivation(long serviceId) {
        activationRegistry.remove(serviceId);
    }

    public void updateLayerRanking(long serviceId, int ranking) {
        layerRegistry.updateRanking(serviceId, ranking);
    }

    public void updateActivationRanking(long serviceId, int ranking) {
        activationRegistry.updateRanking(serviceId, ranking);
    }

    /** The registry's id of a provider registered on a plain classpath (tests re-rank it as DS would). */
    long serviceIdOf(LayerProvider p) {
        return layerRegistry.serviceIdOf(p);
    }

    // ---- Engine ----

    @Override
    public ModelDescription parse(String text) {
        return new DescriptionParser(lookup()).parse(text);
    }

    @Override
    public Model build(ModelDescription description) {
        if (closed) {
            throw new ModelException("the cnnkit engine is stopped");
        }
        ModelDescription named = SnapshotBuilder.named(description);
        synchronized (lock) {
            try {
                // random initial values are drawn when the model is first used (ModelHandle): a
                // model loaded before (or only summarised) never draws them
                Snapshot s = builder.build(named, Map.of(), true);
                ModelHandle h = new ModelHandle(this, named, s);
                models.add(h);
                return h;
            } catch (OutOfMemoryError e) {
                // Weights under every size limit that still do not fit (with the engine's copy) in
                // the heap left: the allocation that failed was never made, so say so and go on.
                throw new ModelException("model '" + named.name() + "': out of memory while creating its weights "
                        + "(the Java heap is " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB); check the "
                        + "layers' sizes or raise -Xmx", e);
            }
        }
    }

    @Override
    public List<String> layerTypes() {
        return layerRegistry.keys();
    }

    @Override
    public List<String> activations() {
        return activationRegistry.keys();
    }

    @Override
    public Map<String, String> providers() {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : layerRegistry.bestEntries()) {
            out.put("layer " + e.key(), e.origin());
        }
        for (var e : activationRegistry.bestEntries()) {
            out.put("activation " + e.key(), e.origin());
        }
        return out;
    }

    @Override
    public List<Model> models() {
        return List.copyOf(models);
    }

    @Override
    public int parallelism() {
        return scheduler.parallelism();
    }

    @Override
    public void setParallelism(int threads) {
        Scheduler old;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the cnnkit engine is stopped");
            }
            old = scheduler;
            scheduler = new Scheduler(threads);
        }
        old.close();
    }

    /** Live fork-join threads (leak checks in tests). */
    public int liveThreads() {
        return scheduler.liveThreads();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            for (ModelHandle h : models) {
                h.markUnavailable("the cnnkit engine is stopped", Set.of("the cnnkit engine"), null);
            }
        }
        scheduler.close();
    }

    private ProviderLookup lookup() {
        return new ProviderLookup() {
            @Override
            public LayerProvider byType(String type) {
                var e = layerRegistry.best(type);
                return e == null ? null : e.service();
            }

            @Override
            public LayerProvider byKerasClass(String kerasClass) {
                for (var e : layerRegistry.bestEntries()) {
                    if (e.kerasClasses().contains(kerasClass)) {
                        return e.service();
                    }
                }
                return null;
            }

            @Override
            public boolean isActivation(String name) {
                return activationRegistry.best(name) != null;
            }

            @Override
            public List<String> activations() {
                return activationRegistry.keys();
            }

            @Override
            public List<String> layerTypes() {
                return layerRegistry.keys();
            }

            @Override
            public List<String> kerasClasses() {
                java.util.TreeSet<String> all = new java.util.TreeSet<>();
                for (var e : layerRegistry.bestEntries()) {
                    all.addAll(e.kerasClasses());
                }
                return List.copyOf(all);
            }

            @Override
            public Map<String, String> typesByKerasClass() {
                Map<String, String> types = new java.util.TreeMap<>();
                for (var e : layerRegistry.bestEntries()) {
                    for (String c : e.kerasClasses()) {
                        types.putIfAbsent(c, e.key());
                    }
                }
                return types;
            }
        };
    }

    // ---- hot swap ----

    void forget(ModelHandle h) {
        models.remove(h);
    }

    /** The best provider of {@code dependency} changed: rebuild every model that uses it or misses it. */
    private void changed(String dependency) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (ModelHandle h : models) {
                Set<String> deps = h.dependencies();
                if (deps != null && deps.contains(dependency) || !h.isAvailable()) {
                    rebuild(h);
                }
            }
        }
    }

    /**
     * Rebuilds one model from its description and weight store (engine lock held).
     *
     * @return null, or why the model could not be built other than a missing service (it is then
     *         unavailable until a rebuild succeeds)
     */
    String rebuild(ModelHandle h) {
        if (h.isClosed()) {
            return null;
        }
        try {
            h.install(builder.build(h.description(), h.store()));
            return null;
        } catch (MissingServiceException e) {
            Set<String> deps = new LinkedHashSet<>(h.dependencies());
            deps.add(e.dependency());
            h.markUnavailable("missing " + e.dependency(), Set.of(e.dependency()), deps);
            return null;
        } catch (ModelException e) {
            // A new provider version rejects the description: keep the model unusable and say why.
            h.markUnavailable(e.getMessage(), Set.of(e.getMessage()), null);
            return e.getMessage();
        } catch (OutOfMemoryError e) {
            String why = "model '" + h.name() + "': out of memory while creating its weights (the Java heap is "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB); check the layers' sizes or raise -Xmx";
            h.markUnavailable(why, Set.of(why), null);
            return why;
        }
    }

    List<ModelHandle> handles() {
        return new ArrayList<>(models);
    }
}
