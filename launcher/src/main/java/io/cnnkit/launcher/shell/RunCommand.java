package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.Reports;
import io.cnnkit.io.api.StageStats;
import io.cnnkit.io.api.TopClasses;

/** cnn:run: a loaded model traced on one image, written as pictures and report.html. */
record RunCommand(ModelRegistry models) {

    /**
     * Options of {@link #run}; {@code labels} (null: class indices) and {@code top} (0: the
     * default, 5) choose what the top classes of each output show ({@link TopK}).
     */
    public record RunParams(Path out, boolean npy, int threads, double rescale, boolean bgr, boolean grey,
            boolean resize, Path labels, int top) {
        public static final RunParams DEFAULT = new RunParams(null, false, 0, 1.0, false, false, false);

        /** Without labels, the default top-K. */
        public RunParams(Path out, boolean npy, int threads, double rescale, boolean bgr, boolean grey,
                boolean resize) {
            this(out, npy, threads, rescale, bgr, grey, resize, null, 0);
        }
    }

    /**
     * Traces a model on one image and writes pictures, report.html and (--npy) .npy files. The
     * result is the stage table (with each stage's inputs for a graph model), every model output
     * in {@link Model#outputNames()} order, the top classes of each ({@link TopK}; also in the
     * report), and the model's warnings.
     */
    Results.Run run(String name, Path image, RunParams params) {
        RunParams p = params == null ? RunParams.DEFAULT : params;
        if (p.threads() < 0) {
            throw new CommandException("--threads must be >= 0, got " + p.threads(), "0 uses the engine default");
        }
        if (p.top() < 0) {
            throw new CommandException("--top must be >= 1, got " + p.top(), "e.g. --top 3 (default " + TopK.DEFAULT_K
                    + ")");
        }
        Model m = models.get(name);
        Labels labels = p.labels() == null ? null : Labels.read(p.labels()); // before the run: a bad file fails fast
        Tensor input = readFor(m, image, p);
        StartTimes.step("image read");
        RunOptions options = RunOptions.DEFAULT.withThreads(p.threads());
        long t0 = System.nanoTime();
        List<Stage> stages = m.trace(input, options);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        StartTimes.step("trace");
        Map<String, Tensor> byName = outputs(m, stages, input, options);
        List<Results.Output> outputs = new ArrayList<>(byName.size());
        for (Map.Entry<String, Tensor> e : byName.entrySet()) {
            outputs.add(Results.Output.of(e.getKey(), e.getValue()));
        }
        List<TopClasses> top = TopK.of(m, byName, labels, p.top());
        Path out = p.out() != null ? p.out() : Path.of("out", name);
        Path report = Reports.writeTrace(name + " on " + image.getFileName(), stages, m.summary(), out, p.npy(),
                PictureOptions.DEFAULT, top);
        StartTimes.step("report");
        return new Results.Run(name, image, steps(stages), report, ms, isGraph(m, stages), outputs, top,
                m.warnings());
    }

    /** Reads an image and makes the tensor fit a model's input (resizing only when asked). */
    static Tensor readFor(Model m, Path image, RunParams p) {
        FileArgs.requireFile(image, "image");
        // (a class, not a lambda: a bundle's lambdas are spun at their first use, which the
        // class-data archive cannot hold)
        return fit(m, image.toString(), new Function<>() {
            @Override
            public Tensor apply(ImageOptions io) {
                return Images.read(image, io);
            }
        }, p);
    }

    /** {@link #readFor(Model, Path, RunParams)} for an image's bytes; messages name {@code image} as the file's. */
    static Tensor readFor(Model m, String image, byte[] content, RunParams p) {
        return fit(m, image, io -> Images.read(content, image, io), p);
    }

    private static Tensor fit(Model m, String image, Function<ImageOptions, Tensor> read, RunParams p) {
        Shape in = m.inputShape();
        ImageOptions io = ImageOptions.DEFAULT.withGrey(p.grey()).withBgr(p.bgr()).withRescale(p.rescale());
        if (p.resize()) {
            if (in.rank() != 3 || !in.isKnown(0) || !in.isKnown(1)) {
                throw new CommandException("--resize needs a model with a fixed input size; '" + m.name()
                        + "' takes " + in, "leave out --resize: this model takes images of any size");
            }
            io = io.withResize(in.dim(1), in.dim(0));
        }
        Tensor t;
        try {
            t = read.apply(io);
        } catch (IllegalArgumentException e) {
            if (!p.resize()) {
                throw e;
            }
            throw new CommandException("cannot resize " + image + " to the input " + in + " of model '" + m.name()
                    + "': " + e.getMessage(), "check the model's input_shape, or leave out --resize");
        }
        Shape got = Shape.ofSample(t);
        if (!in.accepts(got)) {
            String hint = "use --resize";
            if (in.rank() == 3 && in.isKnown(2) && in.dim(2) != got.dim(2)) {
                hint = in.dim(2) == 1 ? "add --grey (the model takes 1 channel)" : "leave out --grey (the model takes "
                        + in.dim(2) + " channels)";
            }
            throw new CommandException("image " + image + " is " + got + " but model '" + m.name() + "' takes " + in,
                    hint);
        }
        return t;
    }

    /**
     * The model's outputs by node name in {@link Model#outputNames()} order, taken from the trace
     * (every node's output is in it); should a name be missing there, from one
     * {@link Model#predictAll} run.
     */
    static Map<String, Tensor> outputs(Model m, List<Stage> stages, Tensor input, RunOptions options) {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Stage s : stages) {
            byName.put(s.name(), s.output());
        }
        List<String> names = m.outputNames();
        if (!byName.keySet().containsAll(names)) {
            return m.predictAll(input, options);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, byName.get(n));
        }
        return out;
    }

    /** A graph model: its description names inputs or outputs, or a stage reads other than the stage before it. */
    static boolean isGraph(Model m, List<Stage> stages) {
        if (m.description().isGraph()) {
            return true;
        }
        for (int i = 1; i < stages.size(); i++) {
            List<String> in = stages.get(i).inputs();
            if (!in.isEmpty() && !in.equals(List.of(stages.get(i - 1).name()))) {
                return true;
            }
        }
        return false;
    }

    static List<Results.Step> steps(List<Stage> stages) {
        List<Results.Step> out = new ArrayList<>();
        for (Stage s : stages) {
            Tensor t = s.output();
            out.add(new Results.Step(s.index(), s.name(), s.type(), t.shapeString(), StageStats.of(t), s.inputs()));
        }
        return out;
    }
}
