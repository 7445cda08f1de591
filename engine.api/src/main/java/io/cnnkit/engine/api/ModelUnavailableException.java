package io.cnnkit.engine.api;

import java.util.Set;

/**
 * A run was asked of a model while a service it needs (a layer type or an activation)
 * is not present; the model works again when the service returns.
 */
public class ModelUnavailableException extends ModelException {
    private static final long serialVersionUID = 1L;
    private final Set<String> missing;

    public ModelUnavailableException(String model, Set<String> missing) {
        super("model '" + model + "' is unavailable: missing " + String.join(", ", missing)
                + " (install or start the bundle that provides it; the model recovers by itself)");
        this.missing = Set.copyOf(missing);
    }

    /** The missing services, e.g. {@code layer type conv2d} or {@code activation relu}. */
    public Set<String> missing() {
        return missing;
    }
}
