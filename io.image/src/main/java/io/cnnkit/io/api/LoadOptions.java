package io.cnnkit.io.api;

/**
 * How weights are matched to a model's layers.
 *
 * @param byName       match by layer name (Keras {@code by_name=True}); false = by order of weighted layers
 * @param skipMismatch skip layers whose weight shapes or counts differ (reported as SKIPPED_MISMATCH) instead
 *                     of failing; as in Keras only together with {@code byName}
 */
public record LoadOptions(boolean byName, boolean skipMismatch) {
    public static final LoadOptions BY_NAME = new LoadOptions(true, false);
    public static final LoadOptions BY_ORDER = new LoadOptions(false, false);
}
