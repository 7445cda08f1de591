package io.cnnkit.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;

/**
 * Jazzer fuzz targets. In the test phase they run in regression mode only, on the seed corpus
 * in src/test/resources/io/cnnkit/reliability/FuzzTargetsInputs/&lt;method&gt;/ (the bad-input
 * corpus, graph seeds, and every crash fuzzing found). With JAZZER_FUZZ=1 they fuzz; {@code mvn
 * verify} fuzzes each target for a bounded time after the tests (the fuzz-* executions in
 * pom.xml; see reliability.test/README.md). ModelException and CnnIoException with a message are the
 * expected outcome of bad input; anything else (NullPointerException, index errors,
 * ClassCastException, OutOfMemoryError, StackOverflowError, a hang) is a finding, and so is a
 * model that builds but breaks a run invariant (see {@link GraphFuzz#checkRun}).
 */
@ExtendWith(FuzzTargets.ReportFinding.class)
public class FuzzTargets {
    private static StandaloneEngine engine;
    private static Path dir;
    /** graphDescription inputs tried, models built, models run (printed at the end). */
    private static final AtomicLong graphs = new AtomicLong();
    private static final AtomicLong graphsBuilt = new AtomicLong();
    private static final AtomicLong graphsRun = new AtomicLong();
    /** -Dcnnkit.fuzz.verbose=true: graphDescription prints each generated description and its outcome. */
    private static final boolean VERBOSE = Boolean.getBoolean("cnnkit.fuzz.verbose");

    @BeforeAll
    static void start() throws IOException {
        engine = Corpus.engine();
        dir = Files.createTempDirectory("cnnkit-fuzz");
    }

    @AfterAll
    static void stop() throws IOException {
        if (graphs.get() > 0) {
            System.out.println("graphDescription: " + graphs.get() + " graphs, " + graphsBuilt.get() + " built, "
                    + graphsRun.get() + " run with every invariant holding");
        }
        engine.close();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /**
     * Model descriptions (cnnkit JSON, Keras JSON, one-line form): parse, build, and when small
     * run and check the run invariants ({@link GraphFuzz#checkRun}). The dictionary holds the
     * graph keys, so that mutation finds inputs, outputs and Keras Functional structure.
     */
    @DictionaryEntries({"\"inputs\": [", "\"outputs\": [", "\"input_name\": ", "\"inbound_nodes\": [[[",
        "\"keras_history\": [", "\"__keras_tensor__\"", "\"args\": [", "\"kwargs\": {}", "\"input_layers\": [[",
        "\"output_layers\": [[", "\"Functional\"", "\"InputLayer\"", "\"batch_shape\": [null, ",
        "\"type\": \"add\"", "\"type\": \"concatenate\"", "\"Add\"", "\"Concatenate\"", ", 0, 0, {}]"})
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
                GraphFuzz.checkRun(m, new Random(1), null, 1, 0, 0, false);
            }
        } finally {
            m.close();
        }
    }

    /**
     * Graph descriptions generated from the fuzz input ({@link GraphFuzz}): inputs naming earlier
     * and later nodes, cycles, self references, dangling names, fan-out to a few hundred
     * layers, long chains, valid/unknown/repeated outputs, cnnkit JSON or Keras 2/3 Functional
     * JSON. Parse and build; a small model runs on a small random input (open dimensions get a
     * size, 1 or 2 samples, 1/2/default threads, sometimes NaN and infinities) and must keep the
     * run invariants. A failure message quotes the generated description.
     */
    @FuzzTest(maxDuration = "3m")
    void graphDescription(FuzzedDataProvider data) {
        GraphFuzz.Graph g = GraphFuzz.generate(data);
        int[] concrete = {data.consumeInt(1, 8), data.consumeInt(1, 8), data.consumeInt(1, 4)};
        int batch = data.consumeInt(1, 2);
        int threadsA = data.consumeInt(0, 2);
        int threadsB = data.consumeInt(0, 2);
        boolean special = data.consumeBoolean();
        long seed = data.consumeLong();
        String text = GraphFuzz.text(g);
        graphs.incrementAndGet();
        GraphFuzz.Outcome outcome;
        try {
            outcome = GraphFuzz.parseBuildRun(engine, text, new Random(seed), concrete, batch, threadsA, threadsB,
                    special);
        } catch (RuntimeException | Error e) {
            // Anything here is a finding (refusals were caught and checked inside): quote the description.
            throw new AssertionError(e + "\n(input " + Arrays.toString(concrete) + " x" + batch
                    + ", threads " + threadsA + "/" + threadsB + ", special values " + special + ", seed " + seed
                    + ") for the generated description:\n" + abbreviate(text), e);
        }
        if (outcome.built()) {
            graphsBuilt.incrementAndGet();
        }
        if (outcome.ran()) {
            graphsRun.incrementAndGet();
        }
        if (VERBOSE) {
            System.out.println("graphDescription: " + (outcome.ran() ? "ran" : outcome.built() ? "built" : "refused: "
                    + outcome.refusal().lines().findFirst().orElse("")) + "\n  " + abbreviate(text));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 20_000 ? text : text.substring(0, 20_000) + "... (" + text.length() + " chars)";
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
    public static final class GraphDescription {
        private static final FuzzTargets T = new FuzzTargets();

        public static void fuzzerInitialize() throws IOException {
            start();
        }

        public static void fuzzerTestOneInput(FuzzedDataProvider data) {
            T.graphDescription(data);
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

    /**
     * When fuzzing in the build (the fuzz-* executions set jazzer.internal.basedir to a folder
     * under target/), says where the finding's input went and how to keep it.
     */
    static final class ReportFinding implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            String base = System.getProperty("jazzer.internal.basedir");
            if (base == null || context.getTestMethod().isEmpty()) {
                return;
            }
            String method = context.getTestMethod().get().getName();
            StringBuilder files = new StringBuilder();
            try (var s = Files.list(Path.of(base))) {
                s.filter(p -> p.getFileName().toString().matches("(crash|timeout|oom|slow-unit|leak)-.*"))
                        .forEach(p -> files.append("\n    ").append(p));
            } catch (IOException e) {
                files.append("\n    (cannot list ").append(base).append(": ").append(e).append(')');
            }
            System.err.println("\nFUZZING FINDING in FuzzTargets#" + method + ": " + cause + "\n  input(s) saved:"
                    + (files.length() == 0 ? " none found in " + base : files)
                    + "\n  To keep it as a regression input (replayed by every build): copy it to"
                    + "\n    reliability.test/src/test/resources/io/cnnkit/reliability/FuzzTargetsInputs/" + method
                    + "/crash-<what> once fixed (see reliability.test/README.md).\n");
        }
    }

    /** A message is part of the contract: an expected failure without one is a finding too. */
    static void expected(RuntimeException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("expected exception without a message", e);
        }
    }
}
