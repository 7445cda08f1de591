package io.cnnkit.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.launcher.shell.Classifier;
import io.cnnkit.launcher.shell.CnnCommands;

/**
 * The models of an executor JVM: each job's model built once, on its first task there, and
 * shared by the tasks that follow (a model is thread-safe). The engine finds the layers
 * through ServiceLoader (the plain class path, no OSGi). The two newest jobs are kept.
 */
final class Executors {
    private static final int KEEP = 2;
    private static final Map<String, Built> BUILT = new LinkedHashMap<>();

    private record Built(StandaloneEngine engine, CnnCommands commands, Classifier classifier, Path dir) {
        void close() {
            commands.close();
            engine.close();
            delete(dir);
        }
    }

    private Executors() {
    }

    /** The job's classifier in this JVM, built on first use. */
    static synchronized Classifier classifier(ClassifyJob job) {
        Built b = BUILT.get(job.id());
        if (b == null) {
            b = build(job);
            BUILT.put(job.id(), b);
            while (BUILT.size() > KEEP) {
                String oldest = BUILT.keySet().iterator().next();
                BUILT.remove(oldest).close();
            }
        }
        return b.classifier();
    }

    private static Built build(ClassifyJob job) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cnnkit-spark-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the model files", e);
        }
        StandaloneEngine engine = Engines.fromServiceLoader(Executors.class.getClassLoader());
        CnnCommands commands = new CnnCommands(engine, new PrintStream(PrintStream.nullOutputStream()));
        try {
            String model = job.model() != null ? job.model().writeTo(dir).toString() : job.description();
            Path weights = job.weights() != null ? job.weights().writeTo(dir) : null;
            Path labels = job.labels() != null ? job.labels().writeTo(dir) : null;
            commands.load(job.modelName(), model, weights, new io.cnnkit.io.api.LoadOptions(job.byName(),
                    job.skipMismatch()), null);
            Classifier c = Classifier.of(commands.model(job.modelName()), job.params(labels));
            return new Built(engine, commands, c, dir);
        } catch (RuntimeException e) {
            commands.close();
            engine.close();
            delete(dir);
            throw e;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is no failure of the job
        }
    }
}
