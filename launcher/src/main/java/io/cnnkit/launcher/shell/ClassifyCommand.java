package io.cnnkit.launcher.shell;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.launcher.cli.Errors;

/**
 * {@code ./cnnkit classify}: a loaded model on many images, one row per image in a CSV or JSON
 * Lines file ({@link ResultFile}). A decoding thread reads the next batch while the model runs
 * the current one; the queue between them holds two batches, so memory does not grow with the
 * number of images. An image that fails gets an error row and the run goes on.
 */
record ClassifyCommand(ModelRegistry models) {
    static final int DEFAULT_BATCH = 16;
    /** Batches decoded ahead of the model: one being filled, one waiting. */
    private static final int QUEUE = 2;

    /**
     * @param inputs   image files and folders
     * @param out      the result file, .csv or .jsonl
     * @param labels   class labels, or null for class indices
     * @param top      classes per row (0: {@value TopK#DEFAULT_K}, capped at the class count)
     * @param features a layer whose output to write instead of classes, or null
     * @param resume   continue an earlier run's file, skipping its paths
     * @param batch    images per model run (0: {@value #DEFAULT_BATCH})
     * @param threads  model threads (0: the engine default)
     */
    record ClassifyParams(List<Path> inputs, Path out, Path labels, int top, String features, boolean resume,
            int batch, int threads, double rescale, boolean bgr, boolean grey, boolean resize) {
        ClassifyParams {
            inputs = List.copyOf(inputs);
            out = out != null ? out : Path.of("out", "classify.csv");
        }

        RunCommand.RunParams image() {
            return new RunCommand.RunParams(null, false, threads, rescale, bgr, grey, resize);
        }
    }

    /** What the model gives per image: the top classes of one output, or one layer's values. */
    private record Plan(String node, boolean features, int width, int k, boolean probabilities, boolean binary,
            List<String> labels) {
    }

    /** One image as decoded: its tensor, or why it could not be read. */
    private record Decoded(String path, Tensor input, String error) {
    }

    private static final List<Decoded> END = List.of();

    Results.Classified classify(String name, ClassifyParams p, PrintStream progress, boolean terminal) {
        Model m = models.get(name);
        List<Path> images = ImageInputs.expand(p.inputs());
        Plan plan = plan(m, p);
        List<String> header = ResultFile.header(plan.k(), plan.probabilities(), plan.features() ? plan.width() : 0);
        ResultFile file = ResultFile.open(p.out(), header, p.resume());
        List<String> todo = new ArrayList<>();
        Set<String> done = file.done();
        for (Path i : images) {
            if (!done.contains(i.toString())) {
                todo.add(i.toString());
            }
        }
        int batch = p.batch() > 0 ? p.batch() : DEFAULT_BATCH;
        RunOptions options = RunOptions.DEFAULT.withThreads(p.threads());
        ClassifyProgress bar = new ClassifyProgress(progress, terminal, todo.size());
        BlockingQueue<List<Decoded>> queue = new ArrayBlockingQueue<>(QUEUE);
        Thread decoder = new Thread(() -> decode(m, p, todo, batch, queue), "cnnkit-classify-decoder");
        decoder.setDaemon(true);
        long t0 = System.nanoTime();
        int count = 0;
        int failed = 0;
        decoder.start();
        try {
            for (List<Decoded> b = take(queue); b != END; b = take(queue)) {
                for (ClassifyRow row : run(m, plan, b, options)) {
                    file.write(row);
                    count++;
                    failed += row.error() != null ? 1 : 0;
                }
                bar.update(count, failed);
            }
            file.commit();
        } catch (RuntimeException | Error e) {
            decoder.interrupt();
            file.close(); // FILE.part stays: --resume continues it
            throw e;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Results.Classified(p.out(), count, failed, images.size() - todo.size(), file.failedBefore(),
                seconds);
    }

    private static List<Decoded> take(BlockingQueue<List<Decoded>> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("classify was interrupted", "run again with --resume to continue");
        }
    }

    /** The decoding thread: batches of decoded images, then {@link #END}. */
    private static void decode(Model m, ClassifyParams p, List<String> paths, int batch,
            BlockingQueue<List<Decoded>> queue) {
        RunCommand.RunParams io = p.image();
        try {
            for (int from = 0; from < paths.size(); from += batch) {
                List<Decoded> b = new ArrayList<>(batch);
                for (String path : paths.subList(from, Math.min(paths.size(), from + batch))) {
                    try {
                        b.add(new Decoded(path, RunCommand.readFor(m, Path.of(path), io), null));
                    } catch (RuntimeException | Error e) { // any failure is this image's row: the thread must go on
                        b.add(new Decoded(path, null, Errors.message(Errors.unwrap(e))));
                    }
                }
                queue.put(b);
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the run failed and stopped reading
        }
    }

    /** The rows of one batch in its order; images of one shape run together, a failing run image by image. */
    private static List<ClassifyRow> run(Model m, Plan plan, List<Decoded> batch, RunOptions options) {
        ClassifyRow[] rows = new ClassifyRow[batch.size()];
        Map<Shape, List<Integer>> byShape = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Decoded d = batch.get(i);
            if (d.error() != null) {
                rows[i] = ClassifyRow.failed(d.path(), d.error());
            } else {
                byShape.computeIfAbsent(Shape.ofSample(d.input()), s -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> group : byShape.values()) {
            try {
                runGroup(m, plan, batch, group, options, rows);
            } catch (RuntimeException e) {
                for (int i : group) { // find the image that fails; the others still get their rows
                    try {
                        runGroup(m, plan, batch, List.of(i), options, rows);
                    } catch (RuntimeException one) {
                        rows[i] = ClassifyRow.failed(batch.get(i).path(), Errors.message(Errors.unwrap(one)));
                    }
                }
            }
        }
        return List.of(rows);
    }

    private static void runGroup(Model m, Plan plan, List<Decoded> batch, List<Integer> group, RunOptions options,
            ClassifyRow[] rows) {
        Tensor first = batch.get(group.get(0)).input();
        int per = first.size();
        float[] data = new float[per * group.size()];
        for (int j = 0; j < group.size(); j++) {
            Tensor t = batch.get(group.get(j)).input();
            System.arraycopy(t.data(), t.offset(), data, j * per, per);
        }
        int[] shape = first.shape().clone();
        shape[0] = group.size();
        Tensor input = Tensor.wrap(data, shape);
        Tensor out = plan.features() ? stage(m.trace(input, options), plan.node()) : m.predictAll(input, options)
                .get(plan.node());
        for (int j = 0; j < group.size(); j++) {
            Tensor s = out.sample(j);
            String path = batch.get(group.get(j)).path();
            float[] v = new float[s.size()];
            System.arraycopy(s.data(), s.offset(), v, 0, v.length);
            if (plan.features()) {
                if (plan.width() > 0 && v.length != plan.width()) {
                    rows[group.get(j)] = ClassifyRow.failed(path, "layer '" + plan.node() + "' gave " + v.length
                            + " values for this image, not " + plan.width() + " as for the others");
                } else {
                    rows[group.get(j)] = new ClassifyRow(path, List.of(), v, null);
                }
            } else {
                float[] scores = plan.binary() ? new float[] {1 - v[0], v[0]} : v;
                rows[group.get(j)] = new ClassifyRow(path, TopK.rank(scores, plan.labels(), plan.k()), null, null);
            }
        }
    }

    private static Tensor stage(List<Stage> stages, String name) {
        for (Stage s : stages) {
            if (s.name().equals(name)) {
                return s.output();
            }
        }
        throw new IllegalStateException("the trace has no stage '" + name + "'");
    }

    /** What to write, checked against the model before any image is read. */
    private static Plan plan(Model m, ClassifyParams p) {
        if (p.top() < 0 || p.batch() < 0 || p.threads() < 0) {
            throw new CommandException("--top, --batch and --threads must be at least 1", "e.g. --batch 16");
        }
        Labels labels = p.labels() == null ? null : Labels.read(p.labels());
        Map<String, LayerInfo> layers = new LinkedHashMap<>();
        for (LayerInfo l : m.layers()) {
            layers.put(l.name(), l);
        }
        if (p.features() != null) {
            LayerInfo l = layers.get(p.features());
            if (l == null) {
                String near = DidYouMean.closest(p.features(), List.copyOf(layers.keySet()));
                throw new CommandException("--features: model '" + m.name() + "' has no layer '" + p.features() + "'"
                        + (near != null ? "; did you mean '" + near + "'?" : ""),
                        "./cnnkit summary MODEL lists the layer names");
            }
            boolean known = l.outputShape().isFullyKnown();
            if (!known && ResultFile.formatOf(p.out()) == ResultFile.Format.CSV) {
                throw new CommandException("--features " + l.name() + ": its output " + l.outputShape()
                        + " changes with the image size, and a CSV needs one column count",
                        "add --resize, or write JSON Lines (--out FILE.jsonl)");
            }
            return new Plan(l.name(), true, known ? (int) l.outputShape().elementCount() : 0, 0, false, false, null);
        }
        List<String> tried = new ArrayList<>();
        for (String name : m.outputNames()) {
            LayerInfo l = layers.get(name);
            Shape s = l == null ? null : l.outputShape();
            if (s == null || !isClassVector(s)) {
                tried.add("'" + name + "' " + (s == null ? "?" : s));
                continue;
            }
            int classes = s.dim(s.rank() - 1);
            String reading = TopK.reading(TopK.activation(m, name), classes);
            boolean binary = reading.equals(TopK.BINARY);
            int n = binary ? 2 : classes;
            if (labels != null && labels.size() != n) {
                throw new CommandException("labels file " + labels.file() + " has " + labels.size() + " label"
                        + (labels.size() == 1 ? "" : "s") + " but output '" + name + "' has " + n + " classes"
                        + (binary ? " (one sigmoid unit: classes 0 and 1)" : ""),
                        "give one label per class in class order (line 1 = class 0)");
            }
            int k = Math.min(p.top() > 0 ? p.top() : TopK.DEFAULT_K, n);
            return new Plan(name, false, n, k, !reading.equals(TopK.RAW), binary, labels == null ? null
                    : labels.names());
        }
        throw new CommandException("model '" + m.name() + "' has no output with one score per class (outputs: "
                + String.join(", ", tried) + ")", "write a layer's values instead with --features LAYER");
    }

    /** A sample shape that is one score per class: (C) or (1, ..., 1, C). */
    private static boolean isClassVector(Shape s) {
        if (!s.isFullyKnown() || s.rank() < 1) {
            return false;
        }
        for (int i = 0; i < s.rank() - 1; i++) {
            if (s.dim(i) != 1) {
                return false;
            }
        }
        return true;
    }
}
