package io.cnnkit.launcher.shell;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;

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
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.io.api.CnnIoException;

/**
 * Runs one Gogo program without an interactive shell and ends the JVM with its exit code:
 * what {@code ./cnnkit run|summary|types|...} and {@code ./cnnkit script FILE} use. Active
 * only when the framework property {@value #COMMAND} (a Gogo command line) or
 * {@value #SCRIPT} (a Gogo script file) is set. The program runs once the runtime has
 * finished starting ({@link RuntimeReady}): final start level, plug-ins installed. A failing
 * command prints one line and a hint (the stack trace only with {@value #DEBUG}=true) and
 * exits 1 (2 for internal errors).
 */
@Component(immediate = true)
public final class CliRunner {
    static final String COMMAND = "cnnkit.cli.command";
    static final String SCRIPT = "cnnkit.cli.script";
    static final String DEBUG = "cnnkit.cli.debug";
    /** The bnd launcher's "keep the bundle cache" switch: ./cnnkit sets it for one-shot commands. */
    static final String KEEP = "launch.keep";
    /** Marks a kept cache that a command changed (see {@link CacheGuard}); ./cnnkit discards it. */
    static final String DIRTY_MARKER = "cnnkit-dirty";
    private static final long STARTUP_TIMEOUT_MS = 60_000;
    /** How long plug-ins may take to start once the runtime's own bundles are up. */
    private static final long PLUGIN_GRACE_MS = 3_000;

    @Activate
    public CliRunner(BundleContext context, @Reference CommandProcessor processor,
            @Reference ShellCommands commandsRegistered) {
        String command = context.getProperty(COMMAND);
        String script = context.getProperty(SCRIPT);
        if (command == null && script == null) {
            return;
        }
        boolean debug = Boolean.parseBoolean(context.getProperty(DEBUG));
        // Not on the activating thread: this component activates at start level 2, and the
        // command must wait for the levels above it (FileInstall, the console's commands).
        Thread t = new Thread(() -> {
            // The process's own streams: System.out is Gogo's per-thread stream, which
            // forwards to the session's output and would loop back into itself.
            PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
            PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
            int code;
            try {
                code = runWhenReady(context, processor, command, script, debug, out, err);
            } catch (InterruptedException e) {
                code = 2;
            }
            out.flush();
            err.flush();
            // No orderly framework stop: the command is done and nothing else needs stopping;
            // the shutdown hooks still run (temporary files).
            System.exit(code);
        }, "cnnkit cli");
        t.start();
    }

    private static int runWhenReady(BundleContext context, CommandProcessor processor, String command, String script,
            boolean debug, PrintStream out, PrintStream err) throws InterruptedException {
        RuntimeReady runtime = new RuntimeReady(context);
        RuntimeReady.Report ready = runtime.await(STARTUP_TIMEOUT_MS, PLUGIN_GRACE_MS);
        if (!ready.ready()) {
            boolean pluginsOnly = ready.problems().stream().allMatch(p -> p.startsWith("plug-in "));
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
        CacheGuard guard = CacheGuard.open(context);
        if (java.util.Arrays.stream(context.getBundles()).anyMatch(runtime::isPlugin)) {
            // A kept cache never holds a plug-in: a plug-in bundle taken from it came up resolved
            // but not started on the next run (its start was not recorded before the JVM ended),
            // so with plug-ins present the next command starts from a fresh cache.
            guard.mark();
        }
        try {
            return execute(processor, command, script, debug, out, err);
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

        private CacheGuard(BundleContext context, Path marker) {
            this.context = context;
            this.marker = marker;
            this.bundles = e -> {
                switch (e.getType()) {
                    case BundleEvent.INSTALLED, BundleEvent.UNINSTALLED, BundleEvent.UPDATED, BundleEvent.STOPPED,
                            BundleEvent.UNRESOLVED -> mark();
                    default -> { } // lazy activation (STARTING, STARTED) is part of any run
                }
            };
            this.framework = e -> {
                if (e.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                    mark();
                }
            };
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

        void mark() {
            if (marker == null) {
                return;
            }
            try {
                Files.writeString(marker, "a command changed the installed bundles or their states\n");
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
            for (Bundle b : context.getBundles()) {
                if ("org.apache.felix.fileinstall".equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                    try {
                        b.stop(Bundle.STOP_TRANSIENT);
                    } catch (BundleException | IllegalStateException e) {
                        mark(); // its watcher may be mid-install: do not trust the cache
                    }
                }
            }
        }
    }

    /** Runs the program in a new session; returns the exit code. */
    static int execute(CommandProcessor processor, String command, String script, boolean debug, PrintStream out,
            PrintStream err) {
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
            Object result = session.execute(program);
            if (result != null) {
                CharSequence text = session.format(result, Converter.INSPECT);
                if (text != null && text.length() > 0) {
                    out.println(text.toString().stripTrailing());
                }
            }
            return 0;
        } catch (Throwable e) {
            Throwable cause = unwrap(e);
            boolean user = isUserError(cause);
            String msg = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            // Multi-line messages keep their lines: a parse error's caret sits under its column.
            err.println("cnnkit: " + (user ? "" : "internal error: " + cause.getClass().getName() + ": ")
                    + msg.strip());
            err.println("hint: " + hint(cause, debug));
            if (debug) {
                cause.printStackTrace(err);
            }
            return user ? 1 : 2;
        }
    }

    static Throwable unwrap(Throwable e) {
        Throwable c = e;
        while ((c instanceof InvocationTargetException || c.getClass() == RuntimeException.class)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static boolean isUserError(Throwable e) {
        return e instanceof CommandException || e instanceof ModelException || e instanceof CnnIoException
                || e instanceof IllegalArgumentException;
    }

    static String hint(Throwable e, boolean debug) {
        if (e instanceof CommandException ce && ce.hint() != null) {
            return ce.hint();
        }
        if (e.getClass().getSimpleName().equals("CommandNotFoundException")) {
            return "./cnnkit help lists the commands; in the shell, 'help' lists every Gogo command";
        }
        if (e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).startsWith("Cannot coerce")) {
            return "wrong arguments; ./cnnkit help COMMAND shows the usage";
        }
        if (e instanceof ModelUnavailableException) {
            return "./cnnkit types lists the layer types and activations present";
        }
        if (e instanceof ModelException) {
            // The message names the closest name at most; the hint says where the full list is.
            String m = String.valueOf(e.getMessage());
            if (m.contains("unknown layer type") || m.contains("unknown activation")) {
                return "./cnnkit types lists the layer types and activations present";
            }
            if (m.contains("unknown initializer")) {
                return "README.md, \"Layers and activations\", lists the initializers";
            }
            if (m.contains("unknown parameter")) {
                return "parameter names follow the arguments of the layer's Keras class";
            }
            return "check the model description (parameter names follow Keras)";
        }
        if (e instanceof CnnIoException) {
            return "check the file named above";
        }
        if (isUserError(e)) {
            return "./cnnkit help COMMAND shows the usage";
        }
        return debug ? "see the stack trace below" : "run again with --debug for the stack trace";
    }
}
