package io.cnnkit.io.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The highest-scoring classes of one model output: what {@code run} prints after its stage
 * table and report.html lists ({@link Reports#writeTrace(String, List, io.cnnkit.engine.api.Summary,
 * java.nio.file.Path, boolean, PictureOptions, List)}). Both print {@link #lines()}.
 *
 * @param output        the output's node name
 * @param reading       how to read the values, printed in brackets after the heading (e.g.
 *                      "softmax", "raw scores: the last layer is not a softmax or sigmoid"); when
 *                      {@code classes} is empty, why top-K does not apply to this output
 * @param probabilities whether the values are probabilities (printed with 3 decimals, as 0.903)
 *                      or raw scores (4 significant digits)
 * @param classes       best first; empty when top-K does not apply to this output
 * @since 1.2
 */
public record TopClasses(String output, String reading, boolean probabilities, List<Ranked> classes) {
    public TopClasses {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(reading, "reading");
        classes = List.copyOf(classes);
    }

    /**
     * One class of the list.
     *
     * @param rank  1 for the best
     * @param index the class index in the output (0-based)
     * @param label its label, or the index as text when no labels were given
     * @param value its probability or score
     */
    public record Ranked(int rank, int index, String label, double value) {
        public Ranked {
            Objects.requireNonNull(label, "label");
        }
    }

    /** Whether the output had one score per class (else {@link #reading()} says why not). */
    public boolean applies() {
        return !classes.isEmpty();
    }

    /** "top 2 of dense (softmax):", or "top-K of conv2d: does not apply ..." when it does not apply. */
    public String heading() {
        if (!applies()) {
            return "top-K of " + output + ": " + reading;
        }
        return "top " + classes.size() + " of " + output + " (" + reading + "):";
    }

    /** A value as printed: 3 decimals for a probability, 4 significant digits for a raw score. */
    public String value(Ranked r) {
        return String.format(Locale.ROOT, probabilities ? "%.3f" : "%.4g", r.value());
    }

    /** One class as printed, rank first: {@code "  1. person  0.903"}. */
    public String line(Ranked r) {
        return String.format(Locale.ROOT, "%3d. %s  %s", r.rank(), r.label(), value(r));
    }

    /** The heading, then one line per class. */
    public List<String> lines() {
        List<String> out = new ArrayList<>(classes.size() + 1);
        out.add(heading());
        for (Ranked r : classes) {
            out.add(line(r));
        }
        return out;
    }
}
