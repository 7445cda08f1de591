package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A classify run's progress on stderr: on a terminal one line with a bar, images/s and ETA,
 * redrawn in place at most 5 times a second; otherwise (a log, a pipe) a plain line every 10 s or every
 * 1,000 images.
 */
final class ClassifyProgress {
    static final long PLAIN_EVERY_NANOS = 10_000_000_000L;
    static final int PLAIN_EVERY_IMAGES = 1000;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private int lastCount;
    private boolean drawn;
    /** When the first images were done, and how many: the ETA's pace is measured from there. */
    private long firstNanos = -1;
    private int firstDone;

    /** @param total the images this run reads (without those a resume skips) */
    ClassifyProgress(PrintStream err, boolean terminal, int total) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
    }

    /** After {@code done} of the images, {@code failed} of them with an error. */
    void update(int done, int failed) {
        update(done, failed, System.nanoTime());
    }

    void update(int done, int failed, long now) {
        if (firstNanos < 0) {
            firstNanos = now;
            firstDone = done;
        }
        boolean due = terminal ? now - lastPrint >= REDRAW_NANOS || done == total
                : now - lastPrint >= PLAIN_EVERY_NANOS || done - lastCount >= PLAIN_EVERY_IMAGES;
        if (!due || err == null) {
            return;
        }
        lastPrint = now;
        lastCount = done;
        String line = line(done, failed, now);
        // On a terminal the line is redrawn by moving up to it (ANSI): every draw still ends with
        // a line break, which ./cnnkit's stderr filter (grep, line by line) needs to pass it on.
        err.println(terminal && drawn ? "\u001b[A\r" + line + "\u001b[K" : line);
        drawn = true;
        err.flush();
    }

    String line(int done, int failed, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        // The ETA uses the pace since the first results, not since the start: a slow start (a Spark
        // session, the model's first run) would otherwise promise hours for a few minutes' work.
        double pace = now > firstNanos && done > firstDone ? (done - firstDone) / ((now - firstNanos) / 1e9) : 0;
        String eta = pace > 0 && done < total ? ", ETA " + duration((total - done) / pace) : "";
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        String bar = terminal ? "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " : "";
        return String.format(Locale.ROOT, "classify: %s%d/%d images, %.1f images/s%s%s", bar, done, total, rate, eta,
                failed > 0 ? ", " + failed + " failed" : "");
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
