package io.cnnkit.io.api;

import java.nio.file.Path;
import java.util.List;

import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;

/** The output folder of a traced run: one picture per stage, report.html, optional .npy files. */
public final class Reports {
    private Reports() {
    }

    /**
     * Writes pictures, report.html and (when {@code npy}) {@code NN_<layer>.npy} for every
     * stage into {@code dir}, through a temporary folder moved into place at the end, so a
     * failure leaves nothing half-written. Returns the report file.
     */
    public static Path writeTrace(String title, List<Stage> stages, Summary summary, Path dir, boolean npy) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
