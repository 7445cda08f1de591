package io.cnnkit.io.api;

/** A file could not be read or written; the message names the file and the problem. */
public class CnnIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CnnIoException(String message) {
        super(message);
    }

    public CnnIoException(String message, Throwable cause) {
        super(message, cause);
    }
}
