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

    /**
     * The message and the hint, without the class name: the Gogo console prints a failed
     * command's exception as its {@code toString()}, and a user error is not a Java matter.
     */
    @Override
    public String toString() {
        return getMessage() + (hint == null ? "" : "\nhint: " + hint);
    }
}
