package io.cnnkit.io.api;

import java.nio.file.Path;
import java.util.List;

import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.io.image.ReportWriter;

/** The output folder of a traced run: one picture per stage, report.html, optional .npy files. */
public final class Reports {
    private Reports() {
    }

    /**
     * Writes pictures, report.html and (when {@code npy}) {@code NN_<layer>.npy} for every
     * stage into {@code dir}, through a temporary folder moved into place at the end, so a
     * failure leaves nothing half-written. Returns the report file.
     *
     * <p>Files are named {@code NN_<layer>.png} with NN the stage index (00 = input); the
     * report lists every stage with name, type, output shape, parameter count (from the
     * summary row of the same layer name; {@code summary} may be null), statistics and
     * picture. It is one static HTML file with inline CSS and relative links. An existing
     * {@code dir} is replaced as a whole.
     */
    public static Path writeTrace(String title, List<Stage> stages, Summary summary, Path dir, boolean npy) {
        return writeTrace(title, stages, summary, dir, npy, PictureOptions.DEFAULT);
    }

    /** As {@link #writeTrace(String, List, Summary, Path, boolean)} with the given picture options. */
    public static Path writeTrace(String title, List<Stage> stages, Summary summary, Path dir, boolean npy,
            PictureOptions pictures) {
        return new ReportWriter().write(title, stages, summary, dir, npy, pictures);
    }
}
