package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import io.cnnkit.engine.api.Model;

/**
 * {@code ./cnnkit classify}: a loaded model on many images, one row per image in a CSV or JSON
 * Lines file ({@link ResultFile}). Here, a decoding thread reads the next batch while the model
 * runs the current one ({@link Classifier}); the queue between them holds two batches, so
 * memory does not grow with the number of images. With a {@link ClassifyRunner} (Spark) the
 * rows come from there instead, into the same file. An image that fails gets an error row and
 * the run goes on.
 */
record ClassifyCommand(ModelRegistry models) {
    static final int DEFAULT_BATCH = 16;
    /** Batches decoded ahead of the model: one being filled, one waiting. */
    private static final int QUEUE = 2;

    private static final List<Classifier.Decoded> END = List.of();

    /**
     * @param runner where the rows are computed (with {@code source}, what it rebuilds the
     *               model from), or null: here
     */
    Results.Classified classify(String name, ClassifyParams p, PrintStream progress, boolean terminal,
            ClassifyRunner runner, ClassifyRunner.ModelRequest source) {
        Model m = models.get(name);
        List<Path> images = ImageInputs.expand(p.inputs());
        Classifier classifier = Classifier.of(m, p);
        ResultFile file = ResultFile.open(p.out(), classifier.header(), p.resume());
        List<String> todo = new ArrayList<>();
        Set<String> done = file.done();
        for (Path i : images) {
            if (!done.contains(i.toString())) {
                todo.add(i.toString());
            }
        }
        ClassifyProgress bar = new ClassifyProgress(progress, terminal, todo.size());
        long t0 = System.nanoTime();
        int[] counts = new int[2]; // rows, failed
        try {
            if (runner != null) {
                runner.rows(source, p, classifier, todo, row -> {
                    write(file, row, counts);
                    bar.update(counts[0], counts[1]);
                });
            } else {
                here(classifier, p, todo, file, bar, counts);
            }
            file.commit();
        } catch (RuntimeException | Error e) {
            file.close(); // FILE.part stays: --resume continues it
            throw e;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Results.Classified(p.out(), counts[0], counts[1], images.size() - todo.size(), file.failedBefore(),
                seconds);
    }

    private static void write(ResultFile file, ClassifyRow row, int[] counts) {
        file.write(row);
        counts[0]++;
        counts[1] += row.error() != null ? 1 : 0;
    }

    /** In this JVM: a decoding thread feeds the model batch by batch. */
    private static void here(Classifier classifier, ClassifyParams p, List<String> todo, ResultFile file,
            ClassifyProgress bar, int[] counts) {
        BlockingQueue<List<Classifier.Decoded>> queue = new ArrayBlockingQueue<>(QUEUE);
        Thread decoder = new Thread(() -> decode(classifier, todo, p.batchSize(), queue), "cnnkit-classify-decoder");
        decoder.setDaemon(true);
        decoder.start();
        try {
            for (List<Classifier.Decoded> b = take(queue); b != END; b = take(queue)) {
                for (ClassifyRow row : classifier.run(b)) {
                    write(file, row, counts);
                }
                bar.update(counts[0], counts[1]);
            }
        } catch (RuntimeException | Error e) {
            decoder.interrupt();
            throw e;
        }
    }

    private static List<Classifier.Decoded> take(BlockingQueue<List<Classifier.Decoded>> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("classify was interrupted", "run again with --resume to continue");
        }
    }

    /** The decoding thread: batches of decoded images, then {@link #END}. */
    private static void decode(Classifier classifier, List<String> paths, int batch,
            BlockingQueue<List<Classifier.Decoded>> queue) {
        try {
            for (int from = 0; from < paths.size(); from += batch) {
                List<Classifier.Decoded> b = new ArrayList<>(batch);
                for (String path : paths.subList(from, Math.min(paths.size(), from + batch))) {
                    b.add(classifier.decode(path, Path.of(path)));
                }
                queue.put(b);
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the run failed and stopped reading
        }
    }
}
