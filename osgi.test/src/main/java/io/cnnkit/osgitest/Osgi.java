package io.cnnkit.osgitest;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.LayerProvider;

/** Small helpers for tests that run inside the framework. */
public final class Osgi {
    /** How long a test waits for DS or ConfigAdmin to react before it fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Osgi() {
    }

    /** This test bundle's context (the bundle is started eagerly by the launcher). */
    public static BundleContext context() {
        BundleContext ctx = FrameworkUtil.getBundle(Osgi.class).getBundleContext();
        if (ctx == null) {
            throw new IllegalStateException("the test bundle is not started; check Bundle-ActivationPolicy");
        }
        return ctx;
    }

    /**
     * Trackers stay open for the life of the test bundle: closing one would release the
     * service, and a released delayed DS component (the Engine) is deactivated, and a
     * released per-bundle ConfigurationAdmin becomes invalid.
     */
    private static final Map<Class<?>, ServiceTracker<?, ?>> TRACKERS = new ConcurrentHashMap<>();

    /** Waits for a service of {@code type} and returns the best-ranked one. */
    public static <T> T service(Class<T> type) {
        @SuppressWarnings("unchecked")
        ServiceTracker<T, T> tracker = (ServiceTracker<T, T>) TRACKERS.computeIfAbsent(type, t -> {
            ServiceTracker<T, T> st = new ServiceTracker<>(context(), type, null);
            st.open();
            return st;
        });
        try {
            T s = tracker.waitForService(TIMEOUT.toMillis());
            if (s == null) {
                throw new AssertionError("no " + type.getName() + " service within " + TIMEOUT.toSeconds()
                        + " s; is the bundle providing it active and are its DS references satisfied?");
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getName(), e);
        }
    }

    public static Engine engine() {
        return service(Engine.class);
    }

    /** The installed bundle with this symbolic name (e.g. io.cnnkit.layers.conv), for stop/start/update tests. */
    public static Bundle bundle(String symbolicName) {
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " in the run; is it listed in cnf/ext/testrun.bnd"
                + " (cnnkit.bundles) and a dependency of osgi.test/pom.xml?");
    }

    /** Polls {@code condition} until it holds or {@link #TIMEOUT} passes; the message says what was expected. */
    public static void await(BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s: " + message.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + message.get(), e);
            }
        }
    }

    /** Registers a layer provider as a bundle with {@code @LayerType} would, with a service ranking. */
    public static ServiceRegistration<LayerProvider> register(LayerProvider p, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(LayerProvider.TYPE, p.type());
        props.put(Constants.SERVICE_RANKING, ranking);
        return context().registerService(LayerProvider.class, p, props);
    }

    /** Registers an activation as a bundle with {@code @ActivationName} would, with a service ranking. */
    public static ServiceRegistration<Activation> register(Activation a, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Activation.NAME, a.name());
        props.put(Constants.SERVICE_RANKING, ranking);
        return context().registerService(Activation.class, a, props);
    }

    /** Unregisters if still registered (cleanup after a failed assertion). */
    public static void unregisterQuietly(ServiceRegistration<?> reg) {
        if (reg == null) {
            return;
        }
        try {
            reg.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the test unregistered it itself
        }
    }

    /**
     * Collects garbage until every reference is cleared or {@link #TIMEOUT} passes; returns the
     * names of those still reachable (empty: all collected).
     */
    public static List<String> stillReachable(Map<String, ? extends WeakReference<?>> refs) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<String> alive;
        do {
            System.gc();
            Thread.sleep(50);
            alive = new ArrayList<>();
            for (var e : refs.entrySet()) {
                if (e.getValue().get() != null) {
                    alive.add(e.getKey());
                }
            }
        } while (!alive.isEmpty() && System.nanoTime() < deadline);
        return alive;
    }
}
