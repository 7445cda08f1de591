package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.LoadReport;
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
            int w = "NAME".length();
            for (Provider p : rows) {
                w = Math.max(w, p.name().length());
            }
            StringBuilder b = new StringBuilder(String.format("%-10s %-" + w + "s  %s%n", "KIND", "NAME", "PROVIDER"));
            for (Provider p : rows) {
                b.append(String.format("%-10s %-" + w + "s  %s%n", p.kind(), p.name(), p.origin()));
            }
            return b.toString().stripTrailing();
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
            StringBuilder b = new StringBuilder();
            for (ModelState m : models) {
                b.append(m).append('\n');
            }
            return b.toString().stripTrailing();
        }
    }

    record ModelState(String name, boolean ready, String reason, int layers) {
        @Override
        public String toString() {
            return String.format("%-16s %s", name, ready ? "ready (" + layers + " layers)" : "unavailable: " + reason);
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
            return format(14, 16, 20, false);
        }

        /** The row with the given column widths (names longer than theirs push the row right); with or without inputs. */
        String format(int wName, int wType, int wShape, boolean withInputs) {
            String row = String.format(Locale.ROOT, "%3d  %-" + wName + "s %-" + wType + "s %-" + wShape
                    + "s %10.4g %10.4g %10.4g %6.1f%%", index, name, type, shape, stats.min(), stats.max(), stats.mean(),
                    100 * stats.zeroFraction());
            if (withInputs) {
                row += "  " + (inputs.isEmpty() ? "-" : String.join(", ", inputs));
            }
            return row;
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
                    b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4g", values[i]));
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
            int wName = "LAYER".length();
            int wType = "TYPE".length();
            int wShape = "OUTPUT".length();
            for (Step s : steps) {
                wName = Math.max(wName, s.name().length());
                wType = Math.max(wType, s.type().length());
                wShape = Math.max(wShape, s.shape().length());
            }
            // At least the widths of the chain table the README shows.
            wName = Math.max(14, wName);
            wType = Math.max(16, wType);
            wShape = Math.max(20, wShape);
            StringBuilder b = new StringBuilder();
            b.append("ran '").append(model).append("' on ").append(image).append(" in ").append(millis).append(" ms\n");
            b.append(String.format(Locale.ROOT, "%3s  %-" + wName + "s %-" + wType + "s %-" + wShape
                    + "s %10s %10s %10s %7s", "#", "LAYER", "TYPE", "OUTPUT", "MIN", "MAX", "MEAN", "ZEROS"));
            b.append(graph ? "  INPUTS\n" : "\n");
            for (Step s : steps) {
                b.append(s.format(wName, wType, wShape, graph)).append('\n');
            }
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

    /** cnn:weights show */
    record WeightFile(WeightFileInfo info) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(info.file()).append(": ").append(info.format());
            if (info.kerasVersion() != null) {
                b.append(" (keras ").append(info.kerasVersion()).append(')');
            }
            long total = 0;
            for (WeightFileInfo.LayerWeights l : info.layers()) {
                b.append('\n').append(String.format("  %-20s", l.layer()));
                if (l.weightNames().isEmpty()) {
                    b.append(" (no weights)");
                }
                for (int i = 0; i < l.weightNames().size(); i++) {
                    int[] s = l.shapes().get(i);
                    b.append(' ').append(l.weightNames().get(i)).append(Shape.format(s));
                    long n = 1;
                    for (int d : s) {
                        n *= d;
                    }
                    total += n;
                }
            }
            b.append(String.format("%n%d layers, %,d parameters", info.layers().size(), total));
            return b.toString();
        }
    }

    /** cnn:filter */
    record Filtered(Path image, String kernel, String shape, Path out) {
        @Override
        public String toString() {
            return "filtered " + image + " " + shape + " with " + kernel + " -> " + out;
        }
    }

    /** cnn:demo */
    record DemoRun(Path dir, List<DemoStep> steps, long millis) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append(String.format("%-34s %-20s %s%n", "STEP", "OUTPUT", "PICTURE"));
            for (DemoStep s : steps) {
                b.append(String.format("%-34s %-20s %s%n", s.title(), s.shape(), dir.relativize(s.picture())));
            }
            b.append("demo written to ").append(dir.resolve("index.html")).append(" in ").append(millis).append(" ms");
            return b.toString();
        }
    }

    record DemoStep(String section, String title, String shape, Path picture, Map<String, String> extra) {
    }
}
