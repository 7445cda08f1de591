package io.cnnkit.launcher.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * Starts the exported runtime on a bundle cache that an earlier start of {@code cnnkit.jar}'s own
 * launcher (bnd's) filled and a command then left unchanged (the slot's {@value #KEPT_MARKER}
 * file, written by the launcher bundle): the framework reads the installed bundles, their start
 * levels and states from the cache, so nothing is extracted, compared or installed. ./cnnkit's
 * one-shot commands use it from their second run in a slot on; about 0.15 s less per command on
 * this project's VMs than bnd's launcher, which extracts its class path from cnnkit.jar into
 * temporary files and checks every embedded bundle on each start. Runs on the application class
 * path (the framework jar beside it), so the JVM's class-data archive covers the framework too.
 *
 * <p>The framework gets what bnd's launcher gives it: cnnkit.jar's {@code launcher.properties}
 * (its {@code launch.*} keys are the launcher's own), the runtime's system packages, the storage
 * folder, and the launcher's arguments as the {@value #ARGUMENTS} service property the command
 * line bundle reads. When the cache does not open, the slot is marked changed and the JVM ends
 * with {@value #CACHE_UNUSABLE} before any command ran: ./cnnkit runs the command again on a
 * fresh cache through bnd's launcher.
 *
 * <p>System properties: {@code cnnkit.jar} (the exported jar), {@code launch.storage.dir} (the slot),
 * optionally {@value #CLASS_LIST} and {@value #CLASS_ARCHIVE} (the command's list of bundle classes
 * to preload or record, and its class-data archive), {@value #LEAN} (a lean slot: bundles above
 * the start level uninstalled, the system packages recorded, {@link SystemPackages}) and
 * {@code cnnkit.cli.debug} (the moments {@value #TIME}* noted for --debug's times).
 */
public final class KeptCacheMain {
    /** Written into a slot by a command that left the cache as it found it. */
    public static final String KEPT_MARKER = "cnnkit-kept";
    /** Written into a slot whose bundles or states a command changed (./cnnkit then discards it). */
    public static final String DIRTY_MARKER = "cnnkit-dirty";
    /** The service property holding the launcher's arguments (as bnd's launcher registers them). */
    public static final String ARGUMENTS = "launcher.arguments";
    /** The exit code when the cache did not open, before any command ran (./cnnkit then retries on a fresh one). */
    public static final int CACHE_UNUSABLE = 75;
    /**
     * The system property naming the command's list of bundle classes ({@link ClassPreload}):
     * loaded ahead of need when the file exists, else recorded into it.
     */
    public static final String CLASS_LIST = "cnnkit.classlist";
    /**
     * The system property naming the command's class-data archive (./cnnkit's), deleted with a
     * class list that lacked many of the classes a start defined, to be recorded anew.
     */
    public static final String CLASS_ARCHIVE = "cnnkit.classarchive";
    /**
     * The system property ({@code true}) of a slot kept for one-shot commands below the runtime's
     * own level only: the bundles those leave unresolved are uninstalled from it.
     */
    public static final String LEAN = "cnnkit.lean";
    /**
     * The prefix of the system properties noting when a start reached its steps (epoch
     * milliseconds), with {@code --debug} only (./cnnkit's {@code cnnkit.cli.debug}): the
     * launcher bundle prints the times between them after the command.
     */
    public static final String TIME = "cnnkit.time.";
    /** Moments noted under {@link #TIME}: main reached, framework created, bundles read from the cache, resolved. */
    public static final String MAIN_REACHED = "main";
    public static final String FRAMEWORK_CREATED = "framework";
    public static final String BUNDLES_READ = "read";
    public static final String BUNDLES_RESOLVED = "resolved";
    private static final boolean NOTE_TIMES = Boolean.getBoolean("cnnkit.cli.debug");
    /** The bundle that runs the command (io.cnnkit.launcher.shell.CliRunner). */
    static final String LAUNCHER_BUNDLE = "io.cnnkit.launcher";
    /** FileInstall's plug-in folder (./cnnkit's {@code plugins}). */
    static final String FILEINSTALL_DIR = "felix.fileinstall.dir";
    /** The framework on the class path: the one cnnkit.bndrun runs (-runfw). */
    static final String FELIX_FACTORY = "org.apache.felix.framework.FrameworkFactory";

    private KeptCacheMain() {
    }

    public static void main(String[] args) {
        note(MAIN_REACHED);
        JdkWarmup.start();
        String jar = System.getProperty("cnnkit.jar");
        String storage = System.getProperty("launch.storage.dir");
        if (jar == null || storage == null) {
            System.err.println("cnnkit: KeptCacheMain needs -Dcnnkit.jar=JAR and -Dlaunch.storage.dir=SLOT");
            System.exit(2);
        }
        Framework framework;
        try {
            framework = start(Path.of(jar), Path.of(storage), args);
        } catch (CommandBundleUnresolved e) {
            // a fresh cache would not help (the same bundles, the same options): say why and end,
            // rather than wait for a command nothing would run
            System.err.println("cnnkit: the runtime's command bundle " + LAUNCHER_BUNDLE + " does not resolve: "
                    + e.getMessage());
            System.err.println("hint: check CNNKIT_JAVA_OPTS (e.g. org.osgi.framework.system.packages); './cnnkit shell'"
                    + " and 'lb' show the bundles' states");
            System.exit(2);
            return;
        } catch (Exception | LinkageError e) {
            // nothing of the command has run: ./cnnkit runs it again on a fresh cache
            markChanged(Path.of(storage), "the kept cache did not start: " + e);
            System.err.println("cnnkit: warning: the runtime's kept bundle cache " + storage + " did not open (" + e
                    + "); the command runs on a fresh one");
            System.exit(CACHE_UNUSABLE);
            return;
        }
        try {
            // the command ends the JVM itself (System.exit); a framework stopped otherwise (a
            // script's 'stop 0') is a normal end, as with bnd's launcher
            FrameworkEvent end = framework.waitForStop(0);
            System.exit(end.getType() == FrameworkEvent.ERROR ? 2 : 0);
        } catch (InterruptedException e) {
            System.exit(2);
        }
    }

    static Framework start(Path jar, Path storage, String[] args) throws Exception {
        Properties launch = new Properties();
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            ZipEntry e = j.getEntry("launcher.properties");
            if (e == null) {
                throw new IOException(jar + " has no launcher.properties: is it cnnkit's exported runtime?");
            }
            try (InputStream in = j.getInputStream(e)) {
                launch.load(in);
            }
        }
        Map<String, String> config = new HashMap<>();
        for (String k : launch.stringPropertyNames()) {
            if (!k.startsWith("launch.")) {
                config.put(k, launch.getProperty(k));
            }
        }
        // the run path's packages (jline) are exported by the system bundle, as bnd's launcher does
        String runPath = launch.getProperty("launch.system.packages", "");
        String extra = config.getOrDefault(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "");
        if (!runPath.isEmpty()) {
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, extra.isEmpty() ? runPath : extra + "," + runPath);
        }
        // -D values (the command's start level, FileInstall's folder...) win, as with bnd's launcher
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("org.osgi.") || k.startsWith("felix.")) {
                config.put(k, System.getProperty(k));
            }
        }
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.remove(Constants.FRAMEWORK_STORAGE_CLEAN);
        // A lean slot's system bundle exports only the packages its bundles import (recorded by
        // its first lean start), unless the command line names the system packages itself
        boolean lean = Boolean.getBoolean(LEAN);
        String plugins = config.get(FILEINSTALL_DIR);
        String trimmed = lean && !config.containsKey(Constants.FRAMEWORK_SYSTEMPACKAGES)
                ? SystemPackages.read(storage, plugins) : null;
        if (trimmed != null) {
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES, trimmed);
        }
        // Felix's factory by name: felix.jar is on the class path (./cnnkit puts it there), and a
        // ServiceLoader lookup would scan every jar on it first (about 10 ms of a command)
        FrameworkFactory factory = (FrameworkFactory) Class.forName(FELIX_FACTORY).getConstructor().newInstance();
        Framework framework = factory.newFramework(config);
        note(FRAMEWORK_CREATED);
        framework.init();
        note(BUNDLES_READ);
        if (framework.getBundleContext().getBundles().length < 2) {
            throw new IllegalStateException("the cache holds no bundles");
        }
        // The bundles resolved in one pass before any starts: left to the start, Felix would resolve
        // them one by one as it reaches them, some 50 passes (about 30 ms more). A one-shot command
        // that starts the framework below the runtime's own level (-D...startlevel.beginning)
        // resolves only the bundles up to its level and what they need (level 3 leaves Jetty, the
        // explorer and Gogo's commands unresolved: about 10 ms less); a bundle above is resolved
        // if the level is raised (./cnnkit serve). Otherwise all, as bnd's launcher leaves them
        // (the same states in 'lb' whichever launcher started a script).
        String beginning = Constants.FRAMEWORK_BEGINNING_STARTLEVEL;
        List<Bundle> needed = upToLevel(framework, launch.getProperty(beginning), config.get(beginning));
        boolean resolved = framework.adapt(FrameworkWiring.class).resolveBundles(needed);
        if (!resolved && trimmed == null) {
            checkCommandBundle(framework);
        }
        if (needed != null && lean) {
            if (trimmed != null && !resolved) {
                // (the recorded packages no longer do: the command runs on a fresh cache instead)
                throw new IllegalStateException("a bundle did not resolve with the packages recorded in "
                        + storage.resolve(SystemPackages.FILE));
            }
            uninstallUnneeded(framework, Integer.parseInt(config.get(beginning)));
            if (trimmed == null && resolved && !config.containsKey(Constants.FRAMEWORK_SYSTEMPACKAGES)) {
                SystemPackages.record(framework, storage, plugins, config.get(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA));
            }
        }
        note(BUNDLES_RESOLVED);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ARGUMENTS, args.clone());
        framework.getBundleContext().registerService(Object.class, new Object(), p);
        String classes = System.getProperty(CLASS_LIST);
        if (classes != null) {
            String archive = System.getProperty(CLASS_ARCHIVE);
            ClassPreload.start(framework.getBundleContext(), Path.of(classes), archive == null ? null : Path.of(archive));
        }
        framework.start();
        return framework;
    }

    /** Thrown when the bundle that runs the command does not resolve: nothing would run it. */
    static final class CommandBundleUnresolved extends Exception {
        private static final long serialVersionUID = 1L;

        CommandBundleUnresolved(String missing) {
            super(missing);
        }
    }

    /** Throws when {@value #LAUNCHER_BUNDLE} is installed but unresolved, naming the requirements nothing provides. */
    static void checkCommandBundle(Framework framework) throws CommandBundleUnresolved {
        FrameworkWiring wiring = framework.adapt(FrameworkWiring.class);
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (LAUNCHER_BUNDLE.equals(b.getSymbolicName()) && b.getState() == Bundle.INSTALLED) {
                List<String> missing = new ArrayList<>();
                for (Requirement r : b.adapt(BundleRevision.class).getRequirements(null)) {
                    boolean optional = Namespace.RESOLUTION_OPTIONAL.equals(r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
                    if (!optional && wiring.findProviders(r).isEmpty()) {
                        missing.add(r.getNamespace() + " " + r.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
                    }
                }
                throw new CommandBundleUnresolved(missing.isEmpty() ? "its requirements conflict (uses constraints)"
                        : "nothing provides " + String.join(", ", missing));
            }
        }
    }

    /**
     * Uninstalls the bundles above {@code level} that a start to it left unresolved: none of the
     * bundles up to that level needs them (Jetty, the explorer, Gogo's commands and console), and
     * the framework would read each from the cache on every start. Only for a slot that serves
     * such starts alone ({@value #LEAN}: ./cnnkit keeps these apart from the slots of scripts and
     * {@code serve}); before the framework starts, so the command finds the slot as it leaves it.
     */
    static void uninstallUnneeded(Framework framework, int level) throws BundleException {
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (b.getBundleId() != 0 && b.getState() == Bundle.INSTALLED
                    && b.adapt(BundleStartLevel.class).getStartLevel() > level) {
                b.uninstall();
            }
        }
    }

    /** The bundles a start to {@code level} needs, or null (all) when it is not below the runtime's own level. */
    static List<Bundle> upToLevel(Framework framework, String runtimeLevel, String level) {
        if (level == null || runtimeLevel == null || Integer.parseInt(level) >= Integer.parseInt(runtimeLevel)) {
            return null;
        }
        int top = Integer.parseInt(level);
        List<Bundle> needed = new ArrayList<>();
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (b.getBundleId() != 0 && b.adapt(BundleStartLevel.class).getStartLevel() <= top) {
                needed.add(b);
            }
        }
        return needed;
    }

    private static void note(String moment) {
        if (NOTE_TIMES) {
            System.setProperty(TIME + moment, Long.toString(System.currentTimeMillis()));
        }
    }

    private static void markChanged(Path storage, String why) {
        try {
            Files.writeString(storage.resolve(DIRTY_MARKER), why + "\n");
        } catch (IOException | RuntimeException e) {
            // the next command then fails the same way, and says so
        }
    }
}
