package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.List;

/**
 * The options of a classify run ({@code ./cnnkit classify}, {@code cnn:classify}, and the
 * Spark job, which gets the same values).
 *
 * @param inputs   image files and folders
 * @param out      the result file, .csv or .jsonl
 * @param labels   class labels, or null for class indices
 * @param top      classes per row (0: {@value TopK#DEFAULT_K}, capped at the class count)
 * @param features a layer whose output to write instead of classes, or null
 * @param resume   continue an earlier run's file, skipping its paths
 * @param batch    images per model run (0: {@value ClassifyCommand#DEFAULT_BATCH})
 * @param threads  model threads (0: the engine default)
 * @param spark    a Spark master URL ({@code --spark local[2]}), or null to run here
 */
public record ClassifyParams(List<Path> inputs, Path out, Path labels, int top, String features, boolean resume,
        int batch, int threads, double rescale, boolean bgr, boolean grey, boolean resize, String spark) {
    public ClassifyParams {
        inputs = List.copyOf(inputs);
        out = out != null ? out : Path.of("out", "classify.csv");
    }

    /** The same run with the labels file at another place (a Spark executor's copy). */
    public ClassifyParams withLabels(Path file) {
        return new ClassifyParams(inputs, out, file, top, features, resume, batch, threads, rescale, bgr, grey, resize,
                spark);
    }

    /** The same run with another thread count (a Spark task's). */
    public ClassifyParams withThreads(int n) {
        return new ClassifyParams(inputs, out, labels, top, features, resume, batch, n, rescale, bgr, grey, resize,
                spark);
    }

    /** Images per model run, the default for 0. */
    public int batchSize() {
        return batch > 0 ? batch : ClassifyCommand.DEFAULT_BATCH;
    }

    RunCommand.RunParams image() {
        return new RunCommand.RunParams(null, false, threads, rescale, bgr, grey, resize);
    }
}
