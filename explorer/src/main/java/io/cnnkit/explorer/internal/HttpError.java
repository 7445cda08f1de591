package io.cnnkit.explorer.internal;

/**
 * A request the explorer refuses or cannot serve: the HTTP status, one sentence saying what
 * went wrong (naming the file, model, node or option) and a hint. The API answers it as JSON
 * {@code {"status":..,"error":..,"hint":..}}, never with a stack trace.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String hint;

    HttpError(int status, String message, String hint) {
        super(message);
        this.status = status;
        this.hint = hint == null ? "" : hint;
    }

    static HttpError badRequest(String message, String hint) {
        return new HttpError(400, message, hint);
    }

    static HttpError notFound(String message, String hint) {
        return new HttpError(404, message, hint);
    }

    static HttpError unprocessable(String message, String hint) {
        return new HttpError(422, message, hint);
    }
}
