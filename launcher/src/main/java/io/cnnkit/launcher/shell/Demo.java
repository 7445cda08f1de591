package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
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
    /** Seed of the initial weights, so every demo run draws the same pictures. */
    static final long SEED = 2017L;
    private static final List<String> NEEDED_TYPES = List.of("conv2d", "max_pooling2d", "activation", "flatten", "dense");
    private static final List<String> NEEDED_ACTIVATIONS = List.of("relu", "sigmoid", "tanh");

    private final CnnCommands commands;
    private final Engine engine;
    private final List<Results.DemoStep> steps = new ArrayList<>();
    private final List<String> traces = new ArrayList<>();
    private int stepNo;
    private int stepCount;

    Demo(CnnCommands commands) {
        this.commands = commands;
        this.engine = commands.engine();
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
            CnnCommands.requireFile(image, "image");
        }
        Path[] work = new Path[1];
        Path target = Reports.writeFolder(out, tmp -> {
            work[0] = tmp;
            writeAll(image, tmp);
        });
        List<Results.DemoStep> placed = new ArrayList<>();
        for (Results.DemoStep s : steps) {
            placed.add(new Results.DemoStep(s.section(), s.title(), s.shape(),
                    target.resolve(work[0].relativize(s.picture())), s.extra()));
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

        // 1. Sharpening: a 3x3 sharpen, the finer 5x5 one, and the Laplacian edge kernel.
        for (String k : List.of("sharpen", "sharpen5", "laplacian")) {
            float[][] kernel = Initializers.kernel(k);
            progress("kernel " + k + " " + kernel.length + "x" + kernel[0].length);
            Tensor t = commands.filter(img, k, kernel.length, kernel[0].length);
            picture("kernels", k + " (" + kernel.length + "x" + kernel[0].length + ")", t,
                    out.resolve("kernels").resolve(k + ".png"));
        }

        // 2. The seed model: weights saved once, loaded by name into each truncated model.
        ModelDescription seed = seedModel(shape, "relu");
        Path seedFile = out.resolve("seed.h5");
        Summary fullSummary;
        try (Model full = engine.build(seed)) {
            progress("seed model built, saving its initial weights to " + seedFile.getFileName());
            KerasWeights.save(full, seedFile);
            fullSummary = full.summary();
        }
        for (int n = 1; n <= seed.layers().size(); n++) {
            ModelDescription d = seed.prefix(n).withName("walkthrough_" + n);
            LayerSpec last = d.layers().get(n - 1);
            progress("truncated model " + n + "/" + seed.layers().size() + ": up to " + last.name());
            try (Model m = engine.build(d)) {
                LoadReport r = KerasWeights.load(m, seedFile, LoadOptions.BY_NAME);
                long loaded = r.count(LoadReport.Status.LOADED);
                List<Stage> stages = m.trace(img);
                Tensor o = stages.get(stages.size() - 1).output();
                Map<String, String> extra = new LinkedHashMap<>();
                extra.put("weights loaded by name", loaded + " layer(s)");
                steps.add(new Results.DemoStep("forward", String.format("%02d + %s (%s)", n, last.name(), last.type()),
                        o.shapeString(), write(o, out.resolve("forward").resolve(String.format("%02d_%s.png", n,
                                last.name()))), extra));
                if (n == seed.layers().size()) {
                    trace(out, "trace_relu", "walkthrough model (relu)", stages, m.summary());
                }
            }
        }
        // The same first six layers with sigmoid and with tanh in place of relu.
        for (String act : List.of("sigmoid", "tanh")) {
            ModelDescription d = seedModel(shape, act).prefix(6).withName("walkthrough_" + act);
            progress("conv_1 .. conv_2 with " + act);
            try (Model m = engine.build(d)) {
                KerasWeights.load(m, seedFile, LoadOptions.BY_NAME);
                List<Stage> stages = m.trace(img);
                for (Stage s : stages) {
                    if (s.type().equals("activation")) {
                        picture("activations", s.name() + " " + act, s.output(), out.resolve("activations")
                                .resolve(act + "_" + s.name() + ".png"));
                    }
                }
                trace(out, "trace_" + act, "walkthrough model with " + act, stages, m.summary());
            }
        }

        // 3. Kernel sizes: 3 filters of 3x3, 2x2 and 24x24 with every weight 0.12.
        for (int k : new int[] {3, 2, 24}) {
            progress("kernel size " + k + "x" + k + ", every weight 0.12");
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("filters", 3);
            p.put("kernel_size", List.of(k, k));
            p.put("kernel_initializer", Map.of("class_name", "Constant", "config", Map.of("value", 0.12)));
            ModelDescription d = new ModelDescription("kernel_" + k, shape,
                    List.of(new LayerSpec(1, "conv2d", "conv_" + k + "x" + k, p)), SEED);
            try (Model m = engine.build(d)) {
                picture("kernel sizes", k + "x" + k + " kernel, weights 0.12", m.predict(img),
                        out.resolve("kernel_sizes").resolve(k + "x" + k + ".png"));
            }
        }

        writeIndex(out, image != null ? image.toString() : input.getFileName() + " (bundled)", img.shapeString(),
                fullSummary);
    }

    /**
     * The walkthrough's model: every conv has 3 filters of 3x3 (Keras 1's Conv2D(3, 3, 3)),
     * activation layers use {@code act}.
     */
    static ModelDescription seedModel(Shape input, String act) {
        List<LayerSpec> l = new ArrayList<>();
        l.add(conv("conv_1"));
        l.add(spec("max_pooling2d", "pool_1", Map.of("pool_size", List.of(3, 3))));
        l.add(spec("activation", "act_1", Map.of("activation", act)));
        l.add(conv("conv_2"));
        l.add(spec("max_pooling2d", "pool_2", Map.of("pool_size", List.of(2, 2))));
        l.add(spec("activation", "act_2", Map.of("activation", act)));
        l.add(conv("conv_3"));
        l.add(spec("activation", "act_3", Map.of("activation", act)));
        l.add(conv("conv_4"));
        l.add(spec("activation", "act_4", Map.of("activation", act)));
        l.add(spec("flatten", "flatten", Map.of()));
        l.add(spec("dense", "dens_1", Map.of("units", 8, "activation", "relu")));
        return new ModelDescription("walkthrough", input, l, SEED);
    }

    private static LayerSpec conv(String name) {
        return spec("conv2d", name, Map.of("filters", 3, "kernel_size", List.of(3, 3)));
    }

    private static LayerSpec spec(String type, String name, Map<String, Object> params) {
        return new LayerSpec(0, type, name, new LinkedHashMap<>(params));
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
        commands.progress().printf("[%2d/%d] %s%n", stepNo, stepCount, what);
        commands.progress().flush();
    }

    private static Path write(Tensor t, Path file) {
        CnnCommands.mkdirs(file.getParent());
        Images.writePicture(t, file);
        return file;
    }

    private void picture(String section, String title, Tensor t, Path file) {
        steps.add(new Results.DemoStep(section, title, t.shapeString(), write(t, file), Map.of()));
    }

    private void trace(Path out, String dir, String title, List<Stage> stages, Summary summary) {
        Reports.writeTrace(title, stages, summary, out.resolve(dir), false);
        traces.add(dir);
    }

    private void writeIndex(Path out, String input, String inputShape, Summary summary) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>cnnkit demo</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em}figure{display:inline-block;margin:.5em;")
                .append("vertical-align:top}img{max-width:300px;image-rendering:pixelated;border:1px solid #ccc}")
                .append("figcaption{font-size:.85em}</style></head><body>\n")
                .append("<h1>cnnkit: the walkthrough replayed</h1>\n<p>Input: <code>").append(esc(input))
                .append("</code> ").append(inputShape).append("</p>\n<figure><img src=\"input.png\"></figure>\n");
        String section = null;
        for (Results.DemoStep s : steps) {
            if (!s.section().equals(section)) {
                section = s.section();
                h.append("<h2>").append(esc(heading(section))).append("</h2>\n");
                if (section.equals("forward")) {
                    h.append("<p>Initial weights saved once to <a href=\"seed.h5\">seed.h5</a> and loaded by layer ")
                            .append("name into each truncated model; every picture is min-max normalised.</p>\n<pre>")
                            .append(esc(summary.format())).append("</pre>\n");
                }
            }
            h.append("<figure><img src=\"").append(esc(out.relativize(s.picture()).toString().replace('\\', '/')))
                    .append("\"><figcaption>").append(esc(s.title())).append("<br>").append(s.shape());
            s.extra().forEach((k, v) -> h.append("<br>").append(esc(k)).append(": ").append(esc(v)));
            h.append("</figcaption></figure>\n");
        }
        h.append("<h2>Stage-by-stage reports</h2>\n<ul>\n");
        for (String t : traces) {
            h.append("<li><a href=\"").append(t).append("/report.html\">").append(t).append("</a></li>\n");
        }
        h.append("</ul>\n</body></html>\n");
        try {
            Files.writeString(out.resolve("index.html"), h, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("report.html"), "<!DOCTYPE html><meta http-equiv=\"refresh\" "
                    + "content=\"0; url=index.html\"><a href=\"index.html\">cnnkit demo</a>\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CnnIoException("cannot write " + out.resolve("index.html") + ": " + e.getMessage(), e);
        }
    }

    private static String heading(String section) {
        return switch (section) {
            case "kernels" -> "1. Convolution kernels: sharpen 3x3, sharpen 5x5, Laplacian";
            case "forward" -> "2. Forward propagation, one layer more each time";
            case "activations" -> "3. The same with sigmoid and tanh";
            case "kernel sizes" -> "4. Kernel size: 3x3, 2x2, 24x24, every weight 0.12";
            default -> section;
        };
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
