package io.cnnkit.io.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.image.ColourScale;
import io.cnnkit.io.image.ReportWriter;

/**
 * The output folder of a traced run (one picture per stage, report.html, optional .npy files),
 * and any other output folder written all or nothing.
 */
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
     *
     * <p>A section names the stages it reads ({@link Stage#inputs()}, when recorded). When the
     * trace is a graph (some stage reads something other than exactly the stage before it, or
     * {@code summary.graph()}), the report also draws it as inline SVG after the summary: a box
     * per stage (name, type, output shape) linking to its section, an arrow per (input, stage)
     * pair, laid out top to bottom with skip connections as dashed curves; and each section
     * also names the stages that read it.
     */
    public static Path writeTrace(String title, List<Stage> stages, Summary summary, Path dir, boolean npy) {
        return writeTrace(title, stages, summary, dir, npy, PictureOptions.DEFAULT);
    }

    /** As {@link #writeTrace(String, List, Summary, Path, boolean)} with the given picture options. */
    public static Path writeTrace(String title, List<Stage> stages, Summary summary, Path dir, boolean npy,
            PictureOptions pictures) {
        return writeTrace(title, stages, summary, dir, npy, pictures, List.of());
    }

    /**
     * As {@link #writeTrace(String, List, Summary, Path, boolean, PictureOptions)}, and the report
     * opens with the top classes of the model's outputs ({@link TopClasses#lines()}: a heading
     * and a table of rank, label and value per output, in the given order).
     *
     * @since 1.2
     */
    public static Path writeTrace(String title, List<Stage> stages, Summary summary, Path dir, boolean npy,
            PictureOptions pictures, List<TopClasses> top) {
        return new ReportWriter().write(title, stages, summary, dir, npy, pictures, top);
    }

    /**
     * The colour scale of the picture {@link Images#writePicture(Tensor, Path, PictureOptions)}
     * draws of {@code stage} with {@code options}, as an HTML fragment with inline styles (no
     * page CSS needed): the value at each end of its colours (the stage's finite min and max, or
     * the options' range), a gradient of the colour map (three black-to-primary stripes for a
     * 3-channel colour picture), and a note for per-map normalisation, fixed ranges and wrapped
     * vectors. Empty for a bar chart, whose axis is labelled with the values. report.html shows it
     * under every picture.
     */
    public static String colourScale(Tensor stage, PictureOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("picture options are null; use PictureOptions.DEFAULT");
        }
        return ColourScale.html(stage, options);
    }

    /** Fills the folder {@link #writeFolder} then moves into place as a whole. */
    @ConsumerType
    @FunctionalInterface
    public interface FolderContents {
        /** Writes every file of the result into {@code folder} (a fresh, empty temporary folder). */
        void writeInto(Path folder) throws IOException;
    }

    /**
     * Writes a folder all or nothing, as {@link #writeTrace} writes a report: {@code contents}
     * fills a hidden temporary sibling of {@code dir}, which then replaces {@code dir} (an
     * existing one is moved aside first and deleted last). When {@code contents} or the move
     * fails, the temporary folder is deleted, {@code dir} is as it was, and a
     * {@link CnnIoException} names the folder, the reason and what to do.
     *
     * @return {@code dir}, absolute and normalised
     */
    public static Path writeFolder(Path dir, FolderContents contents) {
        return ReportWriter.writeFolder(dir, "folder", "content", contents::writeInto);
    }
}
