package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.NumberText;
import io.cnnkit.io.api.StageStats;
import io.cnnkit.io.api.TopClasses;
import io.cnnkit.io.api.WeightFileInfo;
import io.cnnkit.launcher.bench.Bench;

/**
 * What the commands return. Records without getters, so Gogo prints their {@code toString}
 * (its INSPECT format lists {@code getX()} methods of other objects instead).
 */
final class Results {
    private Results() {
    }

    /** cnn:types: one row per layer type or activation. */
    record Types(List<Provider> rows) {
        @Override
        public String toString() {
            if (rows.isEmpty()) {
                return "no layer types or activations present (start the cnnkit layer bundles)";
            }
            TextTable t = new TextTable().left("KIND").left("NAME").left("PROVIDER");
            for (Provider p : rows) {
                t.row(p.kind(), p.name(), p.origin());
            }
            return t.format();
        }
    }

    /** One provider: kind "layer", "activation" or "kernels", its name, and who provides it (bundle, version, id). */
    record Provider(String kind, String name, String origin) {
    }

    /** cnn:load; {@code outputs} are named only for a model with several, {@code warnings} are the model's. */
    record Loaded(String name, String source, Shape inputShape, int layers, long params, LoadReport weights,
            List<String> outputs, List<String> warnings, boolean verbose) {
        Loaded(String name, String source, Shape inputShape, int layers, long params, LoadReport weights,
                List<String> outputs, List<String> warnings) {
            this(name, source, inputShape, layers, params, weights, outputs, warnings, false);
        }

        Loaded(String name, String source, Shape inputShape, int layers, long params, LoadReport weights) {
            this(name, source, inputShape, layers, params, weights, List.of(), List.of());
        }

        /** The same, printing every layer's weights (--verbose) or one line for them. */
        Loaded verbose(boolean v) {
            return new Loaded(name, source, inputShape, layers, params, weights, outputs, warnings, v);
        }

        @Override
        public String toString() {
            String s = "model '" + name + "' loaded from " + source + ": " + layers + " layers, input " + inputShape
                    + String.format(", %,d parameters", params);
            if (outputs.size() > 1) {
                s += ", " + outputs.size() + " outputs (" + String.join(", ", outputs) + ")";
            }
            if (weights != null) {
                s += "\nweights from " + weights.file() + ": " + weightCounts(weights);
                if (verbose) {
                    s += "\n" + weights.format().stripTrailing();
                }
            }
            return s + warningLines(warnings);
        }
    }

    /** "28 layers loaded, 0 absent, 0 skipped" */
    static String weightCounts(LoadReport r) {
        return r.count(LoadReport.Status.LOADED) + " layers loaded, " + r.count(LoadReport.Status.ABSENT) + " absent, "
                + r.count(LoadReport.Status.SKIPPED_MISMATCH) + " skipped";
    }

    /** "\nwarning: ..." per warning. */
    static String warningLines(List<String> warnings) {
        StringBuilder b = new StringBuilder();
        for (String w : warnings) {
            b.append("\nwarning: ").append(w.strip().replace('\n', ' '));
        }
        return b.toString();
    }

    /** cnn:bench: what was timed and the numbers, ending with the "bench:" line. */
    record BenchRun(String source, Bench.Result result) {
        @Override
        public String toString() {
            return "source: " + source + "\n" + result.report();
        }
    }

    /** cnn:models */
    record Models(List<ModelState> models) {
        /** The loaded models' names (the shell completes them). */
        public List<String> names() {
            return models.stream().map(ModelState::name).toList();
        }

        @Override
        public String toString() {
            if (models.isEmpty()) {
                return "no models loaded (cnn:load NAME MODEL)";
            }
            TextTable t = new TextTable().left("NAME").left("STATE").noHeader();
            for (ModelState m : models) {
                t.row(m.name(), m.state());
            }
            return t.format();
        }
    }

    record ModelState(String name, boolean ready, String reason, int layers) {
        String state() {
            return ready ? "ready (" + layers + " layers)" : "unavailable: " + reason;
        }

        @Override
        public String toString() {
            return name + "  " + state();
        }
    }

    /** cnn:summary: Keras's table. */
    record SummaryText(Summary summary) {
        @Override
        public String toString() {
            return summary.format().stripTrailing();
        }
    }

    /**
     * One traced stage: index, layer name, type, output shape, statistics, and the nodes it
     * reads (empty for the input, or when not recorded).
     */
    record Step(int index, String name, String type, String shape, StageStats stats, List<String> inputs) {
        Step(int index, String name, String type, String shape, StageStats stats) {
            this(index, name, type, shape, stats, List.of());
        }

        @Override
        public String toString() {
            return String.join("  ", cells(false));
        }

        /** The row's cells: index, name, type, shape, min, max, mean, zeros, and the inputs when asked. */
        List<String> cells(boolean withInputs) {
            List<String> c = new java.util.ArrayList<>(List.of(Integer.toString(index), name, type, shape,
                    NumberText.general(stats.min(), 4), NumberText.general(stats.max(), 4),
                    NumberText.general(stats.mean(), 4), NumberText.fixed(100 * stats.zeroFraction(), 1) + "%"));
            if (withInputs) {
                c.add(inputs.isEmpty() ? "-" : String.join(", ", inputs));
            }
            return c;
        }

        /** The stage table's columns (and INPUTS for a graph), widths from the content. */
        static TextTable table(boolean withInputs) {
            TextTable t = new TextTable().right("#").left("LAYER").left("TYPE").left("OUTPUT").right("MIN").right("MAX")
                    .right("MEAN").right("ZEROS");
            return withInputs ? t.left("INPUTS") : t;
        }
    }

    /**
     * One model output: its node's name and tensor shape, and its values when there are at
     * most {@link #MAX_VALUES} (else min, max and mean).
     */
    record Output(String name, String shape, int count, float[] values, StageStats stats) {
        static final int MAX_VALUES = 20;

        static Output of(String name, Tensor t) {
            float[] v = null;
            if (t.size() <= MAX_VALUES) {
                v = new float[t.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = t.data()[t.offset() + i];
                }
            }
            return new Output(name, t.shapeString(), t.size(), v, StageStats.of(t));
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("output ").append(name).append(' ').append(shape).append(": ");
            if (values != null) {
                b.append('[');
                for (int i = 0; i < values.length; i++) {
                    b.append(i > 0 ? ", " : "").append(NumberText.general(values[i], 4));
                }
                return b.append(']').toString();
            }
            return b.append(String.format(Locale.ROOT, "%,d values, min %.4g max %.4g mean %.4g", count,
                    stats.min(), stats.max(), stats.mean())).toString();
        }
    }

    /**
     * cnn:run: the stage table (with an INPUTS column for a graph model), then every model
     * output in the model's output order, the top classes of each, the report's path and the
     * model's warnings.
     */
    record Run(String model, Path image, List<Step> steps, Path report, long millis, boolean graph,
            List<Output> outputs, List<TopClasses> top, List<String> warnings) {
        Run(String model, Path image, List<Step> steps, Path report, long millis) {
            this(model, image, steps, report, millis, false, List.of(), List.of(), List.of());
        }

        @Override
        public String toString() {
            TextTable table = Step.table(graph);
            for (Step s : steps) {
                table.row(s.cells(graph));
            }
            StringBuilder b = new StringBuilder();
            b.append("ran '").append(model).append("' on ").append(image).append(" in ").append(millis).append(" ms\n");
            b.append(table.format()).append('\n');
            for (Output o : outputs) {
                b.append(o).append('\n');
            }
            for (TopClasses t : top) {
                for (String line : t.lines()) {
                    b.append(line).append('\n');
                }
            }
            b.append("report: ").append(report);
            return b.append(warningLines(warnings)).toString();
        }
    }

    /** cnn:weights save */
    record Saved(String model, Path file, int layers, long params) {
        @Override
        public String toString() {
            return String.format("saved %d weighted layers (%,d parameters) of '%s' to %s", layers, params, model, file);
        }
    }

    /** cnn:weights load */
    record WeightsLoaded(String model, LoadReport report) {
        @Override
        public String toString() {
            return "weights of '" + model + "' from " + report.file() + ": " + weightCounts(report) + "\n"
                    + report.format().stripTrailing();
        }
    }

    /**
     * cnn:weights show: one row per weight (the layer named on its first), its name as stored,
     * shape and parameter count; widths from the content.
     */
    record WeightFile(WeightFileInfo info) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(info.file()).append(": ").append(info.format());
            if (info.kerasVersion() != null) {
                b.append(" (keras ").append(info.kerasVersion()).append(')');
            }
            TextTable t = new TextTable().left("LAYER").left("WEIGHT").left("SHAPE").right("PARAMS");
            long total = 0;
            for (WeightFileInfo.LayerWeights l : info.layers()) {
                if (l.weightNames().isEmpty()) {
                    t.row(l.layer(), "(no weights)", "", "");
                }
                for (int i = 0; i < l.weightNames().size(); i++) {
                    int[] s = l.shapes().get(i);
                    long n = 1;
                    for (int d : s) {
                        n *= d;
                    }
                    total += n;
                    t.row(i == 0 ? l.layer() : "", l.weightNames().get(i), Shape.format(s), String.format("%,d", n));
                }
            }
            b.append('\n').append(t.format());
            b.append(String.format("%n%d layers, %,d parameters", info.layers().size(), total));
            return b.toString();
        }
    }

    /** cnn:filter; {@code clip}: the picture holds the values clamped to 0..255, else min-max normalised. */
    record Filtered(Path image, String kernel, String shape, Path out, boolean clip) {
        Filtered(Path image, String kernel, String shape, Path out) {
            this(image, kernel, shape, out, false);
        }

        @Override
        public String toString() {
            return "filtered " + image + " " + shape + " with " + kernel + " (" + (clip ? "clipped to 0..255"
                    : "min-max normalised") + ") -> " + out;
        }
    }

    /** cnn:demo */
    record DemoRun(Path dir, List<DemoStep> steps, long millis) {
        @Override
        public String toString() {
            TextTable t = new TextTable().left("STEP").left("OUTPUT").left("PICTURE");
            for (DemoStep s : steps) {
                t.row(s.title(), s.shape(), dir.relativize(s.picture()).toString());
            }
            StringBuilder b = new StringBuilder(t.format()).append('\n');
            b.append("demo written to ").append(dir.resolve("index.html")).append(" in ").append(millis).append(" ms");
            return b.toString();
        }
    }

    /** One demo picture: its page section, title, tensor shape and file. */
    record DemoStep(String section, String title, String shape, Path picture) {
    }

    /**
     * ./cnnkit classify: the images this run read, how many failed, how many a resume skipped
     * (and how many of those were error rows). The last line counts every error row of the file.
     */
    record Classified(Path out, int images, int failed, int skipped, int failedBefore, double seconds) {
        /** 0 when the file has no error row, 3 when it has some. */
        int exitCode() {
            return failed + failedBefore > 0 ? 3 : 0;
        }

        @Override
        public String toString() {
            String rate = seconds > 0 && images > 0 ? String.format(Locale.ROOT, " (%.1f images/s)", images / seconds)
                    : "";
            String resumed = skipped > 0 ? String.format(Locale.ROOT, "; %d already in the file (%d of them failed)",
                    skipped, failedBefore) : "";
            int all = failed + failedBefore;
            return String.format(Locale.ROOT, "classify: %d image%s in %.1f s%s%s; rows in %s%n%s", images,
                    images == 1 ? "" : "s", seconds, rate, resumed, out, all == 0 ? "classify: every image succeeded"
                            : "classify: " + all + " image" + (all == 1 ? "" : "s") + " failed (rows with an error)");
        }
    }
}
