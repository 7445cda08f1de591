package io.cnnkit.explorer.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

import io.cnnkit.engine.api.Engine;

/**
 * The runtime as the Runtime page shows it: layer types and activations with the bundles that
 * provide them, the cnnkit bundles and their states. Bundle and service events bump a version
 * that the server-sent event streams wait on.
 */
final class RuntimeState implements BundleListener, ServiceListener, AutoCloseable {
    /** Bundles the page may stop and start: the plug-ins, never the engine, the server or itself. */
    static final List<String> SWITCHABLE = List.of("io.cnnkit.layers.", "io.cnnkit.activations.", "io.cnnkit.kernels.");

    private final BundleContext context;
    private final Engine engine;
    private long version;
    private volatile boolean closed;

    RuntimeState(BundleContext context, Engine engine) {
        this.context = context;
        this.engine = engine;
        context.addBundleListener(this);
        context.addServiceListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        bump();
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        bump();
    }

    private synchronized void bump() {
        version++;
        notifyAll();
    }

    /** Waits until the version differs from {@code seen} or {@code millis} pass; returns the version. */
    synchronized long await(long seen, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (version == seen && !closed) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return version;
    }

    synchronized long version() {
        return version;
    }

    boolean closed() {
        return closed;
    }

    Map<String, Object> json(Session session) {
        Map<String, Object> o = new LinkedHashMap<>();
        Map<String, String> providers = engine.providers();
        o.put("layerTypes", named(engine.layerTypes(), providers, "layer "));
        o.put("activations", named(engine.activations(), providers, "activation "));
        List<Map<String, Object>> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String n = b.getSymbolicName();
            if (n == null || !(n.startsWith("io.cnnkit.") || n.startsWith("org.apache.felix.http"))) {
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", b.getBundleId());
            e.put("name", n);
            e.put("version", b.getVersion().toString());
            e.put("state", state(b.getState()));
            e.put("switchable", switchable(n));
            bundles.add(e);
        }
        o.put("bundles", bundles);
        List<Map<String, Object>> models = new ArrayList<>();
        session.models().values().forEach(m -> models.add(ModelJson.entry(m)));
        o.put("models", models);
        return o;
    }

    private static List<Map<String, String>> named(List<String> names, Map<String, String> providers, String kind) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String n : names) {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("name", n);
            e.put("provider", providers.getOrDefault(kind + n, ""));
            out.add(e);
        }
        return out;
    }

    static boolean switchable(String symbolicName) {
        return SWITCHABLE.stream().anyMatch(symbolicName::startsWith);
    }

    /** Stops or starts a plug-in bundle, transiently (a restart of the runtime starts it again). */
    void switchBundle(String symbolicName, boolean start) {
        if (!switchable(symbolicName)) {
            throw new HttpError(403, "bundle '" + Uploads.printable(symbolicName) + "' cannot be stopped or started here",
                    "only layer, activation and kernel bundles (io.cnnkit.layers.*, io.cnnkit.activations.*, "
                            + "io.cnnkit.kernels.*) can");
        }
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                try {
                    if (start) {
                        b.start(Bundle.START_TRANSIENT);
                    } else {
                        b.stop(Bundle.STOP_TRANSIENT);
                    }
                    return;
                } catch (BundleException e) {
                    throw new HttpError(409, "bundle " + symbolicName + " did not " + (start ? "start" : "stop") + ": "
                            + e.getMessage(), "see its state on the Runtime page");
                }
            }
        }
        throw HttpError.notFound("no bundle '" + Uploads.printable(symbolicName) + "' in the runtime",
                "GET /api/runtime lists the bundles");
    }

    static String state(int s) {
        return switch (s) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }

    @Override
    public void close() {
        closed = true;
        context.removeBundleListener(this);
        context.removeServiceListener(this);
        synchronized (this) {
            notifyAll();
        }
    }
}
