package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.Reports;
import io.cnnkit.io.api.StageStats;
import io.cnnkit.io.api.TopClasses;
import io.cnnkit.launcher.bench.Bench;
import io.cnnkit.launcher.bench.Workload;

/**
 * The logic behind the {@code cnn:*} Gogo commands and the {@code ./cnnkit} CLI, usable
 * without OSGi: named models loaded from descriptions or files, runs written as reports,
 * weights saved and loaded by layer name, classic image filters, the demo.
 */
public final class CnnCommands implements AutoCloseable {
    private final Engine engine;
    private final PrintStream progress;
    private final Map<String, Model> models = new LinkedHashMap<>();

    /**
     * @param engine   the engine whose layer services build the models
     * @param progress where long commands (demo) report progress; results are returned, not printed
     */
    public CnnCommands(Engine engine, PrintStream progress) {
        this.engine = engine;
        this.progress = progress;
    }

    Engine engine() {
        return engine;
    }

    PrintStream progress() {
        return progress;
    }

    /** Layer types and activations present, with the bundle (or class) providing each. */
    public Results.Types types() {
        List<Results.Provider> rows = new ArrayList<>();
        Map<String, String> providers = engine.providers();
        for (String t : engine.layerTypes()) {
            rows.add(new Results.Provider("layer", t, providers.getOrDefault("layer " + t, "?")));
        }
        for (String a : engine.activations()) {
            rows.add(new Results.Provider("activation", a, providers.getOrDefault("activation " + a, "?")));
        }
        return new Results.Types(rows);
    }

    /** Where a model came from and the weights file that comes with it (a full-model .h5). */
    record Source(ModelDescription description, String origin, Path weights) {
    }

    /**
     * Reads a MODEL argument: a cnnkit or Keras JSON file, a full-model Keras .h5 (architecture
     * from its model_config, weights from the same file), or a description string.
     */
    Source describe(String model) {
        if (model == null || model.isBlank()) {
            throw new CommandException("no model given", "give a JSON file, a full-model .h5 or a description such as "
                    + "'conv2d(3, 3) | max_pooling2d(3) | relu'");
        }
        Path p = asPath(model);
        if (p != null && Files.isDirectory(p)) {
            throw new CommandException("the model " + p + " is a folder",
                    "give a model file (cnnkit or Keras JSON, or a full-model Keras .h5) or a description in quotes");
        }
        if (p != null && Files.isRegularFile(p) && isImage(p)) {
            throw new CommandException(p + " is an image where the model is expected",
                    "the model comes first: ./cnnkit run MODEL IMAGE");
        }
        if (p != null && Files.isRegularFile(p)) {
            if (isH5(p)) {
                Optional<String> config = KerasWeights.modelConfig(p);
                if (config.isEmpty()) {
                    throw new CommandException(p + " holds weights only (no model_config attribute)",
                            "give the architecture as JSON and the weights with --weights " + p);
                }
                return new Source(parseFile(p, config.get()), p.toString(), p);
            }
            String text;
            try {
                text = Files.readString(p);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new CommandException(p + " is not a text file, so not a model description",
                        "a model file is cnnkit or Keras JSON, or a full-model Keras .h5");
            } catch (IOException e) {
                throw new CnnIoException("cannot read model file " + p + ": " + e.getMessage(), e);
            }
            if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") && !text.isBlank()
                    && !text.strip().startsWith("{")) {
                throw new CommandException(p + ": not a JSON object; a model file holds {\"layers\": [...]} (cnnkit) or"
                        + " a Keras model.to_json()", "check the model file, or give a one-line description in quotes");
            }
            return new Source(parseFile(p, text), p.toString(), null);
        }
        if (looksLikeFile(model)) {
            throw new CommandException("no such model file: " + model,
                    "check the path, or give a description such as 'conv2d(3, 3) | relu'");
        }
        return new Source(engine.parse(model), "description", null);
    }

    /** Whether a file starts like a PNG, JPEG, GIF or BMP image (what io.image reads). */
    static boolean isImage(Path p) {
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(p)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 2) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        return (head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G')
                || (head[0] == (byte) 0xFF && head[1] == (byte) 0xD8)
                || (head[0] == 'G' && head[1] == 'I' && head[2] == 'F')
                || (head[0] == 'B' && head[1] == 'M');
    }

    /** Parses a model file's text; errors name the file (the engine's name the layer, not the file). */
    private ModelDescription parseFile(Path p, String text) {
        try {
            return engine.parse(text);
        } catch (ModelException e) {
            throw inFile(p.toString(), e);
        }
    }

    /** The same error with the model file's name in front; "type unavailable" errors (API) keep their class. */
    private static RuntimeException inFile(String file, ModelException e) {
        if (e instanceof io.cnnkit.engine.api.ModelUnavailableException || String.valueOf(e.getMessage()).startsWith(file)) {
            return e;
        }
        return new ModelException(file + ": " + e.getMessage(), e);
    }

    private static Path asPath(String s) {
        try {
            return Path.of(s);
        } catch (RuntimeException e) {
            return null; // characters a path cannot hold: a description
        }
    }

    private static boolean isH5(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".h5") || n.endsWith(".hdf5");
    }

    private static boolean looksLikeFile(String s) {
        String l = s.toLowerCase(Locale.ROOT).strip();
        return l.endsWith(".json") || l.endsWith(".h5") || l.endsWith(".hdf5")
                || (!l.contains("(") && !l.contains("|") && !l.startsWith("{") && l.contains("/"));
    }

    /**
     * Builds a model under {@code name} (replacing one of that name). Weights come from
     * {@code weights} when given, else from a full-model .h5 MODEL, else the initializers
     * (seeded with {@code seed} when not null).
     */
    public Results.Loaded load(String name, String model, Path weights, LoadOptions options, Long seed) {
        checkName(name);
        Source src = describe(model);
        ModelDescription d = src.description().withName(name);
        if (seed != null) {
            d = d.withSeed(seed);
        }
        Path wfile = weights != null ? weights : src.weights();
        if (wfile != null && !Files.isRegularFile(wfile)) {
            throw new CommandException("no such weights file: " + wfile, "check the path given to --weights");
        }
        Model m;
        try {
            m = engine.build(d);
        } catch (ModelException e) {
            throw "description".equals(src.origin()) ? e : inFile(src.origin(), e);
        }
        LoadReport report = null;
        try {
            if (wfile != null) {
                report = KerasWeights.load(m, wfile, options == null ? LoadOptions.BY_ORDER : options);
                warnSkipped(report);
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        Model old;
        synchronized (models) {
            old = models.put(name, m);
        }
        if (old != null) {
            old.close();
        }
        return new Results.Loaded(name, src.origin(), m.inputShape(), m.layers().size(), params(m), report,
                m.outputNames(), m.warnings());
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new CommandException("invalid model name '" + name + "'",
                    "use letters, digits, '_', '.', '-' (e.g. cnn:load m1 model.json)");
        }
    }

    private static long params(Model m) {
        long n = 0;
        for (LayerInfo li : m.layers()) {
            n += li.parameters();
        }
        return n;
    }

    /** The model loaded under {@code name}; an error lists the loaded names. */
    public Model model(String name) {
        synchronized (models) {
            Model m = models.get(name);
            if (m == null) {
                throw new CommandException("no model named '" + name + "'" + (models.isEmpty() ? " (none loaded)"
                        : "; loaded: " + String.join(", ", models.keySet())), "load one with cnn:load " + name + " MODEL");
            }
            return m;
        }
    }

    public Results.Models models() {
        List<Results.ModelState> out = new ArrayList<>();
        synchronized (models) {
            for (Map.Entry<String, Model> e : models.entrySet()) {
                Model m = e.getValue();
                boolean ok = m.isAvailable();
                out.add(new Results.ModelState(e.getKey(), ok, ok ? null : m.unavailableReason(),
                        m.description().layers().size()));
            }
        }
        return new Results.Models(out);
    }

    /** Removes a loaded model. */
    public boolean unload(String name) {
        Model m;
        synchronized (models) {
            m = models.remove(name);
        }
        if (m != null) {
            m.close();
        }
        return m != null;
    }

    public Results.SummaryText summary(String name) {
        return new Results.SummaryText(model(name).summary());
    }

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

    /** Reads an image and makes the tensor fit a model's input (resizing only when asked). */
    Tensor readFor(Model m, Path image, RunParams p) {
        requireFile(image, "image");
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
            t = Images.read(image, io);
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
     * Traces a model on one image and writes pictures, report.html and (--npy) .npy files. The
     * result is the stage table (with each stage's inputs for a graph model), every model output
     * in {@link Model#outputNames()} order, the top classes of each ({@link TopK}; also in the
     * report), and the model's warnings.
     */
    public Results.Run run(String name, Path image, RunParams params) {
        RunParams p = params == null ? RunParams.DEFAULT : params;
        if (p.threads() < 0) {
            throw new CommandException("--threads must be >= 0, got " + p.threads(), "0 uses the engine default");
        }
        if (p.top() < 0) {
            throw new CommandException("--top must be >= 1, got " + p.top(), "e.g. --top 3 (default " + TopK.DEFAULT_K
                    + ")");
        }
        Model m = model(name);
        Labels labels = p.labels() == null ? null : Labels.read(p.labels()); // before the run: a bad file fails fast
        Tensor input = readFor(m, image, p);
        RunOptions options = RunOptions.DEFAULT.withThreads(p.threads());
        long t0 = System.nanoTime();
        List<Stage> stages = m.trace(input, options);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Tensor> byName = outputs(m, stages, input, options);
        List<Results.Output> outputs = new ArrayList<>(byName.size());
        byName.forEach((n, t) -> outputs.add(Results.Output.of(n, t)));
        List<TopClasses> top = TopK.of(m, byName, labels, p.top());
        Path out = p.out() != null ? p.out() : Path.of("out", name);
        Path report = Reports.writeTrace(name + " on " + image.getFileName(), stages, m.summary(), out, p.npy(),
                PictureOptions.DEFAULT, top);
        return new Results.Run(name, image, steps(stages), report, ms, isGraph(m, stages), outputs, top,
                m.warnings());
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

    /**
     * Options of {@link #bench}: batch (0: 1, or the workload's), threads (0: every core), timed
     * runs, untimed warm-up runs after the cold one, seed of the random input, and an input
     * shape for descriptions that leave it open (null: the model's).
     */
    public record BenchParams(int batch, int threads, int runs, int warmup, long seed, Shape input) {
        public static final BenchParams DEFAULT = new BenchParams(0, 0, 10, 2, 42, null);
    }

    /**
     * Times a model on seeded random input (see {@link Bench}). MODEL is a loaded model's name,
     * a workload (W1..W4, which also sets the batch), or what {@link #load} takes. A model built
     * here is closed afterwards; a loaded one stays.
     */
    public Results.BenchRun bench(String model, BenchParams params) {
        BenchParams p = params == null ? BenchParams.DEFAULT : params;
        Model loaded;
        synchronized (models) {
            loaded = models.get(model);
        }
        if (p.batch() < 0 || p.threads() < 0) {
            throw new CommandException("--batch and --threads must be >= 1 (0 or absent: the default), got "
                    + p.batch() + " and " + p.threads(), "./cnnkit help bench");
        }
        Workload w = loaded == null ? Workload.find(model) : null;
        int batch = p.batch() > 0 ? p.batch() : w != null ? w.batch() : 1;
        Bench.Options options;
        try {
            options = new Bench.Options(batch, p.threads() > 0 ? p.threads() : Runtime.getRuntime().availableProcessors(),
                    p.runs(), p.warmup(), p.seed());
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), "./cnnkit help bench");
        }
        if (loaded != null) {
            if (p.input() != null) {
                throw new CommandException("--input cannot change the input of loaded model '" + model + "'",
                        "load it again from a description with that input shape, or bench the description itself");
            }
            return new Results.BenchRun(model, benchOne(loaded, options));
        }
        String origin;
        ModelDescription d;
        Path weights = null;
        if (w != null) {
            d = engine.parse(w.description());
            origin = "workload " + w;
        } else {
            Source src = describe(model);
            d = src.description();
            origin = src.origin();
            weights = src.weights();
        }
        if (p.input() != null) {
            d = d.withInputShape(p.input());
        }
        try (Model m = engine.build(d)) {
            if (weights != null) {
                KerasWeights.load(m, weights, LoadOptions.BY_ORDER);
            }
            return new Results.BenchRun(origin, benchOne(m, options));
        }
    }

    private Bench.Result benchOne(Model m, Bench.Options options) {
        if (!m.inputShape().isFullyKnown()) {
            throw new CommandException("model '" + m.name() + "' takes input " + m.inputShape()
                    + " with open dimensions", "give one with --input HxWxC, e.g. --input 224x224x3");
        }
        progress.printf(Locale.ROOT, "bench %s: batch %d, threads %d, %d warm-up + %d timed runs%n", m.name(),
                options.batch(), options.threads(), options.warmup(), options.runs());
        Tensor input = Bench.randomInput(m.inputShape(), options.batch(), options.seed());
        return Bench.run(m, input, options, progress);
    }

    static List<Results.Step> steps(List<Stage> stages) {
        List<Results.Step> out = new ArrayList<>();
        for (Stage s : stages) {
            Tensor t = s.output();
            out.add(new Results.Step(s.index(), s.name(), s.type(), t.shapeString(), StageStats.of(t), s.inputs()));
        }
        return out;
    }

    public Results.Saved weightsSave(String name, Path file) {
        Model m = model(name);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CommandException("folder " + parent + " does not exist", "create it first or pick another path");
        }
        KerasWeights.save(m, file);
        int weighted = 0;
        for (LayerInfo li : m.layers()) {
            if (!li.weightShapes().isEmpty()) {
                weighted++;
            }
        }
        return new Results.Saved(name, file, weighted, params(m));
    }

    public Results.WeightsLoaded weightsLoad(String name, Path file, LoadOptions options) {
        Model m = model(name);
        requireFile(file, "weights file");
        LoadReport r = KerasWeights.load(m, file, options);
        warnSkipped(r);
        return new Results.WeightsLoaded(name, r);
    }

    /** As Keras with skip_mismatch: a warning per skipped layer, also when only the last result is printed. */
    private void warnSkipped(LoadReport r) {
        for (LoadReport.Entry e : r.entries()) {
            if (e.status() == LoadReport.Status.SKIPPED_MISMATCH) {
                progress.println("warning: layer " + e.layer() + " skipped: " + e.detail());
            }
        }
    }

    public Results.WeightFile weightsShow(Path file) {
        requireFile(file, "weights file");
        return new Results.WeightFile(KerasWeights.inspect(file));
    }

    /**
     * Options of {@link #filter}: the output picture (null: out/filter/IMAGE_KERNEL.png), and
     * {@code clip}: the picture holds the filtered values clamped to 0..255 ({@code
     * clamp(round(v))}, as image editors and OpenCV's imwrite save them) instead of min-max
     * normalised to 0..255 (the default, as the walkthrough's pictures).
     */
    public record FilterParams(Path out, boolean clip) {
        public static final FilterParams DEFAULT = new FilterParams(null, false);
    }

    /**
     * Applies a classic kernel channel by channel: a conv2d with filters = channels,
     * kernel_initializer = the kernel, padding same, no bias.
     */
    public Results.Filtered filter(Path image, String kernel, FilterParams params) {
        FilterParams p = params == null ? FilterParams.DEFAULT : params;
        Path out = p.out();
        float[][] k = Initializers.kernel(kernel);
        if (k == null) {
            String near = DidYouMean.closest(kernel, Initializers.kernelNames());
            throw new CommandException("unknown kernel '" + kernel + "'" + (near == null ? "" : "; did you mean '"
                    + near + "'?"),
                    "available: " + String.join(", ", Initializers.kernelNames()));
        }
        requireFile(image, "image");
        Tensor img = Images.read(image, ImageOptions.DEFAULT);
        Tensor result = filter(img, kernel, k.length, k[0].length);
        Path target = out != null ? out : Path.of("out", "filter", stem(image) + "_" + kernel + ".png");
        mkdirs(target.toAbsolutePath().getParent());
        Images.writePicture(result, target, p.clip() ? PictureOptions.DEFAULT.withRange(PictureOptions.Range.CLIP)
                : PictureOptions.DEFAULT);
        return new Results.Filtered(image, kernel, result.shapeString(), target, p.clip());
    }

    /** One conv2d filter pass on an (N, H, W, C) tensor. */
    Tensor filter(Tensor img, String kernel, int kh, int kw) {
        int c = img.dim(3);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("filters", c);
        params.put("kernel_size", List.of(kh, kw));
        params.put("padding", "same");
        params.put("use_bias", false);
        params.put("kernel_initializer", kernel);
        ModelDescription d = new ModelDescription("filter_" + kernel, Shape.of(img.dim(1), img.dim(2), c),
                List.of(new LayerSpec(1, "conv2d", kernel, params)), 0L);
        try (Model m = engine.build(d)) {
            return m.predict(img);
        }
    }

    public Results.DemoRun demo(Path image, Path out) {
        return new Demo(this).run(image, out != null ? out : Path.of("out", "demo"));
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    static void requireFile(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new CommandException("no such " + what + ": " + p, Files.isDirectory(p) ? p + " is a folder; give a file"
                    : "check the path (relative paths start at " + Path.of("").toAbsolutePath() + ")");
        }
    }

    static void mkdirs(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CnnIoException("cannot create folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Closes every loaded model. */
    @Override
    public void close() {
        List<Model> all;
        synchronized (models) {
            all = new ArrayList<>(models.values());
            models.clear();
        }
        for (Model m : all) {
            m.close();
        }
    }
}
