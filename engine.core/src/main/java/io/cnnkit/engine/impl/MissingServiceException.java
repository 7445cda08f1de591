package io.cnnkit.engine.impl;

import io.cnnkit.engine.api.ModelException;

/** A description needs a layer type or activation that no service provides now. */
final class MissingServiceException extends ModelException {
    private static final long serialVersionUID = 1L;
    private final String dependency;

    MissingServiceException(String message, String dependency) {
        super(message);
        this.dependency = dependency;
    }

    /** e.g. {@code layer type conv2d}. */
    String dependency() {
        return dependency;
    }
}
