package io.cnnkit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.launcher.bench.Workload;

/**
 * One model of the side-by-side: a name, the batch it is timed at, its ONNX graph (a class-path
 * resource) and how cnnkit builds it.
 * <ul>
 * <li>W1..W4: the launcher's workloads ({@link Workload}), seeded weights, graphs by
 * cnf/bench/make_onnx.py;</li>
 * <li>R1..R4: real trained networks from the keras-real folder, cnnkit's model built from the
 * full-model .h5's model_config with the file's weights loaded, graphs by
 * cnf/bench/make_onnx_keras.py: R1 the MLPerf Tiny visual-wake-words MobileNet at batch 1, R2 the
 * same at batch 32, R3 the MLPerf Tiny ResNet-8 (CIFAR-10) at batch 1, R4 the same at batch 64.</li>
 * </ul>
 *
 * @param name   W1..W4, R1..R4
 * @param batch  samples per run
 * @param what   one line for the report
 * @param onnx   class-path resource of the weightless ONNX graph
 * @param build  builds cnnkit's model (named after the case) with the engine given
 */
public record Case(String name, int batch, String what, String onnx, Function<Engine, Model> build) {
    /** The names {@code --workloads} takes, in the default order. */
    public static final List<String> ALL = List.of("W1", "W2", "W3", "W4", "R1", "R2", "R3", "R4");

    /** A launcher workload. */
    public static Case of(Workload w) {
        return new Case(w.name(), w.batch(), w.what(), "onnx/" + w.name() + ".onnx",
                e -> e.build(e.parse(w.description())));
    }

    /**
     * The case called {@code name} (case-insensitive); real networks are read from
     * {@code kerasReal} when built.
     */
    public static Case named(String name, Path kerasReal) {
        String n = name.toUpperCase(Locale.ROOT);
        return switch (n) {
            case "R1" -> real(n, "k2-vww96-mobilenet", 1, "MLPerf Tiny visual wake words MobileNetV1-0.25, 96x96x3",
                    kerasReal);
            case "R2" -> real(n, "k2-vww96-mobilenet", 32, "MLPerf Tiny visual wake words MobileNetV1-0.25, 96x96x3",
                    kerasReal);
            case "R3" -> real(n, "k2-resnet8-cifar10", 1, "MLPerf Tiny ResNet-8, CIFAR-10 32x32x3", kerasReal);
            case "R4" -> real(n, "k2-resnet8-cifar10", 64, "MLPerf Tiny ResNet-8, CIFAR-10 32x32x3", kerasReal);
            default -> {
                Workload w = Workload.find(name);
                if (w == null) {
                    throw new IllegalArgumentException("unknown workload '" + name + "'; workloads: " + ALL);
                }
                yield of(w);
            }
        };
    }

    /** The cases called {@code names}, in that order. */
    public static List<Case> named(List<String> names, Path kerasReal) {
        List<Case> out = new ArrayList<>();
        for (String n : names) {
            out.add(named(n.strip(), kerasReal));
        }
        return out;
    }

    private static Case real(String name, String file, int batch, String what, Path dir) {
        return new Case(name, batch, what + " (" + file + ".h5), batch " + batch, "onnx/" + file + ".onnx",
                e -> buildReal(e, name, dir.resolve(file + ".h5")));
    }

    /** cnnkit's model of a full-model Keras .h5, named {@code name}, every weight layer loaded from the file. */
    static Model buildReal(Engine e, String name, Path h5) {
        if (!Files.isRegularFile(h5)) {
            throw new IllegalArgumentException(name + " needs " + h5 + ": put shared/keras-real beside the checkout"
                    + " or give its folder with --keras-real DIR");
        }
        String config = KerasWeights.modelConfig(h5).orElseThrow(() -> new IllegalArgumentException(
                h5 + " has no model_config attribute; " + name + " needs the full-model file"));
        Model m = e.build(e.parse(config).withName(name));
        try {
            LoadReport r = KerasWeights.load(m, h5, LoadOptions.BY_ORDER);
            long missing = r.count(LoadReport.Status.ABSENT) + r.count(LoadReport.Status.SKIPPED_MISMATCH);
            if (missing > 0) {
                // timing a half-initialised network would compare a different model than the trained one
                throw new IllegalStateException(h5 + ": " + missing + " weight layers not loaded:\n" + r.format());
            }
        } catch (RuntimeException ex) {
            m.close();
            throw ex;
        }
        return m;
    }

    /** The keras-real folder: -Dcnnkit.kerasReal, else ../shared/keras-real from the working directory. */
    public static Path defaultKerasReal() {
        String prop = System.getProperty("cnnkit.kerasReal");
        return prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("..", "shared", "keras-real");
    }
}
