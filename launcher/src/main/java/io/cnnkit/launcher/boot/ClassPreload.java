package io.cnnkit.launcher.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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
 * defines, with its bundle), and written when the JVM ends; a start that replays it checks at
 * its end whether it used packages the list lacks ({@link #RERECORD_BEYOND}), and if so the next
 * start replays and records.
 */
final class ClassPreload {
    /** The preloading thread's name. */
    static final String THREAD = "cnnkit-preload";

    private ClassPreload() {
    }

    /**
     * Packages a start may use beyond its list (packages of its bundles with a class defined but
     * none listed) before the list is marked stale and the command's class-data archive deleted:
     * the next start then preloads the list and records the classes it defines besides, and the
     * archive anew. The first start of a command records both, whatever it is given: a run of a
     * one-line model leaves out jHDF, its codecs and io.image's HDF5 classes, which then load
     * without the archive and the preloading (about 40 ms of every MobileNet run). Another layer
     * type is a package or two, not worth a recording start (about a second).
     */
    static final int RERECORD_BEYOND = 3;
    /** Beside a stale list: its next start records again. */
    static final String STALE = ".stale";

    /**
     * Replays {@code list} when it exists, else records it: call after the bundles are resolved,
     * before the framework starts. A replaying start checks at its end which packages its bundles
     * defined classes in (no hook on each class: that costs every start about 10 ms), and with
     * more than {@value #RERECORD_BEYOND} missing from the list marks it stale and deletes
     * {@code archive} (the command's class-data archive; null: none); the next start replays and
     * records, writing the list with the classes it lacked.
     */
    static void start(BundleContext system, Path list, Path archive) {
        Path stale = list.resolveSibling(list.getFileName() + STALE);
        if (Files.isRegularFile(list)) {
            // read on the preloading thread; the end's check or record compares with it
            AtomicReference<List<String>> listed = new AtomicReference<>();
            // (classes, not lambdas, on a replaying start: its class-data archive was recorded by
            // a recording start, which never ran these, so their lambdas would be spun every time)
            Thread t = new Thread(THREAD) {
                @Override
                public void run() {
                    List<String> lines;
                    try {
                        lines = Files.readAllLines(list);
                    } catch (IOException | RuntimeException e) {
                        lines = List.of(); // unreadable: no preloading, and recorded again at the end
                    }
                    listed.set(lines);
                    replay(system, lines);
                }
            };
            t.setDaemon(true);
            t.start();
            if (Files.exists(stale)) {
                record(system, list, listed::get, stale);
            } else {
                Runtime.getRuntime().addShutdownHook(new Thread(THREAD + "-check") {
                    @Override
                    public void run() {
                        check(system, listed.get(), stale, archive);
                    }
                });
            }
        } else {
            record(system, list, List::of, stale);
        }
    }

    /**
     * Marks the list stale and deletes the archive when the bundles defined classes in more than
     * {@value #RERECORD_BEYOND} packages the list has none of ({@code listed} null: not read yet, nothing done).
     */
    static void check(BundleContext system, List<String> listed, Path stale, Path archive) {
        if (listed == null) {
            return;
        }
        Set<String> known = new HashSet<>();
        for (String line : listed) {
            int tab = line.indexOf('\t');
            int dot = line.lastIndexOf('.');
            if (tab > 0 && dot > tab) {
                known.add(line.substring(0, dot)); // bundle TAB package
            }
        }
        int missing = 0;
        try {
            for (Bundle b : system.getBundles()) {
                BundleWiring w = b.getBundleId() == 0 ? null : b.adapt(BundleWiring.class);
                ClassLoader l = w == null ? null : w.getClassLoader();
                if (l == null) {
                    continue;
                }
                for (Package p : l.getDefinedPackages()) {
                    if (!known.contains(b.getSymbolicName() + "\t" + p.getName())) {
                        missing++;
                    }
                }
            }
            if (missing > RERECORD_BEYOND) {
                Files.write(stale, List.of(missing + " packages used beyond the list"));
                if (archive != null) {
                    Files.deleteIfExists(archive); // the next start records it, preloading the whole list
                }
            }
        } catch (IOException | RuntimeException e) {
            // the list stays as it is
        }
    }

    static void replay(BundleContext system, List<String> lines) {
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
        for (String line : lines) {
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
    }

    /**
     * Notes the classes the bundles define from now on and, when the JVM ends, writes them to
     * {@code list} after {@code listed} (the list this start replays, empty for a first start;
     * null while not read yet: nothing written), then removes {@code stale}.
     */
    static void record(BundleContext system, Path list, Supplier<List<String>> listed, Path stale) {
        // the bundle and class only: the lines are made when the JVM ends, off the classes' definition
        List<Object[]> defined = new ArrayList<>();
        WeavingHook hook = woven -> {
            Object[] d = {woven.getBundleWiring().getBundle(), woven.getClassName()};
            synchronized (defined) {
                defined.add(d);
            }
        };
        system.registerService(WeavingHook.class, hook, null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<String> before = listed.get();
            if (before == null) {
                return;
            }
            List<String> lines = new ArrayList<>(before);
            Set<String> known = new HashSet<>(before);
            synchronized (defined) {
                for (Object[] d : defined) {
                    String line = ((Bundle) d[0]).getSymbolicName() + "\t" + d[1];
                    if (known.add(line)) {
                        lines.add(line);
                    }
                }
            }
            Path tmp = list.resolveSibling(list.getFileName() + "." + ProcessHandle.current().pid());
            try {
                Files.write(tmp, lines);
                Files.move(tmp, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(stale);
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
