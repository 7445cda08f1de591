package io.cnnkit.engine.api;

/**
 * A model description, build or weight problem a user can fix: the message names the
 * layer (position, name, type), the parameter and the reason.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
