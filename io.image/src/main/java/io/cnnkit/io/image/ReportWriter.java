package io.cnnkit.io.image;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.StageStats;
import io.cnnkit.io.api.TopClasses;

/**
 * Writes a traced run as a self-contained folder: {@code NN_<layer>.png} per stage,
 * optional {@code NN_<layer>.npy}, and {@code report.html} (relative links, inline CSS, no
 * scripts). A graph model's report draws the graph as inline SVG ({@link GraphSvg}), each box
 * linking to its stage's section, and each section names the stages it reads and that read it.
 * Everything is written into a hidden temporary sibling folder first; only when all files
 * exist is it moved into place (an existing folder is moved aside, the new one moved in, the
 * old one deleted), so a failure never leaves a partial report and never damages the previous
 * one.
 */
public final class ReportWriter {
    /** Called after every file is written into the temporary folder; tests inject failures here. */
    @FunctionalInterface
    public interface FileHook {
        void written(Path file) throws IOException;
    }

    public static final String REPORT = "report.html";

    private final FileHook hook;

    public ReportWriter() {
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        this(new FileHook() {
            @Override
            public void written(Path f) {
            }
        });
    }

    /** What a file name may not hold. */
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    public ReportWriter(FileHook hook) {
        this.hook = hook;
    }

    /** The file name stem of a stage: two-digit index and the layer name made file-safe. */
    public static String stem(Stage s) {
        String safe = UNSAFE.matcher(s.name()).replaceAll("_");
        if (safe.isEmpty() || safe.startsWith(".")) {
            safe = "_" + safe;
        }
        return Numbers.twoDigits(s.index()) + "_" + safe;
    }

    public Path write(String title, List<Stage> stages, Summary summary, Path dir, boolean npy,
            PictureOptions pictures) {
        return write(title, stages, summary, dir, npy, pictures, List.of());
    }

    /** As above; the report opens with the top classes of the model's outputs ({@code top}, may be empty). */
    public Path write(String title, List<Stage> stages, Summary summary, Path dir, boolean npy,
            PictureOptions pictures, List<TopClasses> top) {
        if (top == null) {
            throw new IllegalArgumentException("top classes are null; pass List.of() for none");
        }
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("no stages to report; pass model.trace(input)");
        }
        if (pictures == null) {
            throw new IllegalArgumentException("picture options are null; use PictureOptions.DEFAULT");
        }
        Set<String> stems = new HashSet<>();
        for (Stage s : stages) {
            if (!stems.add(stem(s))) {
                throw new IllegalArgumentException("two stages map to the file name " + stem(s)
                        + "; stage index and name pairs must be unique");
            }
        }
        // every file of a report goes through io.image's writers once: unchanged ones may be kept
        Path target = writeFolder(dir, "report folder", "report", true, new FolderBody() {
            @Override
            public void writeInto(Path tmp) throws IOException {
                ReportWriter.this.writeInto(tmp, title, stages, summary, npy, pictures, top);
            }
        });
        return target.resolve(REPORT);
    }

    /** What fills a folder that {@link #writeFolder} then moves into place. */
    @FunctionalInterface
    public interface FolderBody {
        void writeInto(Path tmp) throws IOException;
    }

    /**
     * Writes a folder all or nothing: {@code body} fills a hidden temporary sibling of
     * {@code dir}, which then replaces {@code dir} (an existing one is moved aside first and
     * deleted last). On any failure the temporary folder is deleted, {@code dir} is as before,
     * and the error names the folder ({@code what}), the reason and what to do.
     *
     * @return {@code dir}, absolute and normalised
     */
    public static Path writeFolder(Path dir, String what, String previous, FolderBody body) {
        return writeFolder(dir, what, previous, false, body);
    }

    /**
     * As {@link #writeFolder(Path, String, String, FolderBody)}; with {@code keepUnchanged}, the
     * files io.image's writers write equal to the replaced folder's are kept from it (hard links,
     * see AtomicFiles) instead of written again. Only for bodies that write every file through
     * those writers: a file written there directly, through an existing name, could be the
     * replaced folder's file itself.
     */
    static Path writeFolder(Path dir, String what, String previous, boolean keepUnchanged, FolderBody body) {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new CnnIoException(dir + ": a " + what + " needs a parent folder");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new CnnIoException(target + ": exists and is not a folder; choose another " + what);
        }
        Path tmp;
        try {
            Files.createDirectories(parent);
            AtomicFiles.cleanStale(target);
            tmp = AtomicFiles.tempSibling(target, true);
        } catch (IOException | RuntimeException e) {
            throw new CnnIoException("cannot write the " + what + " " + target
                    + ": cannot create a folder next to it (" + AtomicFiles.reason(e, false)
                    + "); nothing was written and the previous " + previous + ", if any, is unchanged; "
                    + AtomicFiles.advice(e), e);
        }
        try {
            // files equal to the replaced folder's are kept, not written again (AtomicFiles)
            AtomicFiles.fillingFolder(tmp,
                    keepUnchanged && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) ? target : null,
                    new AtomicFiles.FolderBody<IOException>() {
                        @Override
                        public void run() throws IOException {
                            body.writeInto(tmp);
                        }
                    });
            if (!AtomicFiles.insideFilledFolder(tmp)) { // else the outer folder forces this one with its own
                AtomicFiles.forceTree(tmp);
            }
            AtomicFiles.faults().beforeCommit(tmp);
            install(tmp, target);
        } catch (RuntimeException | IOException | Error e) {
            deleteQuietly(tmp);
            if (e instanceof Error err) {
                throw err;
            }
            // A file writer's own error already says "cannot write ... unchanged": keep only its cause.
            Throwable why = e instanceof CnnIoException && e.getCause() instanceof IOException io ? io : e;
            throw new CnnIoException("cannot write the " + what + " " + target + ": "
                    + (why instanceof CnnIoException ? why.getMessage() : AtomicFiles.reason(why))
                    + "; nothing was written and the previous " + previous + ", if any, is unchanged; "
                    + AtomicFiles.advice(why), e);
        }
        return target;
    }

    private void writeInto(Path tmp, String title, List<Stage> stages, Summary summary, boolean npy,
            PictureOptions pictures, List<TopClasses> top) throws IOException {
        Map<String, Summary.Row> rows = new HashMap<>();
        if (summary != null) {
            for (Summary.Row r : summary.rows()) {
                rows.put(r.name(), r);
            }
        }
        List<List<Integer>> reads = reads(stages);
        boolean graph = isGraph(stages, summary);
        List<List<Integer>> readBy = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            readBy.add(new ArrayList<>());
        }
        for (int i = 0; i < stages.size(); i++) {
            for (int from : new LinkedHashSet<>(reads.get(i))) {
                readBy.get(from).add(i);
            }
        }
        StringBuilder body = new StringBuilder();
        List<Tensor> outputs = new ArrayList<>(stages.size());
        List<Path> pngs = new ArrayList<>(stages.size());
        for (Stage s : stages) {
            outputs.add(s.output());
            pngs.add(tmp.resolve(stem(s) + ".png"));
        }
        try (PictureQueue queue = new PictureQueue(outputs, pngs, pictures)) {
            for (int i = 0; i < stages.size(); i++) {
                body.append(writeStage(tmp, stages, i, queue, npy, pictures, rows, reads, readBy, graph));
            }
        }
        String svg = graph ? graphSvg(stages, reads) : null;
        String html = page(title, topClasses(top), summary, svg, body.toString());
        Path report = tmp.resolve(REPORT);
        AtomicFiles.write(report, "report", new AtomicFiles.Body() {
            @Override
            public void write(OutputStream out) throws IOException {
                out.write(html.getBytes(StandardCharsets.UTF_8));
            }
        });
        hook.written(report);
    }

    /** Stage i's picture (from the queue) and .npy file; returns its section of the report. */
    private String writeStage(Path tmp, List<Stage> stages, int i, PictureQueue queue, boolean npy,
            PictureOptions pictures, Map<String, Summary.Row> rows, List<List<Integer>> reads,
            List<List<Integer>> readBy, boolean graph) throws IOException {
        Stage s = stages.get(i);
        String stem = stem(s);
        Path png = tmp.resolve(stem + ".png");
        int[] size;
        try {
            Pictures.Encoded picture = queue.get(i);
            picture.writeTo(png);
            size = new int[] {picture.width(), picture.height()};
        } catch (IllegalArgumentException e) {
            throw new CnnIoException("stage " + s.index() + " '" + s.name() + "': " + e.getMessage(), e);
        }
        hook.written(png);
        if (npy) {
            Path n = tmp.resolve(stem + ".npy");
            NpyCodec.write(s.output(), n);
            hook.written(n);
        }
        String inputs = s.inputs().isEmpty() ? null : links(s.inputs(), stages, reads.get(i), i);
        String readers = null;
        if (graph) {
            readers = readBy.get(i).isEmpty() ? "&ndash; <span class=\"dim\">(nothing reads it: a model output, "
                    + "or a branch no output uses)</span>" : links(readBy.get(i), stages);
        }
        return section(s, stem, rows.get(s.name()), npy, size, inputs, readers, pictures);
    }

    /**
     * Whether a trace is a graph (and the report draws it): the summary says so, or some stage
     * reads something other than exactly the stage before it.
     */
    static boolean isGraph(List<Stage> stages, Summary summary) {
        if (summary != null && summary.graph()) {
            return true;
        }
        for (int i = 1; i < stages.size(); i++) {
            List<String> in = stages.get(i).inputs();
            if (!in.isEmpty() && !in.equals(List.of(stages.get(i - 1).name()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * For each stage, the indices of the earlier stages it reads, by name (the latest earlier
     * stage of that name); a stage whose inputs are not recorded reads the one before it, and
     * names no earlier stage has are left out.
     */
    static List<List<Integer>> reads(List<Stage> stages) {
        Map<String, Integer> seen = new HashMap<>();
        List<List<Integer>> out = new ArrayList<>(stages.size());
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            List<Integer> r = new ArrayList<>();
            if (s.inputs().isEmpty()) {
                if (i > 0) {
                    r.add(i - 1);
                }
            } else {
                for (String name : s.inputs()) {
                    Integer at = seen.get(name);
                    if (at != null) {
                        r.add(at);
                    }
                }
            }
            out.add(r);
            seen.put(s.name(), i);
        }
        return out;
    }

    /** The graph of a trace as inline SVG, each box linking to its section. */
    static String graphSvg(List<Stage> stages, List<List<Integer>> reads) {
        List<GraphSvg.Node> nodes = new ArrayList<>(stages.size());
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            nodes.add(new GraphSvg.Node(s.name(), s.type(), Shape.ofSample(s.output()).toString(), "#" + stem(s),
                    reads.get(i)));
        }
        return GraphSvg.render(nodes);
    }

    /** The stage's recorded input names, each linked to its section when it is an earlier stage. */
    private static String links(List<String> names, List<Stage> stages, List<Integer> resolved, int self) {
        Map<String, Integer> at = new HashMap<>();
        for (int idx : resolved) {
            at.put(stages.get(idx).name(), idx);
        }
        StringBuilder b = new StringBuilder();
        for (String name : names) {
            b.append(b.length() > 0 ? ", " : "");
            Integer idx = at.get(name);
            if (idx != null && idx < self) {
                b.append("<a href=\"#").append(esc(stem(stages.get(idx)))).append("\">").append(esc(name)).append("</a>");
            } else {
                b.append(esc(name));
            }
        }
        return b.toString();
    }

    private static String links(List<Integer> indices, List<Stage> stages) {
        StringBuilder b = new StringBuilder();
        for (int idx : indices) {
            Stage s = stages.get(idx);
            b.append(b.length() > 0 ? ", " : "").append("<a href=\"#").append(esc(stem(s))).append("\">")
                    .append(esc(s.name())).append("</a>");
        }
        return b.toString();
    }

    private static String section(Stage s, String stem, Summary.Row row, boolean npy, int[] size, String inputs,
            String readers, PictureOptions pictures) {
        // Small pictures are shown enlarged by a whole factor (pixelated) so maps stay readable.
        int zoom = Math.max(1, Math.min(4, 320 / Math.max(1, size[0])));
        StageStats st = StageStats.of(s.output());
        String params;
        if (row != null) {
            params = Summary.formatCount(row.params());
        } else {
            params = s.index() == 0 ? "&ndash; (input)" : "&ndash; (not in the summary)";
        }
        String shapeKeras = Shape.ofSample(s.output()).toString();
        StringBuilder b = new StringBuilder();
        b.append("<section id=\"").append(esc(stem)).append("\">\n");
        b.append("<h2>").append(Numbers.twoDigits(s.index())).append(' ')
                .append(esc(s.name())).append(" <span class=\"type\">(").append(esc(s.type())).append(")</span></h2>\n");
        b.append("<table class=\"facts\">\n");
        if (inputs != null) {
            row(b, "Inputs", inputs);
        }
        if (readers != null) {
            row(b, "Read by", readers);
        }
        row(b, "Output shape", esc(shapeKeras) + " &nbsp; <span class=\"dim\">tensor " + esc(s.output().shapeString()) + "</span>");
        row(b, "Parameters", params);
        row(b, "Min / max", num(st.min()) + " / " + num(st.max()));
        row(b, "Mean &plusmn; std", num(st.mean()) + " &plusmn; " + num(st.std()));
        row(b, "Zeros", Numbers.fixed(100 * st.zeroFraction(), 1) + " %");
        String files = "<a href=\"" + esc(stem) + ".png\">" + esc(stem) + ".png</a>";
        if (npy) {
            files += " &middot; <a href=\"" + esc(stem) + ".npy\">" + esc(stem) + ".npy</a>";
        }
        row(b, "Files", files);
        b.append("</table>\n");
        b.append("<a href=\"").append(esc(stem)).append(".png\"><img src=\"").append(esc(stem))
                .append(".png\" width=\"").append(size[0] * zoom).append("\" height=\"").append(size[1] * zoom)
                .append("\" alt=\"").append(esc(s.name())).append(" output\"></a>\n");
        b.append(ColourScale.html(s.output(), pictures, st)).append('\n');
        b.append("</section>\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(k).append("</th><td>").append(v).append("</td></tr>\n");
    }

    private static String num(double v) {
        return esc(Numbers.general(v, 6));
    }

    /**
     * The top classes of each output: its heading, then a table of rank, label and value (the
     * lines {@code run} prints, as HTML); null when there are none.
     */
    static String topClasses(List<TopClasses> top) {
        if (top.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("<h2 id=\"top\">Top classes</h2>\n");
        for (TopClasses t : top) {
            b.append("<p class=\"top\">").append(esc(t.heading())).append("</p>\n");
            if (!t.applies()) {
                continue;
            }
            b.append("<table class=\"top\">\n");
            for (TopClasses.Ranked r : t.classes()) {
                b.append("<tr><td>").append(r.rank()).append(".</td><td>").append(esc(r.label()))
                        .append("</td><td class=\"num\">").append(esc(t.value(r))).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        return b.toString();
    }

    private static String page(String title, String top, Summary summary, String svg, String body) {
        String t = esc(title == null ? "cnnkit trace" : title);
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(t)
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1100px;padding:0 1em;color:#222}\n")
                .append("h1{font-size:1.6em}h2{font-size:1.2em;margin:0 0 .4em}\n")
                .append("section{border-top:1px solid #ccc;padding:1em 0}\n")
                .append(".type,.dim{color:#666;font-weight:normal}\n")
                .append("table.facts{border-collapse:collapse;margin-bottom:.6em}\n")
                .append("table.facts th{text-align:left;padding:.1em 1em .1em 0;font-weight:600}\n")
                .append("table.facts td{font-family:ui-monospace,monospace}\n")
                .append("img{max-width:100%;height:auto;image-rendering:pixelated;border:1px solid #ddd}\n")
                .append("pre{background:#f6f6f6;padding:.8em;overflow-x:auto}\n")
                .append("div.graph{overflow:auto;max-height:85vh;border:1px solid #ddd;background:#fcfcfc;margin-bottom:1em}\n")
                .append("div.graph svg{display:block;margin:0 auto}div.graph a:hover rect{fill:#fff6d5}\n")
                .append(".skip{color:#d2691e}\n")
                .append("p.top{margin:.6em 0 .2em;font-weight:600}table.top{border-collapse:collapse}\n")
                .append("table.top td{padding:.05em .8em .05em 0;font-family:ui-monospace,monospace}\n")
                .append("table.top td.num{text-align:right}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(t).append("</h1>\n");
        if (top != null) {
            b.append(top);
        }
        if (summary != null) {
            b.append("<pre>").append(esc(summary.format())).append("</pre>\n");
        }
        if (svg != null) {
            b.append("<h2 id=\"graph\">Graph</h2>\n<p class=\"dim\">Top to bottom from the input (blue); each box "
                    + "links to its section below. Arrows run from each input to the layer reading it; "
                    + "<span class=\"skip\">dashed orange curves</span> pass one or more layers (skip "
                    + "connections); a bold outline marks a node nothing reads (a model output, or a branch no "
                    + "output uses).</p>\n<div class=\"graph\">\n").append(svg).append("\n</div>\n");
        }
        b.append(body);
        b.append("<footer><p class=\"dim\">Pictures: min-max normalised to 0..255 over the whole stage "
                + "(constant stages are mid-grey), the colour scale under each picture; 1 channel grey, 3 channels "
                + "colour, other counts one map per channel, vectors of up to 800 values as bars, longer ones wrapped "
                + "row by row into a near-square grid of viridis cells. Written by cnnkit.</p></footer>\n"
                + "</body>\n</html>\n");
        return b.toString();
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Moves the finished folder into place; an existing folder is moved aside first and deleted last. */
    private static void install(Path tmp, Path target) throws IOException {
        if (!Files.exists(target)) {
            move(tmp, target);
            return;
        }
        Path old = AtomicFiles.oldSibling(target);
        move(target, old);
        try {
            move(tmp, target);
        } catch (IOException e) {
            move(old, target);
            throw e;
        }
        deleteQuietly(old);
        AtomicFiles.syncFolder(target.getParent());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Siblings are on one file system, so this is rare (e.g. some network shares).
            Files.move(from, to);
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Leftover temporary files are harmless; the caller reports the real failure.
        }
    }
}
