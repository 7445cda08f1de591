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

    /**
     * A plain-text table, one line per layer: layer, status, detail; the first two columns as wide
     * as their longest entry (so long Keras names keep the columns aligned), two spaces apart.
     */
    public String format() {
        int wLayer = 0;
        int wStatus = 0;
        for (Entry e : entries) {
            wLayer = Math.max(wLayer, e.layer().length());
            wStatus = Math.max(wStatus, status(e).length());
        }
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            String line = String.format("%-" + wLayer + "s  %-" + wStatus + "s  %s", e.layer(), status(e),
                    e.detail() == null ? "" : e.detail());
            b.append(line.stripTrailing()).append('\n');
        }
        return b.toString();
    }

    private static String status(Entry e) {
        return e.status().name().toLowerCase(java.util.Locale.ROOT);
    }
}
