package io.cnnkit.io.api;

import java.util.List;

/** What a weight load did, layer by layer. */
public record LoadReport(String file, List<Entry> entries) {
    public enum Status {
        /** weights set from the file */
        LOADED,
        /** the file has no weights for this layer: left alone */
        ABSENT,
        /** shapes differ and skip_mismatch was set: left alone, with a warning */
        SKIPPED_MISMATCH,
        /** a weightless layer (pooling, activation, ...) */
        NO_WEIGHTS
    }

    /** One model layer: what happened and why (e.g. shapes). */
    public record Entry(String layer, Status status, String detail) {
    }

    public long count(Status s) {
        return entries.stream().filter(e -> e.status() == s).count();
    }

    /** A plain-text table, one line per layer. */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            b.append(String.format("%-24s %-16s %s%n", e.layer(), e.status().name().toLowerCase(java.util.Locale.ROOT),
                    e.detail() == null ? "" : e.detail()));
        }
        return b.toString();
    }
}
