package io.cnnkit.launcher.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.StageStats;
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

    /** One provider: kind "layer" or "activation", its name, and who provides it (bundle, version, id). */
    record Provider(String kind, String name, String origin) {
    }

    /** cnn:load */
    record Loaded(String name, String source, Shape inputShape, int layers, long params, LoadReport weights) {
        @Override
        public String toString() {
            String s = "model '" + name + "' loaded from " + source + ": " + layers + " layers, input " + inputShape
                    + String.format(", %,d parameters", params);
            if (weights != null) {
                s += "\nweights from " + weights.file() + ":\n" + weights.format().stripTrailing();
            }
            return s;
        }
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

    /** One traced stage: index, layer name, type, output shape, statistics. */
    record Step(int index, String name, String type, String shape, StageStats stats) {
        @Override
        public String toString() {
            return String.format("%3d  %-14s %-16s %-20s %10.4g %10.4g %10.4g %6.1f%%", index, name, type, shape,
                    stats.min(), stats.max(), stats.mean(), 100 * stats.zeroFraction());
        }
    }

    /** cnn:run */
    record Run(String model, Path image, List<Step> steps, Path report, long millis) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append("ran '").append(model).append("' on ").append(image).append(" in ").append(millis).append(" ms\n");
            b.append(String.format("%3s  %-14s %-16s %-20s %10s %10s %10s %7s%n", "#", "LAYER", "TYPE", "OUTPUT",
                    "MIN", "MAX", "MEAN", "ZEROS"));
            for (Step s : steps) {
                b.append(s).append('\n');
            }
            b.append("report: ").append(report);
            return b.toString();
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
            return "weights of '" + model + "' from " + report.file() + ": "
                    + report.count(LoadReport.Status.LOADED) + " layers loaded, "
                    + report.count(LoadReport.Status.ABSENT) + " absent, "
                    + report.count(LoadReport.Status.SKIPPED_MISMATCH) + " skipped\n" + report.format().stripTrailing();
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
