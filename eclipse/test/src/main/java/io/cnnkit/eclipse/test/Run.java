package io.cnnkit.eclipse.test;

import java.io.File;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.xml.parsers.DocumentBuilderFactory;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;
import org.osgi.util.tracker.ServiceTracker;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Helpers for the tests inside the Equinox run. */
final class Run {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Run() {
    }

    static BundleContext context() {
        BundleContext ctx = FrameworkUtil.getBundle(Run.class).getBundleContext();
        if (ctx == null) {
            throw new IllegalStateException("the test bundle is not started; check Bundle-ActivationPolicy in bnd.bnd");
        }
        return ctx;
    }

    /** A run property of equinox.bndrun, required. */
    static String property(String name) {
        String v = context().getProperty(name);
        if (v == null || v.isBlank()) {
            throw new AssertionError("equinox.bndrun must set -runproperties " + name);
        }
        return v;
    }

    /** A comma-separated run property as a set. */
    static Set<String> names(String property) {
        Set<String> s = new LinkedHashSet<>();
        for (String n : property(property).split(",")) {
            if (!n.isBlank()) {
                s.add(n.strip());
            }
        }
        return s;
    }

    /**
     * Waits for a service. The tracker stays open: releasing the last use of the Engine (a
     * delayed DS component) would deactivate it.
     */
    static <T> T service(Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
        tracker.open();
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

    static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Symbolic name -> version of every bundle (type osgi.bundle) in an OSGi repository index. */
    static TreeMap<String, Version> indexedBundles(File index) {
        if (!index.isFile()) {
            throw new AssertionError(index + " is missing; the launcher module writes it (mvn package)");
        }
        try {
            NodeList caps = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().parse(index)
                    .getElementsByTagNameNS("*", "capability");
            TreeMap<String, Version> bundles = new TreeMap<>();
            for (int i = 0; i < caps.getLength(); i++) {
                Element cap = (Element) caps.item(i);
                if (!"osgi.identity".equals(cap.getAttribute("namespace"))) {
                    continue;
                }
                String id = null;
                String version = null;
                String type = null;
                NodeList as = cap.getElementsByTagNameNS("*", "attribute");
                for (int j = 0; j < as.getLength(); j++) {
                    Element a = (Element) as.item(j);
                    String value = a.getAttribute("value");
                    switch (a.getAttribute("name")) {
                        case "osgi.identity" -> id = value;
                        case "version" -> version = value;
                        case "type" -> type = value;
                        default -> {
                        }
                    }
                }
                if ("osgi.bundle".equals(type)) {
                    bundles.put(id, Version.parseVersion(version));
                }
            }
            if (bundles.isEmpty()) {
                throw new AssertionError(index + " lists no bundle");
            }
            return bundles;
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("cannot read the repository index " + index + ": " + e, e);
        }
    }
}
