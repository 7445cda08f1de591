package io.cnnkit.launcher.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark workloads: cnnkit JSON descriptions in {@code workloads/<name>.json} and the
 * matching weightless ONNX graphs in {@code onnx/<name>.onnx} (written by
 * cnf/bench/make_onnx.py) on the class path.
 *
 * @param name           W1 .. W4
 * @param batch          the batch the workload is defined for
 * @param gflop          its size in GFLOP at that batch (conv, dense and merge layers, see {@link Flops})
 * @param what           one-line description
 */
public record Workload(String name, int batch, double gflop, String what) {
    public static final Workload W1 = new Workload("W1", 1, 0.0655,
            "walkthrough model on a 575x607x3 photo (valid convs, 3 filters each, dense 8)");
    public static final Workload W2 = new Workload("W2", 1, 7.40,
            "224x224x64: conv3x3 64 same + relu twice, max pool 2 (a VGG block)");
    public static final Workload W3 = new Workload("W3", 64, 2.65,
            "CIFAR-10 CNN, batch 64: conv 32 same, conv 32 valid, pool, conv 64 same, conv 64 valid, pool, dense 512, dense 10");
    public static final Workload W4 = new Workload("W4", 1, 3.70, "56x56x256: conv3x3 256 same (a ResNet stage)");

    public static final List<Workload> ALL = List.of(W1, W2, W3, W4);

    /** The workload called {@code name} (case-insensitive), or null. */
    public static Workload find(String name) {
        for (Workload w : ALL) {
            if (w.name.equalsIgnoreCase(name)) {
                return w;
            }
        }
        return null;
    }

    /** The workload called {@code name}; unknown names are errors listing the workloads. */
    public static Workload named(String name) {
        Workload w = find(name);
        if (w == null) {
            throw new IllegalArgumentException("unknown workload '" + name + "'; workloads: "
                    + ALL.stream().map(Workload::name).toList());
        }
        return w;
    }

    /** The cnnkit JSON description. */
    public String description() {
        return new String(resource("workloads/" + name + ".json"), StandardCharsets.UTF_8);
    }

    /** A resource of the launcher bundle. */
    static byte[] resource(String path) {
        try (InputStream in = Workload.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("resource " + path + " missing from the launcher bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + path, e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (batch %d, %.3g GFLOP): %s", name, batch, gflop, what);
    }
}
