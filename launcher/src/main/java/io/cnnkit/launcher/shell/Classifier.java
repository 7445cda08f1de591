package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.launcher.cli.Errors;

/**
 * The classification of images by one model, wherever it runs: {@code ./cnnkit classify} in
 * this JVM, or a Spark task (module spark). What to write (top classes or a layer's values) is
 * checked against the model once; then images are decoded ({@link #decode}) and classified a
 * batch at a time ({@link #run}), one {@link ClassifyRow} per image, errors included.
 */
public final class Classifier {
    private final Model model;
    private final ClassifyParams params;
    private final Plan plan;
    private final RunOptions options;

    /** What the model gives per image: the top classes of one output, or one layer's values. */
    private record Plan(String node, boolean features, int width, int k, boolean probabilities, boolean binary,
            List<String> labels) {
    }

    /** One image as decoded: its tensor, or why it could not be read. */
    public record Decoded(String path, Tensor input, String error) {
    }

    private Classifier(Model model, ClassifyParams params, Plan plan) {
        this.model = model;
        this.params = params;
        this.plan = plan;
        this.options = RunOptions.DEFAULT.withThreads(params.threads());
    }

    /**
     * A classifier of {@code m} for {@code p}'s options (labels, --top, --features, image
     * options, threads); fails before any image when they do not fit the model.
     */
    public static Classifier of(Model m, ClassifyParams p) {
        return new Classifier(m, p, plan(m, p));
    }

    /** The CSV columns of its rows. */
    public List<String> header() {
        return ResultFile.header(plan.k(), plan.probabilities(), plan.features() ? plan.width() : 0);
    }

    /** Reads an image file; a failure is the decoded image's error. */
    public Decoded decode(String path, Path file) {
        try {
            return new Decoded(path, RunCommand.readFor(model, file, params.image()), null);
        } catch (RuntimeException | Error e) { // any failure is this image's row: the run goes on
            return new Decoded(path, null, Errors.message(Errors.unwrap(e)));
        }
    }

    /** Reads an image from its file's bytes, exactly as {@link #decode(String, Path)} reads the file {@code path}. */
    public Decoded decode(String path, byte[] content) {
        try {
            return new Decoded(path, RunCommand.readFor(model, path, content, params.image()), null);
        } catch (RuntimeException | Error e) {
            return new Decoded(path, null, Errors.message(Errors.unwrap(e)));
        }
    }

    /** The rows of one batch in its order; images of one shape run together, a failing run image by image. */
    public List<ClassifyRow> run(List<Decoded> batch) {
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
                runGroup(batch, group, rows);
            } catch (RuntimeException e) {
                for (int i : group) { // find the image that fails; the others still get their rows
                    try {
                        runGroup(batch, List.of(i), rows);
                    } catch (RuntimeException one) {
                        rows[i] = ClassifyRow.failed(batch.get(i).path(), Errors.message(Errors.unwrap(one)));
                    }
                }
            }
        }
        return List.of(rows);
    }

    private void runGroup(List<Decoded> batch, List<Integer> group, ClassifyRow[] rows) {
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
        Tensor out = plan.features() ? stage(model.trace(input, options), plan.node())
                : model.predictAll(input, options).get(plan.node());
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
