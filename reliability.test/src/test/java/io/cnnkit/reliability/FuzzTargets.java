package io.cnnkit.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;

/**
 * Jazzer fuzz targets. In {@code mvn verify} they run in regression mode only, on the seed
 * corpus in src/test/resources/io/cnnkit/reliability/FuzzTargetsInputs/&lt;method&gt;/ (the
 * bad-input corpus plus every crash fuzzing found). With JAZZER_FUZZ=1 they fuzz (see
 * reliability.test/README.md). ModelException and CnnIoException with a message are the
 * expected outcome of bad input; anything else (NullPointerException, index errors,
 * ClassCastException, OutOfMemoryError, StackOverflowError, a hang) is a finding.
 */
public class FuzzTargets {
    private static StandaloneEngine engine;
    private static Path dir;

    @BeforeAll
    static void start() throws IOException {
        engine = Corpus.engine();
        dir = Files.createTempDirectory("cnnkit-fuzz");
    }

    @AfterAll
    static void stop() throws IOException {
        engine.close();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Model descriptions (cnnkit JSON, Keras JSON, one-line form): parse, build, and run when small. */
    @FuzzTest(maxDuration = "3m")
    void description(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Model m;
        try {
            m = engine.build(engine.parse(text));
        } catch (ModelException e) {
            expected(e);
            return;
        }
        try {
            Shape in = m.inputShape();
            // Run only what is cheap: a fully known input of at most 4096 values and few parameters.
            if (small(in) && m.summary().totalParams() <= 100_000) {
                try {
                    m.predict(Tensor.zeros(in.withBatch(1)));
                } catch (ModelException e) {
                    expected(e);
                }
            }
        } finally {
            m.close();
        }
    }

    /** Keras HDF5 weight files: inspect, then load by name and by order into the corpus model. */
    @FuzzTest(maxDuration = "3m")
    void weightFile(byte[] data) throws IOException {
        Path file = Files.write(dir.resolve("fuzz.h5"), data);
        try {
            KerasWeights.inspect(file);
        } catch (CnnIoException e) {
            expected(e);
        }
        Model m = Corpus.model(engine);
        try {
            for (LoadOptions o : new LoadOptions[] {LoadOptions.BY_NAME, LoadOptions.BY_ORDER,
                new LoadOptions(true, true)}) {
                try {
                    KerasWeights.load(m, file, o);
                } catch (CnnIoException e) {
                    expected(e);
                }
            }
        } finally {
            m.close();
        }
    }

    /** Image files (PNG, JPEG, BMP, GIF by content): decode with a small pixel limit, then grey and resized. */
    @FuzzTest(maxDuration = "3m")
    void image(byte[] data) throws IOException {
        Path file = Files.write(dir.resolve("fuzz.img"), data);
        ImageOptions small = ImageOptions.DEFAULT.withMaxPixels(1 << 20);
        try {
            Images.read(file, small);
            Images.read(file, small.withGrey(true).withResize(5, 3));
        } catch (CnnIoException e) {
            expected(e);
        }
    }

    /**
     * Entry points for the standalone Jazzer driver, which takes any libFuzzer flag
     * (-max_total_time, -jobs, -dict): {@code java -cp <test class path>
     * com.code_intelligence.jazzer.Jazzer --target_class=io.cnnkit.reliability.FuzzTargets$Description ...}
     */
    public static final class Description {
        private static final FuzzTargets T = new FuzzTargets();

        public static void fuzzerInitialize() throws IOException {
            start();
        }

        public static void fuzzerTestOneInput(byte[] data) {
            T.description(data);
        }
    }

    /** See {@link Description}. */
    public static final class WeightFile {
        private static final FuzzTargets T = new FuzzTargets();

        public static void fuzzerInitialize() throws IOException {
            start();
        }

        public static void fuzzerTestOneInput(byte[] data) throws IOException {
            T.weightFile(data);
        }
    }

    /**
     * At most 4096 values. Not Shape.elementCount(): it multiplies without overflow checks, so
     * (2000000000, 2000000000, 3) came out negative (the first finding of this target).
     */
    static boolean small(Shape in) {
        long n = 1;
        for (int d : in.dims()) {
            if (d < 0) {
                return false;
            }
            n *= d;
            if (n > 4096) {
                return false;
            }
        }
        return true;
    }

    /** See {@link Description}. */
    public static final class Image {
        private static final FuzzTargets T = new FuzzTargets();

        public static void fuzzerInitialize() throws IOException {
            start();
        }

        public static void fuzzerTestOneInput(byte[] data) throws IOException {
            T.image(data);
        }
    }

    /** A message is part of the contract: an expected failure without one is a finding too. */
    private static void expected(RuntimeException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("expected exception without a message", e);
        }
    }
}
