package io.cnnkit.io.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.PictureOptions;

/**
 * The pictures of a report, rendered and encoded on helper threads ahead of the thread that
 * writes them, which takes them in order ({@link #get}), does any that no helper has started
 * itself, and draws later ones while a helper finishes the one it needs. Only drawing and
 * encoding run off the calling thread's order; every file is written by the calling thread, so
 * errors, their order and injected faults are those of a sequential writer. Drawing and
 * encoding are most of a report's time, and a one-shot command's second core is otherwise idle
 * while it writes.
 */
final class PictureQueue implements AutoCloseable {
    /** At most this many helper threads (a report has tens of pictures, each a few milliseconds). */
    static final int MAX_HELPERS = 3;

    private final List<FutureTask<Pictures.Encoded>> tasks;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    /** Starts helpers on the pictures of {@code stages} for {@code files} (same order, same length). */
    PictureQueue(List<Tensor> stages, List<Path> files, PictureOptions options) {
        this(stages, files, options, Math.min(MAX_HELPERS, Runtime.getRuntime().availableProcessors() - 1));
    }

    PictureQueue(List<Tensor> stages, List<Path> files, PictureOptions options, int helpers) {
        if (stages.size() != files.size()) {
            throw new IllegalArgumentException(stages.size() + " stages for " + files.size() + " files");
        }
        tasks = new ArrayList<>(stages.size());
        for (int i = 0; i < stages.size(); i++) {
            Tensor t = stages.get(i);
            Path f = files.get(i);
            // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
            tasks.add(new FutureTask<>(new Callable<Pictures.Encoded>() {
                @Override
                public Pictures.Encoded call() {
                    return Pictures.encode(t, f, options);
                }
            }));
        }
        for (int h = 0; h < Math.min(helpers, tasks.size() - 1); h++) {
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    help();
                }
            }, "cnnkit-pictures-" + h);
            t.setDaemon(true); // a failed report must not keep the JVM alive
            t.start();
        }
    }

    private void help() {
        try {
            for (int i; !closed && (i = next.getAndIncrement()) < tasks.size();) {
                tasks.get(i).run(); // a no-op when the writer already did it
            }
        } finally {
            Pictures.releaseScratch();
        }
    }

    /**
     * Picture {@code i}, encoded; done here when no helper has started it. While a helper is
     * still on it, this thread draws later pictures nobody has started instead of waiting: with
     * one helper (two cores) the writer otherwise spent most of a report waiting, and the
     * pictures were drawn one at a time. Throws what drawing or encoding threw (an
     * {@link IllegalArgumentException} for a tensor that has no picture).
     */
    Pictures.Encoded get(int i) {
        FutureTask<Pictures.Encoded> t = tasks.get(i);
        t.run();
        for (int j; !t.isDone() && !closed && (j = next.getAndIncrement()) < tasks.size();) {
            tasks.get(j).run(); // a no-op when done or under way elsewhere
        }
        try {
            return t.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for picture " + i, e);
        }
    }

    /**
     * Stops the helpers after the pictures they are drawing (for a report that failed half-way) and
     * drops the calling thread's scratch pixels; called by the thread that writes the report.
     */
    @Override
    public void close() {
        closed = true;
        Pictures.releaseScratch(); // the writing thread's (it draws pictures too)
    }
}
