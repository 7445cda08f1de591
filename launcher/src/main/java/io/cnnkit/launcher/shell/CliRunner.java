package io.cnnkit.launcher.shell;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.felix.gogo.runtime.Parser;
import org.apache.felix.gogo.runtime.Token;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.cnnkit.launcher.boot.KeptCacheMain;
import io.cnnkit.launcher.cli.Errors;

/**
 * Runs one command without an interactive shell and ends the JVM with its exit code: what
 * {@code ./cnnkit run|summary|types|...} ({@value #CLI}=true: the launcher's arguments are
 * the command line, read by {@link Cli}) and {@code ./cnnkit script FILE} ({@value #SCRIPT})
 * use. The command runs once the runtime has finished starting ({@link RuntimeReady}): final
 * start level, plug-ins installed. A failing command prints one line and a hint (the stack
 * trace only with {@value #DEBUG}=true) and exits 1 (2 for internal errors).
 */
@Component(immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class CliRunner {
    /** The command line is the launcher's arguments (the bnd launcher registers them as {@value #ARGUMENTS}). */
    static final String CLI = "cnnkit.cli";
    static final String ARGUMENTS = KeptCacheMain.ARGUMENTS;
    /** A Gogo program given as text (tests and tools; ./cnnkit passes its arguments instead). */
    static final String COMMAND = "cnnkit.cli.command";
    static final String SCRIPT = "cnnkit.cli.script";
    static final String DEBUG = "cnnkit.cli.debug";
    /** The bnd launcher's "keep the bundle cache" switch: ./cnnkit sets it for one-shot commands. */
    static final String KEEP = "launch.keep";
    /** Marks a kept cache that a command changed (see {@link CacheGuard}); ./cnnkit discards it. */
    static final String DIRTY_MARKER = KeptCacheMain.DIRTY_MARKER;
    private static final long STARTUP_TIMEOUT_MS = 60_000;
    /** How long plug-ins may take to start once the runtime's own bundles are up. */
    private static final long PLUGIN_GRACE_MS = 3_000;

    /**
     * The Gogo runtime, for scripts and programs: it starts at a level above ./cnnkit's own
     * commands, which do not use it (launcher/cnnkit.bndrun), and is bound by the time a script's
     * runtime is ready.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile CommandProcessor processor;

    @Activate
    public CliRunner(BundleContext context, @Reference ShellCommands commandsRegistered) {
        String command = context.getProperty(COMMAND);
        String script = context.getProperty(SCRIPT);
        boolean cli = Boolean.parseBoolean(context.getProperty(CLI));
        if (command == null && script == null && !cli) {
            return;
        }
        boolean debug = Boolean.parseBoolean(context.getProperty(DEBUG));
        // Not on the activating thread: this component activates at start level 2, and the
        // command must wait for the levels above it (FileInstall, the console's commands).
        // (a class, not a lambda: a bundle's lambdas are spun at their first use, which the
        // class-data archive cannot hold; a class comes from it)
        Thread t = new Thread("cnnkit cli") {
            @Override
            public void run() {
                // The process's own streams: System.out is Gogo's per-thread stream, which
                // forwards to the session's output and would loop back into itself.
                PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
                PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
                int code;
                try {
                    code = runWhenReady(context, cli ? new Cli(commandsRegistered, out, err, debug) : null,
                            command, script, debug, out, err);
                } catch (InterruptedException e) {
                    code = 2;
                }
                if (debug) {
                    StartTimes.note("done");
                    String times = StartTimes.line();
                    if (times != null) {
                        out.flush();
                        err.println(times);
                    }
                }
                out.flush();
                err.flush();
                // No orderly framework stop: the command is done and nothing else needs stopping;
                // the shutdown hooks still run (temporary files).
                System.exit(code);
            }
        };
        t.start();
    }

    private int runWhenReady(BundleContext context, Cli cli, String command, String script, boolean debug,
            PrintStream out, PrintStream err) throws InterruptedException {
        RuntimeReady runtime = new RuntimeReady(context);
        RuntimeReady.Report ready = runtime.await(STARTUP_TIMEOUT_MS, PLUGIN_GRACE_MS);
        if (!ready.ready()) {
            boolean pluginsOnly = true;
            for (String p : ready.problems()) {
                pluginsOnly &= p.startsWith("plug-in ");
            }
            if (!pluginsOnly) {
                err.println("cnnkit: the runtime did not finish starting within " + STARTUP_TIMEOUT_MS / 1000 + " s: "
                        + String.join("; ", ready.problems()));
                err.println("hint: run the command again; './cnnkit shell' and 'lb' show the bundles' states");
                return 2;
            }
            // A broken plug-in does not stop the command, but it must not pass unnoticed.
            for (String p : ready.problems()) {
                err.println("cnnkit: warning: " + p + "; the command runs without it");
            }
        }
        if (debug) {
            StartTimes.note("ready");
            StartTimes.enable();
        }
        CacheGuard guard = CacheGuard.open(context);
        boolean plugin = false;
        for (Bundle b : context.getBundles()) {
            plugin |= runtime.isPlugin(b);
        }
        if (plugin) {
            // A kept cache never holds a plug-in: a plug-in bundle taken from it came up resolved
            // but not started on the next run (its start was not recorded before the JVM ended),
            // so with plug-ins present the next command starts from a fresh cache.
            guard.mark("a plug-in is installed");
        }
        try {
            if (cli != null) {
                return cli.run(arguments(context));
            }
            CommandProcessor gogo = processor;
            if (gogo == null) {
                err.println("cnnkit: the Gogo runtime is not running, so the script cannot run");
                err.println("hint: run it with ./cnnkit script FILE (the whole runtime); './cnnkit shell' and 'lb' show"
                        + " the bundles' states");
                return 2;
            }
            return execute(gogo, command, script, debug, out, err);
        } finally {
            guard.close();
        }
    }

    /**
     * Watches a kept bundle cache (./cnnkit's one-shot commands reuse it between runs) while a
     * command runs. A command that installs, updates, uninstalls or stops a bundle or changes
     * the start level (a script's {@code stop 24}) leaves that state in the cache, and the
     * next command must not inherit it: the cache is marked, and ./cnnkit starts the next
     * command from a fresh one. Before the JVM ends, FileInstall is stopped (transiently, not
     * recorded in the cache) so that no plug-in install is half-written when it does.
     */
    static final class CacheGuard implements AutoCloseable {
        private final BundleContext context;
        private final Path marker;
        private final SynchronousBundleListener bundles;
        private final FrameworkListener framework;
        /** The framework's start level when the command began (its beginning level: the runtime was ready). */
        private final int level;

        private CacheGuard(BundleContext context, Path marker) {
            this.context = context;
            this.marker = marker;
            this.level = frameworkLevel(context);
            this.bundles = new SynchronousBundleListener() {
                @Override
                public void bundleChanged(BundleEvent e) {
                    switch (e.getType()) {
                        case BundleEvent.INSTALLED, BundleEvent.UNINSTALLED, BundleEvent.UPDATED, BundleEvent.STOPPED,
                                BundleEvent.UNRESOLVED -> mark("bundle " + e.getBundle().getSymbolicName() + " "
                                        + eventName(e.getType()));
                        default -> { } // lazy activation (STARTING, STARTED) is part of any run
                    }
                }
            };
            // Framework events come asynchronously: the start-up's own STARTLEVEL_CHANGED (the
            // beginning level reached) can arrive after the command began. Only a level other than
            // the command's first counts; a change and back stops or starts bundles, which the
            // bundle listener sees.
            this.framework = new FrameworkListener() {
                @Override
                public void frameworkEvent(FrameworkEvent e) {
                    if (e.getType() == FrameworkEvent.STARTLEVEL_CHANGED && frameworkLevel(context) != level) {
                        mark("the framework's start level changed to " + frameworkLevel(context));
                    }
                }
            };
        }

        private static int frameworkLevel(BundleContext context) {
            return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkStartLevel.class).getStartLevel();
        }

        static CacheGuard open(BundleContext context) {
            String storage = context.getProperty(Constants.FRAMEWORK_STORAGE);
            boolean kept = Boolean.parseBoolean(System.getProperty(KEEP, context.getProperty(KEEP)));
            CacheGuard g = new CacheGuard(context, kept && storage != null ? Path.of(storage, DIRTY_MARKER) : null);
            if (g.marker != null) {
                context.addBundleListener(g.bundles);
                context.addFrameworkListener(g.framework);
            }
            return g;
        }

        private static String eventName(int type) {
            return switch (type) {
                case BundleEvent.INSTALLED -> "installed";
                case BundleEvent.UNINSTALLED -> "uninstalled";
                case BundleEvent.UPDATED -> "updated";
                case BundleEvent.STOPPED -> "stopped";
                default -> "unresolved";
            };
        }

        /** Marks the cache as changed, saying why (the first reason is kept: it is the cause). */
        void mark(String why) {
            if (marker == null || Files.exists(marker)) {
                return;
            }
            try {
                Files.writeString(marker, "a command changed the installed bundles or their states: " + why + "\n");
            } catch (IOException e) {
                System.err.println("cnnkit: warning: cannot mark the bundle cache " + marker.getParent()
                        + " as changed (" + e.getMessage() + "); delete that folder before the next command");
            }
        }

        @Override
        public void close() {
            if (marker == null) {
                return;
            }
            context.removeBundleListener(bundles);
            context.removeFrameworkListener(framework);
            if (frameworkLevel(context) != level) {
                mark("the framework's start level is " + frameworkLevel(context) + ", not " + level);
            }
            for (Bundle b : context.getBundles()) {
                if ("org.apache.felix.fileinstall".equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                    try {
                        b.stop(Bundle.STOP_TRANSIENT);
                    } catch (BundleException | IllegalStateException e) {
                        mark("FileInstall did not stop"); // its watcher may be mid-install: do not trust the cache
                    }
                }
            }
            // a cache left as it was found: the next command may start on it without bnd's
            // launcher (KeptCacheMain), which would otherwise check it against cnnkit.jar
            Path kept = marker.resolveSibling(KeptCacheMain.KEPT_MARKER);
            if (!Files.exists(marker) && !Files.exists(kept)) {
                // the cache's first command: DS (ds.cache.metadata, cnnkit.bndrun) writes the
                // components' descriptions into the cache when it stops, and later commands read
                // them from there instead of every bundle's XML (about 80 ms a command); stopped
                // transiently, so the next start starts it as before
                for (Bundle b : context.getBundles()) {
                    if ("org.apache.felix.scr".equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                        try {
                            b.stop(Bundle.STOP_TRANSIENT);
                        } catch (BundleException | IllegalStateException e) {
                            // no stored descriptions: later commands read the XML, as before
                        }
                    }
                }
                // the bundles' classes read without inflating them from now on (StoredBundleJars)
                StoredBundleJars.store(marker.getParent());
                try {
                    Files.writeString(kept, "bundles installed and left unchanged by a command\n");
                } catch (IOException e) {
                    // the next command then starts through bnd's launcher, as before
                }
            }
        }
    }

    /** The command line the launcher was started with (./cnnkit passes its arguments unchanged). */
    static List<String> arguments(BundleContext context) {
        try {
            for (ServiceReference<?> r : context.getServiceReferences((String) null, "(" + ARGUMENTS + "=*)")) {
                if (r.getProperty(ARGUMENTS) instanceof String[] args) {
                    return List.of(args);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.of();
    }

    /**
     * Runs a program (or a script file's) in a new session, one statement at a time, printing
     * every statement's result as the shell does; stops at the first failure, naming the script
     * line. Returns the exit code.
     */
    static int execute(CommandProcessor processor, String command, String script, boolean debug, PrintStream out,
            PrintStream err) {
        String where = "";
        try (CommandSession session = processor.createSession(System.in, out, err)) {
            String program = command;
            if (script != null) {
                Path file = Path.of(script);
                try {
                    program = Files.readString(file);
                } catch (IOException e) {
                    err.println("cnnkit: cannot read script " + file + ": " + e.getMessage());
                    return 1;
                }
                session.put("0", file.toString());
            }
            where = script != null ? "script " + Path.of(script).getFileName() + ": " : "";
            List<Parser.Executable> statements = new Parser(program).program().tokens(); // a syntax error: Gogo says where
            for (Parser.Executable statement : statements) {
                Token t = (Token) statement;
                where = script != null ? "script " + Path.of(script).getFileName() + " line " + (t.line() + 1) + ": " : "";
                Object result = session.execute(t.toString());
                if (result != null) {
                    CharSequence text = session.format(result, Converter.INSPECT);
                    if (text != null && text.length() > 0) {
                        out.println(text.toString().stripTrailing());
                    }
                }
            }
            return 0;
        } catch (Throwable e) {
            Throwable cause = Errors.unwrap(e);
            // Multi-line messages keep their lines: a parse error's caret sits under its column.
            err.println("cnnkit: " + where + Errors.message(cause));
            err.println("hint: " + Errors.hint(cause, false, debug));
            if (debug) {
                cause.printStackTrace(err);
            }
            return Errors.isUserError(cause) ? 1 : 2;
        }
    }
}
