package io.cnnkit.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.Npy;
import io.cnnkit.io.api.Reports;

/**
 * The child JVM of {@link RealFaultsTest}, started in a private mount namespace where FULL is a
 * small tmpfs and READONLY a read-only bind mount. Writes a small version of each output (fits),
 * then a big one (does not fit, or cannot be written at all), and checks that the error is clear
 * and the small version untouched. Prints "ok ..." or "FAIL ..." per check; exit status 0 when
 * every check passed. Arguments: FULL READONLY.
 */
public final class RealFaultsMain {
    private static final List<String> failures = new ArrayList<>();

    private RealFaultsMain() {
    }

    public static void main(String[] args) throws IOException {
        Path full = Path.of(args[0]);
        Path readOnly = Path.of(args[1]);
        try (StandaloneEngine engine = Corpus.engine()) {
            Model small = Corpus.model(engine);
            Model big = engine.build(engine.parse(SaveLoop.model(5)));
            float[] px = new float[8 * 8];
            new Random(3).doubles(px.length).forEach(new java.util.function.DoubleConsumer() {
                int i;

                @Override
                public void accept(double v) {
                    px[i++] = (float) v;
                }
            });
            List<Stage> smallStages = small.trace(Tensor.wrap(px, 1, 8, 8, 1));
            Tensor bigTensor = Tensor.zeros(1, 256, 256, 8); // 2 MB
            List<Stage> bigStages = List.of(new Stage(0, "input", "input", bigTensor));

            Path w = full.resolve("w.h5");
            KerasWeights.save(small, w);
            expectFailure("weights on a full disk", full, w, "No space left on device", "free some space",
                    () -> KerasWeights.save(big, w));
            Path n = full.resolve("x.npy");
            Npy.write(smallStages.get(1).output(), n);
            expectFailure(".npy on a full disk", full, n, "No space left on device", "free some space",
                    () -> Npy.write(bigTensor, n));
            Path out = full.resolve("out");
            Reports.writeTrace("small", smallStages, small.summary(), out, true);
            expectFailure("report on a full disk", full, out, "No space left on device", "free some space",
                    () -> Reports.writeTrace("big", bigStages, null, out, true));

            expectFailure("weights in a read-only folder", readOnly, readOnly.resolve("w.h5"), "Read-only file system",
                    "choose a folder you can write to", () -> KerasWeights.save(small, readOnly.resolve("w.h5")));
            expectFailure("report in a read-only folder", readOnly, readOnly.resolve("out"), "Read-only file system",
                    "choose a folder you can write to",
                    () -> Reports.writeTrace("small", smallStages, null, readOnly.resolve("out"), true));
        }
        System.out.println(failures.isEmpty() ? "all ok" : failures.size() + " failed");
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static void expectFailure(String what, Path dir, Path target, String reason, String advice, Runnable write)
            throws IOException {
        List<String> before = listing(dir);
        byte[] content = Files.isRegularFile(target) ? Files.readAllBytes(target) : null;
        try {
            write.run();
            fail(what, "no error");
            return;
        } catch (CnnIoException e) {
            String m = e.getMessage();
            if (!m.contains(target.toString()) || !m.contains(reason) || !m.contains(advice) || m.contains("\n")) {
                fail(what, "unclear message: " + m);
                return;
            }
            List<String> after = listing(dir);
            if (!after.equals(before)) {
                fail(what, "files changed: " + before + " -> " + after);
                return;
            }
            if (content != null && !Arrays.equals(content, Files.readAllBytes(target))) {
                fail(what, "previous file changed");
                return;
            }
            System.out.println("ok   " + what + ": " + m);
        }
    }

    /** Every path under dir with its size (folders as 'd'). */
    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p) + ":" + (Files.isDirectory(p) ? "d" : String.valueOf(p.toFile().length())))
                    .sorted().toList();
        }
    }

    private static void fail(String what, String why) {
        failures.add(what);
        System.out.println("FAIL " + what + ": " + why);
    }
}
