package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.LabelsJson;
import io.cnnkit.io.api.TopClasses;

/**
 * The result file of a classify run, CSV or JSON Lines by its extension. Rows go to
 * {@code FILE.part}, flushed one by one (a killed run loses only the image in flight), and
 * {@link #commit} renames it to FILE. {@link #open} with resume continues FILE.part, or else
 * FILE, and reports the paths already in it.
 */
final class ResultFile implements AutoCloseable {
    enum Format {
        CSV, JSONL
    }

    private final Path target;
    private final Path part;
    private final Format format;
    private final Writer writer;
    private final Set<String> done;
    private final int failedBefore;
    private final int width;
    /** "probability", or "score" for raw outputs: the CSV header's word, also the JSON key. */
    private final String valueKey;

    private ResultFile(Path target, Path part, Format format, Writer writer, Set<String> done, int failedBefore,
            List<String> header) {
        this.width = header.size();
        this.valueKey = header.contains("score1") ? "score" : "probability";
        this.target = target;
        this.part = part;
        this.format = format;
        this.writer = writer;
        this.done = done;
        this.failedBefore = failedBefore;
    }

    /** CSV or JSONL from the file name; anything else is refused. */
    static Format formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) {
            return Format.CSV;
        }
        if (n.endsWith(".jsonl")) {
            return Format.JSONL;
        }
        throw new CommandException("--out " + file + ": expected a .csv or .jsonl file name",
                "e.g. --out out/classify.csv or --out out/classify.jsonl");
    }

    /**
     * Opens the result file for writing. Fresh: FILE.part starts over with the header.
     * Resume: FILE.part (a killed run's) or else FILE is continued, its torn last line (if
     * any) dropped; a CSV header other than {@code header} is refused.
     *
     * @param header the CSV column names (unused for JSONL)
     */
    static ResultFile open(Path target, List<String> header, boolean resume) {
        Format format = formatOf(target);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        FileArgs.mkdirs(target.toAbsolutePath().getParent());
        try {
            Set<String> done = new HashSet<>();
            int failed = 0;
            Path from = !resume ? null : Files.isRegularFile(part) ? part : Files.isRegularFile(target) ? target : null;
            if (from == null) {
                Writer w = Files.newBufferedWriter(part, StandardCharsets.UTF_8);
                if (format == Format.CSV) {
                    w.write(csvLine(header));
                    w.flush();
                }
                return new ResultFile(target, part, format, w, done, 0, header);
            }
            if (from == target) {
                Files.copy(target, part, StandardCopyOption.REPLACE_EXISTING);
            }
            dropTornLine(part);
            String text = Files.readString(part, StandardCharsets.UTF_8);
            List<Map<String, String>> rows = format == Format.CSV ? csvRows(from, text, header) : jsonRows(from, text);
            for (Map<String, String> r : rows) {
                done.add(r.get("path"));
                String e = r.get("error");
                failed += e == null || e.isEmpty() ? 0 : 1;
            }
            boolean empty = text.isEmpty();
            Writer w = Files.newBufferedWriter(part, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            if (empty && format == Format.CSV) {
                w.write(csvLine(header));
                w.flush();
            }
            return new ResultFile(target, part, format, w, done, failed, header);
        } catch (IOException e) {
            throw new CnnIoException("cannot write " + part + ": " + e.getMessage(), e);
        }
    }

    /** The paths an earlier run already wrote (empty unless resumed). */
    Set<String> done() {
        return done;
    }

    /** How many of those rows are errors. */
    int failedBefore() {
        return failedBefore;
    }

    Path target() {
        return target;
    }

    /** Appends one row and flushes it. */
    void write(ClassifyRow row) {
        try {
            writer.write(format == Format.CSV ? csv(row) : json(row));
            writer.flush();
        } catch (IOException e) {
            throw new CnnIoException("cannot write " + part + ": " + e.getMessage(), e);
        }
    }

    /** Closes FILE.part and renames it to FILE (replacing it). */
    void commit() {
        close();
        try {
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING); // siblings: rare (some shares)
            }
        } catch (IOException e) {
            throw new CnnIoException("cannot rename " + part + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Closes FILE.part and leaves it for --resume. */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CSV columns: path, K label/value pairs (or N features), error. */
    static List<String> header(int k, boolean probabilities, int features) {
        List<String> h = new ArrayList<>();
        h.add("path");
        if (features > 0) {
            for (int i = 0; i < features; i++) {
                h.add("f" + i);
            }
        } else {
            for (int i = 1; i <= k; i++) {
                h.add("label" + i);
                h.add((probabilities ? "probability" : "score") + i);
            }
        }
        h.add("error");
        return h;
    }

    private String csv(ClassifyRow row) {
        List<String> cells = new ArrayList<>();
        cells.add(row.path());
        if (row.features() != null) {
            for (float f : row.features()) {
                cells.add(Float.toString(f));
            }
        } else {
            for (TopClasses.Ranked r : row.top()) {
                cells.add(r.label());
                cells.add(Float.toString((float) r.value()));
            }
        }
        while (cells.size() < width - 1) { // an error row has every column, empty up to the error
            cells.add("");
        }
        cells.add(row.error() == null ? "" : row.error());
        return csvLine(cells);
    }

    static String csvLine(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            b.append(i > 0 ? "," : "");
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        return b.append('\n').toString();
    }

    private String json(ClassifyRow row) {
        StringBuilder b = new StringBuilder("{\"path\":").append(jsonString(row.path()));
        if (row.features() != null) {
            b.append(",\"features\":[");
            float[] f = row.features();
            for (int i = 0; i < f.length; i++) {
                b.append(i > 0 ? "," : "").append(jsonNumber(f[i]));
            }
            b.append(']');
        } else if (row.error() == null) {
            b.append(",\"top\":[");
            for (int i = 0; i < row.top().size(); i++) {
                TopClasses.Ranked r = row.top().get(i);
                b.append(i > 0 ? "," : "").append("{\"label\":").append(jsonString(r.label())).append(",\"")
                        .append(valueKey).append("\":").append(jsonNumber((float) r.value())).append('}');
            }
            b.append(']');
        }
        b.append(",\"error\":").append(row.error() == null ? "null" : jsonString(row.error()));
        return b.append("}\n").toString();
    }

    private static String jsonNumber(float f) {
        return Float.isFinite(f) ? Float.toString(f) : "null";
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Cuts a file back to its last line end: a killed run may have written half a row. */
    private static void dropTornLine(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long n = f.length();
            long keep = n;
            while (keep > 0) {
                f.seek(keep - 1);
                if (f.read() == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < n) {
                f.setLength(keep);
            }
        }
    }

    /** The rows of a CSV result (quoted fields may hold line breaks), checked against the header. */
    private static List<Map<String, String>> csvRows(Path file, String text, List<String> header) {
        List<List<String>> records = Csv.parse(text);
        List<Map<String, String>> rows = new ArrayList<>();
        if (records.isEmpty()) {
            return rows;
        }
        if (!records.get(0).equals(header)) {
            throw new CommandException("--resume: " + file + " has other columns than this run writes ("
                    + String.join(",", abbreviate(records.get(0))) + " vs " + String.join(",", abbreviate(header))
                    + ")",
                    "resume with the same --top, --labels and --features as the first run, or write to a new --out");
        }
        for (List<String> r : records.subList(1, records.size())) {
            rows.add(Map.of("path", r.get(0), "error", r.size() == header.size() ? r.get(r.size() - 1) : ""));
        }
        return rows;
    }

    private static List<String> abbreviate(List<String> cells) {
        return cells.size() <= 6 ? cells : List.of(cells.get(0), cells.get(1), cells.get(2), "...",
                cells.get(cells.size() - 1));
    }

    private static List<Map<String, String>> jsonRows(Path file, String text) {
        List<Map<String, String>> rows = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            Object v;
            try {
                v = LabelsJson.parse(file.toString(), line);
            } catch (RuntimeException e) {
                v = null;
            }
            if (!(v instanceof Map<?, ?> m) || !(m.get("path") instanceof String path)) {
                throw new CommandException("--resume: line " + lineNo + " of " + file + " is not a classify row "
                        + "{\"path\": ...}", "resume a file an earlier classify run wrote, or write to a new --out");
            }
            Object error = m.get("error");
            rows.add(Map.of("path", path, "error", error instanceof String s ? s : ""));
        }
        return rows;
    }
}
