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
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
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
 * {@value #SCRIPT} (a Gogo script file) is set. A failing command prints one line and a
 * hint (the stack trace only with {@value #DEBUG}=true) and exits 1 (2 for internal errors).
 */
@Component(immediate = true)
public final class CliRunner {
    static final String COMMAND = "cnnkit.cli.command";
    static final String SCRIPT = "cnnkit.cli.script";
    static final String DEBUG = "cnnkit.cli.debug";
    private static final long STARTUP_TIMEOUT_MS = 30_000;

    @Activate
    public CliRunner(BundleContext context, @Reference CommandProcessor processor,
            @Reference ShellCommands commandsRegistered) {
        String command = context.getProperty(COMMAND);
        String script = context.getProperty(SCRIPT);
        if (command == null && script == null) {
            return;
        }
        boolean debug = Boolean.parseBoolean(context.getProperty(DEBUG));
        // Not on the activating thread: System.exit runs the launcher's shutdown hook, which
        // stops the framework and would wait for this component's activation to finish.
        Thread t = new Thread(() -> {
            awaitStartup(context);
            // The process's own streams: System.out is Gogo's per-thread stream, which
            // forwards to the session's output and would loop back into itself.
            PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
            PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
            int code = execute(processor, command, script, debug, out, err);
            out.flush();
            err.flush();
            System.exit(code);
        }, "cnnkit cli");
        t.start();
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
            String m = String.valueOf(e.getMessage());
            return m.contains("unknown layer type") || m.contains("activation")
                    ? "./cnnkit types lists the layer types and activations present"
                    : "check the model description (parameter names follow Keras)";
        }
        if (e instanceof CnnIoException) {
            return "check the file named above";
        }
        if (isUserError(e)) {
            return "./cnnkit help COMMAND shows the usage";
        }
        return debug ? "see the stack trace below" : "run again with --debug for the stack trace";
    }

    /** Waits until the launcher has started every bundle that is to start (lazy ones count when STARTING). */
    static void awaitStartup(BundleContext context) {
        long end = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        Bundle system = context.getBundle(0);
        while (System.currentTimeMillis() < end) {
            if (system.getState() == Bundle.ACTIVE && allStarted(context)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean allStarted(BundleContext context) {
        int level = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle b : context.getBundles()) {
            BundleStartLevel bsl = b.adapt(BundleStartLevel.class);
            if (bsl == null || b.getBundleId() == 0 || b.getHeaders().get("Fragment-Host") != null) {
                continue;
            }
            if (bsl.isPersistentlyStarted() && bsl.getStartLevel() <= level
                    && (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
                return false;
            }
        }
        return true;
    }
}
