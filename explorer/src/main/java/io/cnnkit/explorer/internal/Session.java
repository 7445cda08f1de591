package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.cnnkit.engine.api.Model;

/**
 * One browser's state: its models, its last runs and its folder of uploads and pictures. No
 * other session can reach them (every request finds its session by its own cookie).
 */
final class Session {
    /** Runs kept per session: a MobileNetV2 trace holds ~100 MB of node outputs. */
    static final int MAX_RUNS = 2;

    final String id;
    final Path dir;
    private final Map<String, LoadedModel> models = new LinkedHashMap<>();
    private final Map<String, RunData> runs = new LinkedHashMap<>();
    private final Map<String, java.util.List<String>> labels = new LinkedHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile long lastSeen = System.currentTimeMillis();

    Session(String id, Path dir) {
        this.id = id;
        this.dir = dir;
    }

    void touch() {
        lastSeen = System.currentTimeMillis();
    }

    long lastSeen() {
        return lastSeen;
    }

    int next() {
        return counter.incrementAndGet();
    }

    synchronized Map<String, LoadedModel> models() {
        return new LinkedHashMap<>(models);
    }

    synchronized LoadedModel model(String name) {
        LoadedModel m = models.get(name);
        if (m == null) {
            throw HttpError.notFound("no model '" + Uploads.printable(String.valueOf(name)) + "' in this session",
                    "GET /api/models lists the loaded ones; load one on the Models page");
        }
        return m;
    }

    /** A name not used yet in this session, from {@code wanted} ("conv", "conv-2", ...). */
    synchronized String freeName(String wanted) {
        String base = wanted.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (base.isEmpty()) {
            base = "model";
        }
        String n = base;
        for (int i = 2; models.containsKey(n); i++) {
            n = base + "-" + i;
        }
        return n;
    }

    synchronized void add(LoadedModel m) {
        models.put(m.name(), m);
    }

    synchronized void remove(String name) {
        LoadedModel m = models.remove(name);
        if (m == null) {
            throw HttpError.notFound("no model '" + Uploads.printable(name) + "' in this session", "GET /api/models lists them");
        }
        m.close();
        labels.remove(name);
        runs.values().removeIf(r -> r.model().equals(name));
    }

    /** Class labels of a model's outputs, in class order (one per line of its labels file). */
    synchronized void setLabels(String model, java.util.List<String> l) {
        model(model);
        labels.put(model, java.util.List.copyOf(l));
    }

    synchronized java.util.List<String> labels(String model) {
        return labels.getOrDefault(model, java.util.List.of());
    }

    synchronized void addRun(RunData run) {
        runs.put(run.id(), run);
        while (runs.size() > MAX_RUNS) {
            String oldest = runs.keySet().iterator().next();
            runs.remove(oldest);
            deleteTree(dir.resolve("run-" + oldest));
        }
    }

    synchronized RunData run(String id) {
        RunData r = runs.get(id);
        if (r == null) {
            throw HttpError.notFound("no run '" + Uploads.printable(String.valueOf(id)) + "' in this session",
                    "runs are kept per browser session, the last " + MAX_RUNS + " only; run the model again");
        }
        return r;
    }

    /** Forgets everything and deletes the session's folder. */
    synchronized void close() {
        models.values().forEach(LoadedModel::close);
        models.clear();
        runs.clear();
        deleteTree(dir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(Uploads::delete);
        } catch (IOException e) {
            // best effort: a file another thread is writing goes with the next sweep
        }
    }

    /** A model of this session and where it came from. */
    record LoadedModel(String name, Model model, String origin, Path file) {
        void close() {
            model.close();
            if (file != null) {
                Uploads.delete(file);
            }
        }
    }
}
