package io.cnnkit.launcher.shell;

import java.io.File;
import java.io.FilenameFilter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * When a one-shot command may run: the framework has reached its final start level
 * ({@value #BEGINNING}), every bundle due at that level is active (or lazily starting), and
 * FileInstall has installed and started each {@code *.jar} of the plug-in folder
 * ({@value #PLUGINS}) and removed the bundles whose file is gone. Before that, a command
 * sees a half-started runtime: the console's commands and converters missing, a plug-in's
 * higher-ranked service not yet there.
 */
final class RuntimeReady {
    static final String BEGINNING = "org.osgi.framework.startlevel.beginning";
    static final String PLUGINS = "felix.fileinstall.dir";

    /** What kept the runtime from being ready: empty when it is. */
    record Report(List<String> problems) {
        boolean ready() {
            return problems.isEmpty();
        }
    }

    private final BundleContext context;
    private final int finalLevel;
    private final File plugins;

    RuntimeReady(BundleContext context) {
        this.context = context;
        // The bnd launcher starts the framework at level 1 and raises it to the bndrun's beginning
        // level itself, so the framework property says 1; the system property keeps the launcher's
        // value (it is set before the launcher rewrites its copy). Plain Felix has only the former.
        this.finalLevel = Math.max(parseLevel(context.getProperty(BEGINNING)), parseLevel(System.getProperty(BEGINNING)));
        String dir = context.getProperty(PLUGINS);
        this.plugins = dir == null || dir.isBlank() ? null : new File(dir).getAbsoluteFile();
    }

    int finalLevel() {
        return finalLevel;
    }

    /**
     * Waits until the runtime is ready, at most {@code timeoutMs}; plug-ins that are still not
     * active {@code pluginGraceMs} after the runtime's own bundles are (a jar that does not
     * resolve, an activator that throws) do not hold the command back: they are reported.
     */
    Report await(long timeoutMs, long pluginGraceMs) throws InterruptedException {
        Object signal = new Object();
        // Woken by bundle and framework events instead of a busy poll; the timed wait is a
        // safety net for changes no event announces (a file appearing in plugins/). Bundle events
        // synchronously, on the thread that starts the bundle: asynchronous ones queue behind every
        // other listener's (DS's), and the last bundle's start reached this thread about 10 ms late.
        // (classes, not lambdas: a bundle's lambdas are spun at their first use, which the
        // class-data archive cannot hold; a class comes from it)
        SynchronousBundleListener bl = new SynchronousBundleListener() {
            @Override
            public void bundleChanged(BundleEvent e) {
                wake(signal);
            }
        };
        FrameworkListener fl = new FrameworkListener() {
            @Override
            public void frameworkEvent(FrameworkEvent e) {
                wake(signal);
            }
        };
        context.addBundleListener(bl);
        context.addFrameworkListener(fl);
        try {
            long start = System.nanoTime();
            long coreReadyAt = -1;
            while (true) {
                List<String> core = coreProblems();
                Map<String, Bundle> plugin = pluginProblems();
                if (core.isEmpty() && plugin.isEmpty()) {
                    settlePlugins();
                    return new Report(List.of());
                }
                long now = System.nanoTime();
                if (core.isEmpty() && coreReadyAt < 0) {
                    coreReadyAt = now;
                }
                boolean graceOver = coreReadyAt >= 0 && now - coreReadyAt > pluginGraceMs * 1_000_000L;
                if (graceOver || now - start > timeoutMs * 1_000_000L) {
                    List<String> all = new ArrayList<>(core);
                    all.addAll(withReasons(plugin));
                    return new Report(all);
                }
                synchronized (signal) {
                    signal.wait(50);
                }
            }
        } finally {
            context.removeBundleListener(bl);
            context.removeFrameworkListener(fl);
        }
    }

    /** The plug-in jars of a folder (hidden files are not). */
    private static final FilenameFilter JARS = new FilenameFilter() {
        @Override
        public boolean accept(File dir, String name) {
            return name.endsWith(".jar") && !name.startsWith(".");
        }
    };

    /** Quiet period of service events that ends {@link #settlePlugins()}, and its cap. */
    static final long SETTLE_QUIET_MS = 150;
    static final long SETTLE_MAX_MS = 2_000;

    /**
     * With plug-ins present, waits until no service has been registered or unregistered for
     * {@value #SETTLE_QUIET_MS} ms (at most {@value #SETTLE_MAX_MS} ms): a plug-in's state turns
     * STARTING or ACTIVE before the DS runtime, on the bundle's event, registers its services, and
     * the engine then rebuilds for them. Without plug-ins a command does not wait.
     */
    private void settlePlugins() throws InterruptedException {
        File[] jars = plugins == null ? null : plugins.listFiles(JARS);
        if (jars == null || jars.length == 0) {
            return;
        }
        // written by the framework's event threads, read here
        AtomicLong last = new AtomicLong(System.nanoTime());
        ServiceListener sl = new ServiceListener() {
            @Override
            public void serviceChanged(ServiceEvent e) {
                last.set(System.nanoTime());
            }
        };
        context.addServiceListener(sl);
        try {
            long end = System.nanoTime() + SETTLE_MAX_MS * 1_000_000L;
            while (System.nanoTime() - last.get() < SETTLE_QUIET_MS * 1_000_000L && System.nanoTime() < end) {
                Thread.sleep(25);
            }
        } finally {
            context.removeServiceListener(sl);
        }
    }

    private static void wake(Object signal) {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** The runtime's own bundles (not the plug-ins): final level reached, all due bundles up. */
    List<String> coreProblems() {
        List<String> problems = new ArrayList<>();
        Bundle system = context.getBundle(0);
        if (system.getState() != Bundle.ACTIVE) {
            problems.add("the framework is not active yet");
            return problems;
        }
        int level = system.adapt(FrameworkStartLevel.class).getStartLevel();
        if (level < finalLevel) {
            problems.add("the framework is at start level " + level + " of " + finalLevel);
            return problems;
        }
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() == 0 || isFragment(b) || isPlugin(b)) {
                continue;
            }
            BundleStartLevel bsl = b.adapt(BundleStartLevel.class);
            if (bsl != null && bsl.isPersistentlyStarted() && bsl.getStartLevel() <= level && !isUp(b)) {
                problems.add("bundle " + b.getSymbolicName() + " [" + b.getBundleId() + "] is " + state(b));
            }
        }
        return problems;
    }

    /**
     * The plug-in folder against the bundles FileInstall manages: each problem, with the
     * plug-in bundle it is about when that bundle is installed but not up (its start may be
     * under way), else null.
     */
    Map<String, Bundle> pluginProblems() {
        Map<String, Bundle> problems = new LinkedHashMap<>();
        if (plugins == null) {
            return problems;
        }
        Map<File, Bundle> managed = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            File f = pluginFile(b);
            if (f != null) {
                managed.put(f, b);
            }
        }
        File[] files = plugins.listFiles(JARS);
        Set<File> present = files == null ? Set.of() : Set.of(files);
        for (File f : present) {
            Bundle b = managed.get(f);
            if (b == null) {
                problems.put("plug-in " + f + " is not installed (FileInstall prints why if it failed)", null);
            } else if (!isUp(b)) {
                problems.put("plug-in " + f + " (" + b.getSymbolicName() + " [" + b.getBundleId() + "]) is "
                        + state(b), b);
            }
        }
        for (Map.Entry<File, Bundle> e : managed.entrySet()) {
            if (!present.contains(e.getKey())) {
                problems.put("plug-in " + e.getKey() + " was removed but its bundle " + e.getValue().getSymbolicName()
                        + " [" + e.getValue().getBundleId() + "] is still installed", null);
            }
        }
        return problems;
    }

    /**
     * Each plug-in problem, with the framework's reason when asked to start the bundle (what
     * FileInstall does on its next scan anyway): an unresolved requirement, an activator error.
     */
    private static List<String> withReasons(Map<String, Bundle> problems) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Bundle> e : problems.entrySet()) {
            Bundle b = e.getValue();
            if (b == null) {
                out.add(e.getKey());
                continue;
            }
            String reason = null;
            try {
                b.start(Bundle.START_ACTIVATION_POLICY);
            } catch (BundleException | IllegalStateException ex) {
                reason = ex.getMessage();
            }
            if (!isUp(b)) {
                out.add(reason == null ? e.getKey() : e.getKey() + ": " + reason.strip());
            }
        }
        return out;
    }

    /** Would the plug-in folder's FileInstall manage this bundle (its location is a file there)? */
    boolean isPlugin(Bundle b) {
        return pluginFile(b) != null;
    }

    private File pluginFile(Bundle b) {
        if (plugins == null || b.getBundleId() == 0) {
            return null;
        }
        String location = b.getLocation();
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        try {
            File f = new File(new URI(location).normalize());
            return plugins.equals(f.getParentFile()) ? f : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isUp(Bundle b) {
        if (isFragment(b)) {
            return (b.getState() & Bundle.RESOLVED) != 0;
        }
        return (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0;
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision r = b.adapt(BundleRevision.class);
        return r != null && (r.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0
                || b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "installed but not resolved";
            case Bundle.RESOLVED -> "resolved but not started";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.UNINSTALLED -> "uninstalled";
            default -> "active";
        };
    }

    static int parseLevel(String value) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
