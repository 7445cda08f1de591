package io.cnnkit.io.api;

/** A labels file that cannot be read as labels: the message names the file and the line or key. */
public final class LabelsException extends CnnIoException {
    private static final long serialVersionUID = 1L;
    private final String hint;

    public LabelsException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    /** What the file should look like. */
    public String hint() {
        return hint;
    }
}
