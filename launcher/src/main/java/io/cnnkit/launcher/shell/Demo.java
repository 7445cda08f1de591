package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.api.Walkthrough;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.Reports;

/**
 * Replays the walkthrough on one photo: sharpening kernels; the seed model
 * conv_1 -> max pool 3 -> relu -> conv_2 -> max pool 2 -> relu -> conv_3 -> relu -> conv_4
 * -> relu -> flatten -> dens_1, its initial weights saved once and loaded by name into
 * each truncated model; the same with sigmoid and tanh; and the kernel-size comparison
 * with every weight 0.12. Writes pictures, traces and index.html into the output folder.
 */
final class Demo {
    /** The bundled sample photo (public domain, see sample/NOTICE.txt). */
    static final String SAMPLE = "sample/astronaut.png";
    private static final List<String> NEEDED_TYPES = List.of("conv2d", "max_pooling2d", "activation", "flatten", "dense");
    private static final List<String> NEEDED_ACTIVATIONS = List.of("relu", "sigmoid", "tanh");
    /** Single maps (per-filter maps, kernels) in viridis: they stand apart from the colour pictures. */
    private static final PictureOptions VIRIDIS = PictureOptions.DEFAULT.withColormap(PictureOptions.Colormap.VIRIDIS);

    private final Engine engine;
    private final FilterCommand filters;
    private final PrintStream progress;
    private final List<Results.DemoStep> steps = new ArrayList<>();
    private final List<DemoPage.Row> rows = new ArrayList<>();
    private final List<String> traces = new ArrayList<>();
    private int stepNo;
    private int stepCount;

    /** @param progress where each step is reported ("[ 3/20] ...") */
    Demo(Engine engine, FilterCommand filters, PrintStream progress) {
        this.engine = engine;
        this.filters = filters;
        this.progress = progress;
    }

    /**
     * Writes the demo into {@code out} all or nothing: everything goes into a temporary sibling
     * folder that replaces {@code out} at the end, so a failure (a full disk, a stopped bundle)
     * leaves the previous demo as it was.
     */
    Results.DemoRun run(Path image, Path out) {
        long t0 = System.nanoTime();
        checkServices();
        if (image != null) {
            FileArgs.requireFile(image, "image");
        }
        Path[] work = new Path[1];
        Path target = Reports.writeFolder(out, tmp -> {
            work[0] = tmp;
            writeAll(image, tmp);
        });
        List<Results.DemoStep> placed = new ArrayList<>();
        for (Results.DemoStep s : steps) {
            placed.add(new Results.DemoStep(s.section(), s.title(), s.shape(),
                    target.resolve(work[0].relativize(s.picture()))));
        }
        return new Results.DemoRun(target, placed, (System.nanoTime() - t0) / 1_000_000);
    }

    private void writeAll(Path image, Path out) {
        Path input = image != null ? image : extractSample(out);
        Tensor img = Images.read(input, ImageOptions.DEFAULT);
        Shape shape = Shape.ofSample(img);
        stepCount = 1 + 3 + 1 + 12 + 2 + 3; // input, kernels, seed, truncated models, sigmoid+tanh, sizes
        progress("input " + (image != null ? image : "the bundled " + input.getFileName()) + " " + img.shapeString());
        Path inPicture = out.resolve("input.png");
        if (!inPicture.toAbsolutePath().equals(input.toAbsolutePath())) {
            Images.writePicture(img, inPicture);
        }
        DemoPage.Figure inputFigure = figure(out, inPicture, img, PictureOptions.DEFAULT, "input");

        // 1. Sharpening: a 3x3 sharpen, the finer 5x5 one, and the Laplacian edge kernel; each as
        //    numbers and picture, the filtered photo min-max normalised and clipped to 0..255.
        for (String k : Walkthrough.DEMO_KERNELS) {
            float[][] kernel = Initializers.kernel(k);
            String size = kernel.length + "x" + kernel[0].length;
            progress("kernel " + k + " " + size);
            Tensor t = filters.filter(img, k);
            Path dir = out.resolve("kernels");
            Tensor asMap = Tensor.zeros(1, kernel.length, kernel[0].length, 1);
            for (int y = 0; y < kernel.length; y++) {
                for (int x = 0; x < kernel[0].length; x++) {
                    asMap.set(kernel[y][x], 0, y, x, 0);
                }
            }
            List<DemoPage.Figure> figures = List.of(
                    new DemoPage.Figure(null, false, "the kernel", DemoPage.matrix(kernel)),
                    figure(out, dir.resolve(k + "_kernel.png"), asMap, VIRIDIS, "the kernel as a picture"),
                    figure(out, dir.resolve(k + ".png"), t, PictureOptions.DEFAULT, "filtered, min-max to 0..255"),
                    figure(out, dir.resolve(k + "_clip.png"), t, PictureOptions.DEFAULT.withRange(
                            PictureOptions.Range.CLIP), "filtered, clipped to 0..255"));
            step("kernels", k + " (" + size + ")", t, dir.resolve(k + ".png"), figures, "");
        }

        // 2. The seed model: weights saved once, loaded by name into each truncated model.
        ModelDescription seed = Walkthrough.seedModel(shape, "relu");
        Path seedFile = out.resolve("seed.h5");
        Summary fullSummary;
        try (Model full = engine.build(seed)) {
            progress("seed model built, saving its initial weights to " + seedFile.getFileName());
            KerasWeights.save(full, seedFile);
            fullSummary = full.summary();
        }
        List<Long> loadedCounts = new ArrayList<>();
        for (int n = 1; n <= seed.layers().size(); n++) {
            ModelDescription d = seed.prefix(n).withName("walkthrough_" + n);
            LayerSpec last = d.layers().get(n - 1);
            progress("truncated model " + n + "/" + seed.layers().size() + ": up to " + last.name());
            try (Model m = engine.build(d)) {
                LoadReport r = KerasWeights.load(m, seedFile, LoadOptions.BY_NAME);
                loadedCounts.add(r.count(LoadReport.Status.LOADED));
                List<Stage> stages = m.trace(img);
                Tensor o = stages.get(stages.size() - 1).output();
                Map<String, Tensor> w = m.weights().get(last.name());
                Tensor kernel = last.type().equals("conv2d") && w != null ? w.get("kernel") : null;
                Path file = out.resolve("forward").resolve(String.format("%02d_%s.png", n, last.name()));
                stagePictures(out, "forward", String.format("%02d + %s (%s)", n, last.name(), last.type()), o, file,
                        kernel, w == null ? null : w.get("bias"));
                if (n == seed.layers().size()) {
                    trace(out, "trace_relu", "walkthrough model (relu)", stages, m.summary());
                }
            }
        }
        // The same first six layers with sigmoid and with tanh in place of relu.
        for (String act : List.of("sigmoid", "tanh")) {
            ModelDescription d = Walkthrough.seedModel(shape, act).prefix(6).withName("walkthrough_" + act);
            progress("conv_1 .. conv_2 with " + act);
            try (Model m = engine.build(d)) {
                KerasWeights.load(m, seedFile, LoadOptions.BY_NAME);
                List<Stage> stages = m.trace(img);
                for (Stage s : stages) {
                    if (s.type().equals("activation")) {
                        stagePictures(out, "activations", s.name() + " " + act, s.output(), out.resolve("activations")
                                .resolve(act + "_" + s.name() + ".png"), null, null);
                    }
                }
                trace(out, "trace_" + act, "walkthrough model with " + act, stages, m.summary());
            }
        }

        // 3. Kernel sizes: 3 filters of 3x3, 2x2 and 24x24 with every weight 0.12.
        List<DemoPage.Figure> sizes = new ArrayList<>();
        for (int k : new int[] {3, 2, 24}) {
            progress("kernel size " + k + "x" + k + ", every weight 0.12");
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("filters", 3);
            p.put("kernel_size", List.of(k, k));
            p.put("kernel_initializer", Map.of("class_name", "Constant", "config", Map.of("value", 0.12)));
            ModelDescription d = new ModelDescription("kernel_" + k, shape,
                    List.of(new LayerSpec(1, "conv2d", "conv_" + k + "x" + k, p)), Walkthrough.SEED);
            try (Model m = engine.build(d)) {
                Tensor o = m.predict(img);
                Path file = out.resolve("kernel_sizes").resolve(k + "x" + k + ".png");
                DemoPage.Figure f = figure(out, file, o, PictureOptions.DEFAULT, k + "x" + k + " kernel " + o.shapeString());
                sizes.add(f);
                steps.add(new Results.DemoStep("kernel sizes", k + "x" + k + " kernel, weights 0.12", o.shapeString(),
                        file));
            }
        }
        rows.add(new DemoPage.Row("kernel sizes", "3 filters of 3x3, 2x2 and 24x24, every weight 0.12",
                "on the input " + img.shapeString(), sizes, ""));

        DemoPage.write(out, image != null ? image.toString() : input.getFileName() + " (bundled)", img.shapeString(),
                inputFigure, weightsNote(seedFile, loadedCounts), fullSummary, rows, traces);
    }

    /** The one sentence on the weights: saved once, loaded by name, and how many layers each model took. */
    private static String weightsNote(Path seedFile, List<Long> loaded) {
        long min = loaded.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = loaded.stream().mapToLong(Long::longValue).max().orElse(0);
        return "The seed model's initial weights were saved once to " + seedFile.getFileName() + " and loaded by layer "
                + "name into each of the " + loaded.size() + " truncated models (" + min + " to " + max
                + " weighted layers each), as the walkthrough does with load_weights(by_name=True).";
    }

    private void checkServices() {
        TreeSet<String> missing = new TreeSet<>();
        for (String t : NEEDED_TYPES) {
            if (!engine.layerTypes().contains(t)) {
                missing.add("layer type " + t);
            }
        }
        for (String a : NEEDED_ACTIVATIONS) {
            if (!engine.activations().contains(a)) {
                missing.add("activation " + a);
            }
        }
        if (!missing.isEmpty()) {
            throw new CommandException("the demo needs " + String.join(", ", missing),
                    "start the bundles that provide them (cnn:types lists what is present)");
        }
    }

    static Path extractSample(Path out) {
        Path target = out.resolve("astronaut.png");
        try (InputStream in = Demo.class.getResourceAsStream(SAMPLE)) {
            if (in == null) {
                throw new CnnIoException("the bundled sample photo " + SAMPLE + " is missing from the launcher");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CnnIoException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    private void progress(String what) {
        stepNo = Math.min(stepNo + 1, stepCount);
        progress.printf("[%2d/%d] %s%n", stepNo, stepCount, what);
        progress.flush();
    }

    /** Writes the picture of {@code t} and returns its figure: caption, and colour scale under it. */
    private static DemoPage.Figure figure(Path out, Path file, Tensor t, PictureOptions o, String caption) {
        FileArgs.mkdirs(file.getParent());
        Images.writePicture(t, file, o);
        int[] size = Images.size(file);
        return new DemoPage.Figure(out.relativize(file).toString().replace('\\', '/'),
                Math.max(size[0], size[1]) < DemoPage.DISPLAY, caption, Reports.colourScale(t, o));
    }

    /**
     * A stage's row: its picture, and for 3 channels the map of each filter on its own (viridis,
     * on the colour picture's scale: the stage's finite min and max), each with its kernel
     * matrices when given.
     */
    private void stagePictures(Path out, String section, String title, Tensor t, Path file, Tensor kernel,
            Tensor bias) {
        boolean maps = t.rank() == 4 && t.dim(3) == 3;
        List<DemoPage.Figure> figures = new ArrayList<>();
        figures.add(figure(out, file, t, PictureOptions.DEFAULT, maps ? "the 3 filters in colour"
                : t.rank() == 2 ? "the values" : "the stage"));
        String aside = "";
        if (maps) {
            double[] r = finiteRange(t);
            PictureOptions o = r[1] > r[0] ? VIRIDIS.withRange(new PictureOptions.Range(r[0], r[1])) : VIRIDIS;
            String stem = FileArgs.stem(file);
            Tensor one = null;
            for (int c = 0; c < 3; c++) {
                one = channel(t, c);
                DemoPage.Figure f = figure(out, file.resolveSibling(stem + "_filter" + c + ".png"), one, o,
                        "filter " + c);
                figures.add(new DemoPage.Figure(f.src(), f.up(), f.caption(),
                        kernel == null ? "" : DemoPage.filterKernel(kernel, bias, c)));
            }
            aside = "filter maps, one scale for the three:" + Reports.colourScale(one, o);
        }
        steps.add(new Results.DemoStep(section, title, t.shapeString(), file));
        rows.add(new DemoPage.Row(section, title, t.shapeString(), figures, aside));
    }

    private void step(String section, String title, Tensor t, Path picture, List<DemoPage.Figure> figures,
            String aside) {
        steps.add(new Results.DemoStep(section, title, t.shapeString(), picture));
        rows.add(new DemoPage.Row(section, title, t.shapeString(), figures, aside));
    }

    /** Channel c of a (1, H, W, C) tensor as (1, H, W, 1). */
    static Tensor channel(Tensor t, int c) {
        int h = t.dim(1);
        int w = t.dim(2);
        int channels = t.dim(3);
        Tensor one = Tensor.zeros(1, h, w, 1);
        float[] d = t.data();
        for (int i = 0; i < h * w; i++) {
            one.data()[i] = d[t.offset() + i * channels + c];
        }
        return one;
    }

    /** Min and max over the finite values (as the pictures' min-max). */
    static double[] finiteRange(Tensor t) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < t.size(); i++) {
            float v = t.data()[t.offset() + i];
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return new double[] {lo, hi};
    }

    private void trace(Path out, String dir, String title, List<Stage> stages, Summary summary) {
        Reports.writeTrace(title, stages, summary, out.resolve(dir), false);
        traces.add(dir);
    }
}
