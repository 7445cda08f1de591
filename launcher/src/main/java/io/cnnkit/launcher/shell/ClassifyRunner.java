package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import io.cnnkit.io.api.LoadOptions;

/**
 * Where a classify run's rows are computed when not in this JVM: the Spark job of
 * {@code ./cnnkit classify --spark MASTER} (module spark). The result file, resume and the
 * exit status stay {@link ClassifyCommand}'s, so the file is the same either way.
 */
public interface ClassifyRunner {
    /**
     * What rebuilds the model elsewhere: its name (error rows name it), the MODEL argument (a
     * file or a description) and the weights file with its load options, as
     * {@code ./cnnkit classify} got them.
     */
    record ModelRequest(String name, String model, Path weights, LoadOptions options) {
    }

    /**
     * Classifies {@code paths} (as listed by the run, in this order), handing each row to
     * {@code sink} in the same order. Called after the model was loaded and checked here;
     * {@code here} classifies with it in this JVM (for the odd image the other place skips).
     */
    void rows(ModelRequest model, ClassifyParams params, Classifier here, List<String> paths,
            Consumer<ClassifyRow> sink);
}
