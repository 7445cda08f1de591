package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.image.AtomicFiles;

/**
 * Demo, run, filter and weights with the real layer and activation bundles found through
 * ServiceLoader on the test class path and the real io.image. Skipped (not failed) while
 * those are not on the class path yet.
 */
class WalkthroughTest {
    @TempDir
    Path dir;
    StandaloneEngine engine;
    CnnCommands cmd;
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        engine = Engines.fromServiceLoader(getClass().getClassLoader());
        cmd = new CnnCommands(engine, new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        cmd.close();
        engine.close();
    }

    void assumeRuntime(List<String> types, List<String> activations) {
        assumeTrue(Support.has(engine, types, activations), "layer/activation bundles not on the class path yet: have "
                + engine.layerTypes() + " " + engine.activations());
        assumeTrue(Support.ioImplemented(), "io.image not implemented yet");
    }

    Path png(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | ((x + y) % 256));
            }
        }
        Path f = dir.resolve("in_" + w + "x" + h + ".png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    @Test
    void demoWritesEveryStepAndTheIndex() {
        assumeRuntime(List.of("conv2d", "max_pooling2d", "activation", "flatten", "dense"),
                List.of("relu", "sigmoid", "tanh"));
        Path out = dir.resolve("demo");
        Results.DemoRun r = cmd.demo(null, out);
        assertTrue(Files.isRegularFile(out.resolve("index.html")));
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        assertTrue(Files.isRegularFile(out.resolve("seed.h5")));
        for (Results.DemoStep s : r.steps()) {
            assertTrue(Files.isRegularFile(s.picture()), s.picture().toString());
        }
        // the bundled photo is 300x300: conv 3x3 -> 298, pool 3 -> 99, conv -> 97, pool 2 -> 48,
        // conv -> 46, conv -> 44, flatten 44*44*3, dense 8
        List<String> forward = r.steps().stream().filter(s -> s.section().equals("forward")).map(s -> s.shape())
                .toList();
        assertEquals(List.of("(1, 298, 298, 3)", "(1, 99, 99, 3)", "(1, 99, 99, 3)", "(1, 97, 97, 3)",
                "(1, 48, 48, 3)", "(1, 48, 48, 3)", "(1, 46, 46, 3)", "(1, 46, 46, 3)", "(1, 44, 44, 3)",
                "(1, 44, 44, 3)", "(1, 5808)", "(1, 8)"), forward);
        List<String> sizes = r.steps().stream().filter(s -> s.section().equals("kernel sizes")).map(s -> s.shape())
                .toList();
        assertEquals(List.of("(1, 298, 298, 3)", "(1, 299, 299, 3)", "(1, 277, 277, 3)"), sizes);
        assertTrue(Files.isRegularFile(out.resolve("trace_relu").resolve("report.html")));
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("seed model built"));
        assertTrue(r.toString().contains("dens_1"), r.toString());
    }

    /**
     * A demo that fails half-way (a full disk, injected after 300 KB on this thread) leaves the
     * previous demo folder byte for byte and no temporary folder beside it.
     */
    @Test
    void aFailedDemoLeavesThePreviousOneIntact() throws Exception {
        assumeRuntime(List.of("conv2d", "max_pooling2d", "activation", "flatten", "dense"),
                List.of("relu", "sigmoid", "tanh"));
        Path out = dir.resolve("demo");
        cmd.demo(null, out);
        Map<String, byte[]> before = files(out);
        long[] budget = {300_000};
        AtomicFiles.Faults full = new AtomicFiles.Faults() {
            @Override
            public OutputStream wrap(Path temp, OutputStream o) {
                return new FilterOutputStream(o) {
                    @Override
                    public void write(int b) throws IOException {
                        if (--budget[0] < 0) {
                            throw new IOException("No space left on device");
                        }
                        super.write(b);
                    }
                };
            }
        };
        CnnIoException e;
        try (AtomicFiles.Injection i = AtomicFiles.inject(full)) {
            e = assertThrows(CnnIoException.class, () -> cmd.demo(null, out));
        }
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("No space left on device")
                && e.getMessage().contains("unchanged"), e.getMessage());
        Map<String, byte[]> after = files(out);
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) {
            assertArrayEquals(before.get(f), after.get(f), f);
        }
        try (Stream<Path> siblings = Files.list(dir)) {
            assertEquals(List.of(out), siblings.filter(p -> p.getFileName().toString().contains("demo")).toList(),
                    "no temporary folder left beside the demo");
        }
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void filterKeepsTheImageSize() throws Exception {
        assumeRuntime(List.of("conv2d"), List.of());
        Path out = dir.resolve("f.png");
        // larger than 32 pixels: Images.writePicture enlarges smaller maps
        Results.Filtered f = cmd.filter(png(48, 40), "sobel_x", out);
        assertEquals("(1, 40, 48, 3)", f.shape());
        BufferedImage back = ImageIO.read(out.toFile());
        assertEquals(48, back.getWidth());
        assertEquals(40, back.getHeight());
    }

    @Test
    void runWritesAReportAndWeightsRoundTripByName() throws Exception {
        assumeRuntime(List.of("conv2d", "max_pooling2d", "activation"), List.of("relu"));
        cmd.load("m", "{\"input_shape\": [null, null, 3], \"seed\": 3, \"layers\": ["
                + "{\"type\": \"conv2d\", \"name\": \"conv_1\", \"filters\": 3, \"kernel_size\": [3, 3]},"
                + "{\"type\": \"max_pooling2d\", \"pool_size\": [2, 2]},"
                + "{\"type\": \"activation\", \"activation\": \"relu\"}]}", null, null, null);
        Results.Run r = cmd.run("m", png(16, 10), new CnnCommands.RunParams(dir.resolve("run"), true, 1, 1.0 / 255,
                false, false, false));
        assertEquals(4, r.steps().size());
        assertEquals("(1, 4, 7, 3)", r.steps().get(3).shape());
        assertTrue(r.steps().get(3).stats().min() >= 0, "relu output");
        assertTrue(Files.isRegularFile(r.report()));

        Path w = dir.resolve("w.h5");
        assertEquals(1, cmd.weightsSave("m", w).layers());
        cmd.load("m2", "{\"seed\": 99, \"layers\": [{\"type\": \"conv2d\", \"name\": \"conv_1\", \"filters\": 3, "
                + "\"kernel_size\": [3, 3]}]}", w, LoadOptions.BY_NAME, null);
        assertTrue(cmd.model("m").weights().get("conv_1").get("kernel")
                .contentEquals(cmd.model("m2").weights().get("conv_1").get("kernel")));
        assertTrue(cmd.weightsShow(w).toString().contains("conv_1"));
    }
}
