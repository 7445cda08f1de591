package io.cnnkit.launcher.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The packages a lean slot's system bundle exports: the framework's own and those of the JVM
 * its bundles import, recorded in the slot by its first lean start, which the framework gives
 * all of the JVM's (248 packages on JDK 17, each parsed into a capability and indexed on every
 * start: about 10 ms of a command). Used only while nothing can import others: no jar in the
 * plug-in folder (a kept slot never holds a plug-in, and a plug-in FileInstall would install
 * may import any of the JVM's packages) and the same Java (another may have other packages).
 * A start that then leaves one of its bundles unresolved is retried on a fresh cache
 * ({@link KeptCacheMain}).
 */
final class SystemPackages {
    /** The slot's file: the Java version on its first line, the export clauses on its second. */
    static final String FILE = "cnnkit-system-packages";

    private SystemPackages() {
    }

    /** The recorded clauses for this Java, or null: none recorded, another Java, plug-ins present, unreadable. */
    static String read(Path slot, String plugins) {
        if (hasJars(plugins)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(slot.resolve(FILE), StandardCharsets.UTF_8);
            return lines.size() == 2 && lines.get(0).equals(javaLine()) && !lines.get(1).isBlank() ? lines.get(1) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Records the system bundle's export clauses that the resolved bundles are wired to, and the
     * framework's own ({@code org.osgi.}), leaving out {@code extra}'s packages (configured on
     * their own, {@code org.osgi.framework.system.packages.extra}). Nothing when plug-ins are present.
     */
    static void record(Framework framework, Path slot, String plugins, String extra) {
        if (hasJars(plugins)) {
            return;
        }
        Set<String> wired = new HashSet<>();
        for (Bundle b : framework.getBundleContext().getBundles()) {
            BundleWiring w = b.getBundleId() == 0 ? null : b.adapt(BundleWiring.class);
            if (w == null) {
                continue;
            }
            for (BundleWire wire : w.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (wire.getProvider().getBundle().getBundleId() == 0) {
                    wired.add((String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE));
                }
            }
        }
        Set<String> extras = new HashSet<>();
        for (String c : clauses(extra == null ? "" : extra)) {
            extras.add(packageOf(c));
        }
        List<String> kept = new ArrayList<>();
        for (String c : clauses(framework.getHeaders("").get(Constants.EXPORT_PACKAGE))) {
            String p = packageOf(c);
            if (!extras.contains(p) && (wired.contains(p) || p.startsWith("org.osgi."))) {
                kept.add(c);
            }
        }
        Path file = slot.resolve(FILE);
        Path tmp = slot.resolve(FILE + "." + ProcessHandle.current().pid());
        try {
            Files.write(tmp, List.of(javaLine(), String.join(",", kept)), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next lean start records it again
            }
        }
    }

    /** A header's clauses: split at the commas outside quotes ({@code uses:="a,b"}). */
    static List<String> clauses(String header) {
        List<String> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                add(out, header.substring(from, i));
                from = i + 1;
            }
        }
        add(out, header.substring(from));
        return out;
    }

    private static void add(List<String> out, String clause) {
        String c = clause.trim();
        if (!c.isEmpty()) {
            out.add(c);
        }
    }

    /** A clause's package (its first path; an export clause may name several, which the framework splits too). */
    static String packageOf(String clause) {
        int semi = clause.indexOf(';');
        return (semi < 0 ? clause : clause.substring(0, semi)).trim();
    }

    private static String javaLine() {
        // the property Runtime.version() parses: its toString() was the start's first lambda (streams)
        return "java " + System.getProperty("java.runtime.version");
    }

    private static boolean hasJars(String plugins) {
        if (plugins == null) {
            return false;
        }
        Path dir = Path.of(plugins);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        // names compared here: a glob is a regular expression compiled on the start's main thread
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (p.getFileName().toString().endsWith(".jar")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return true; // unknown: as if there were some
        }
    }
}
