package io.cnnkit.launcher.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The bundle classes a kept start of a command loaded, loaded again ahead of need by the next
 * start of that command: a second thread goes through the list in the order the classes were
 * defined while the framework starts its bundles and the command runs, so the threads that use
 * the classes mostly find them loaded. Loading a bundle class means Felix's search through the
 * bundle's wires, reading and inflating its bytes from the bundle's jar and defining it (from
 * the class-data archive): about a fifth of a one-shot command's time on the command and
 * start-level threads, on one core while the second had little to do.
 *
 * <p>Only loads (no static initialiser runs on the preloading thread, so no initialisation order
 * changes). A class that is gone, or from a bundle that is not resolved or activates lazily (a
 * class load would start it), is skipped: the list is a hint. The list is recorded by a start
 * that has none, through a weaving hook that changes nothing (it sees every class a bundle
 * defines, with its bundle), and written when the JVM ends.
 */
final class ClassPreload {
    /** The preloading thread's name. */
    static final String THREAD = "cnnkit-preload";

    private ClassPreload() {
    }

    /** Replays {@code list} when it exists, else records it: call after the bundles are resolved, before the framework starts. */
    static void start(BundleContext system, Path list) {
        if (Files.isRegularFile(list)) {
            Thread t = new Thread(() -> replay(system, list), THREAD);
            t.setDaemon(true);
            t.start();
        } else {
            record(system, list);
        }
    }

    static void replay(BundleContext system, Path list) {
        Map<String, ClassLoader> loaders = new HashMap<>();
        for (Bundle b : system.getBundles()) {
            String policy = b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
            BundleWiring w = b.getBundleId() == 0 || b.getSymbolicName() == null
                    || (policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY))
                    ? null : b.adapt(BundleWiring.class);
            ClassLoader l = w == null ? null : w.getClassLoader();
            if (l != null) {
                loaders.putIfAbsent(b.getSymbolicName(), l);
            }
        }
        try (BufferedReader r = Files.newBufferedReader(list)) {
            for (String line; (line = r.readLine()) != null;) {
                int tab = line.indexOf('\t');
                ClassLoader l = tab < 0 ? null : loaders.get(line.substring(0, tab));
                if (l != null) {
                    try {
                        l.loadClass(line.substring(tab + 1));
                    } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                        // a hint only: the command loads what it needs itself, and reports what fails
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // as above: an unreadable list only means no preloading
        }
    }

    static void record(BundleContext system, Path list) {
        List<String> defined = new ArrayList<>();
        WeavingHook hook = woven -> {
            String line = woven.getBundleWiring().getBundle().getSymbolicName() + "\t" + woven.getClassName();
            synchronized (defined) {
                defined.add(line);
            }
        };
        system.registerService(WeavingHook.class, hook, null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<String> lines;
            synchronized (defined) {
                lines = new ArrayList<>(defined);
            }
            Path tmp = list.resolveSibling(list.getFileName() + "." + ProcessHandle.current().pid());
            try {
                Files.write(tmp, lines);
                Files.move(tmp, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the next start records again
                }
            }
        }, THREAD + "-record"));
    }
}
