package io.cnnkit.launcher.shell;

/**
 * A command was used wrongly (unknown model name, missing file, bad option). The message is
 * one line; {@link #hint()} says what to do next. The CLI prints both without a stack trace.
 */
public class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String hint;

    public CommandException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    /** What to do next, or null. */
    public String hint() {
        return hint;
    }
}
