package io.cnnkit.launcher.cli;

import java.lang.reflect.InvocationTargetException;

import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.launcher.shell.CommandException;

/**
 * How a failed command is told, in both command lines: user errors (a bad model, file, option)
 * as their message and a hint, anything else as an internal error. Never a Gogo signature or
 * a Java class name for a user error.
 */
public final class Errors {
    private Errors() {
    }

    /** The exception that says what went wrong, below reflection and plain wrappers. */
    public static Throwable unwrap(Throwable e) {
        Throwable c = e;
        while ((c instanceof InvocationTargetException || c.getClass() == RuntimeException.class
                || c instanceof InternalError) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** A mistake in what the user gave (exit code 1), not a bug (exit code 2). */
    public static boolean isUserError(Throwable e) {
        return e instanceof CommandException || e instanceof ModelException || e instanceof CnnIoException
                || e instanceof IllegalArgumentException;
    }

    /**
     * What to do next. {@code shell}: the hint names shell commands (cnn:types) rather than
     * ./cnnkit ones.
     */
    public static String hint(Throwable e, boolean shell, boolean debug) {
        String types = shell ? "cnn:types" : "./cnnkit types";
        if (e instanceof CommandException ce && ce.hint() != null) {
            return ce.hint();
        }
        if (e.getClass().getSimpleName().equals("CommandNotFoundException")) {
            return shell ? "'help cnn' lists the cnnkit commands, 'help' every command"
                    : "./cnnkit help lists the commands";
        }
        if (e instanceof ModelUnavailableException) {
            return types + " lists the layer types and activations present";
        }
        if (e instanceof ModelException) {
            // The message names the closest name at most; the hint says where the full list is.
            String m = String.valueOf(e.getMessage());
            if (m.contains("unknown layer type") || m.contains("unknown activation")) {
                return types + " lists the layer types and activations present";
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
            return shell ? "'help cnn' lists the cnnkit commands" : "./cnnkit help lists the commands";
        }
        if (shell) {
            return "type 'e' for the stack trace";
        }
        return debug ? "see the stack trace below" : "run again with --debug for the stack trace";
    }

    /** The message of a failure, with "internal error" and the exception's class only for bugs. */
    public static String message(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        return isUserError(e) ? msg : "internal error: " + e.getClass().getName() + ": " + msg;
    }

    /**
     * A shell command's failure as the shell prints it: the command, the message and a hint,
     * keeping the original as its cause (for 'e'). A user error becomes a {@link CommandException};
     * anything else stays an internal error (exit code 2 in scripts), only its text is the same shape.
     */
    public static RuntimeException inShell(CommandSpec spec, Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof CommandException ce && ce.getMessage().startsWith(spec.invocation() + ": ")) {
            return ce;
        }
        String command = spec.invocation().split(" ")[0];
        String text = command + ": " + message(e);
        String hint = hint(e, true, false);
        if (!isUserError(e)) {
            return new InternalError(text, hint, e);
        }
        CommandException out = new CommandException(text, hint);
        out.initCause(e);
        return out;
    }

    /**
     * A bug behind a shell command: printed by the console as "cnn:run: internal error: ..." and a
     * hint, and unwrapped to its cause everywhere else (so it keeps counting as internal).
     */
    static final class InternalError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String hint;

        InternalError(String message, String hint, Throwable cause) {
            super(message, cause);
            this.hint = hint;
        }

        @Override
        public String toString() {
            return getMessage() + "\nhint: " + hint;
        }
    }
}
