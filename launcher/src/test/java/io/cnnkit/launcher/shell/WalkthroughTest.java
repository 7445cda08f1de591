package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void demoWritesEveryStepAndTheIndex() throws Exception {
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
        checkPage(out, r);
    }

    /**
     * index.html: one display size for every picture (enlarged ones pixelated), the weights
     * sentence once, kernel matrices beside their pictures, per-filter maps of every 3-channel
     * model stage, colour scales, and the flatten stage wrapped into a near-square grid.
     */
    private void checkPage(Path out, Results.DemoRun r) throws Exception {
        String html = Files.readString(out.resolve("index.html"));
        // one size: a single CSS rule sizes img.pic, every picture has that class, none sizes itself
        assertTrue(html.contains("img.pic{display:block;width:var(--pic);height:var(--pic);object-fit:contain;"), html);
        assertTrue(html.contains("img.up{image-rendering:pixelated}"));
        java.util.regex.Matcher img = java.util.regex.Pattern.compile("<img ([^>]*)>").matcher(html);
        int pictures = 0;
        while (img.find()) {
            pictures++;
            String attrs = img.group(1);
            assertTrue(attrs.startsWith("class=\"pic"), attrs);
            assertFalse(attrs.contains("width") || attrs.contains("style"), attrs);
            String src = attrs.replaceAll(".*src=\"([^\"]+)\".*", "$1");
            BufferedImage p = ImageIO.read(out.resolve(src).toFile());
            boolean small = Math.max(p.getWidth(), p.getHeight()) < DemoPage.DISPLAY;
            assertEquals(small, attrs.contains("class=\"pic up\""), src + " " + p.getWidth() + "x" + p.getHeight());
        }
        assertTrue(pictures > r.steps().size(), "more pictures than steps: per-filter maps, kernels, clipped photos");
        assertEquals(1, html.split("loaded by layer name", -1).length - 1, "the weights sentence once");
        assertFalse(html.contains("weights loaded by name:"), "no per-picture weights note");
        // the sharpen kernel as numbers next to its picture
        assertTrue(html.contains("<tr><td>-1</td><td>5</td><td>-1</td></tr>"), "sharpen matrix");
        assertTrue(html.contains("src=\"kernels/sharpen_kernel.png\"") && html.contains("src=\"kernels/sharpen_clip.png\""));
        // per-filter maps: each 3-channel forward and activation stage, with the conv filters' kernels
        int groups = 0;
        for (Results.DemoStep s : r.steps()) {
            if ((s.section().equals("forward") || s.section().equals("activations")) && s.shape().endsWith(", 3)")) {
                groups++;
                String stem = FileArgs.stem(s.picture());
                for (int c = 0; c < 3; c++) {
                    Path map = s.picture().resolveSibling(stem + "_filter" + c + ".png");
                    assertTrue(Files.isRegularFile(map), map.toString());
                    assertTrue(html.contains(out.relativize(map).toString().replace('\\', '/')), map.toString());
                }
            }
        }
        assertEquals(4 * 3, html.split("<span>bias ", -1).length - 1, "4 convs x 3 filters, each with its kernel");
        assertEquals(4 * 3 * 3, html.split("<span>in ", -1).length - 1, "one matrix per filter and input channel");
        // a colour scale under every picture, one for the three maps of a stage, none under dens_1's bars
        assertEquals(pictures - 2 * groups - 1, html.split("class=\"scale\"", -1).length - 1, "colour scales");
        // the flatten stage (5,808 values) wrapped: ceil(sqrt(5808)) = 77 columns of 76 rows
        BufferedImage flatten = ImageIO.read(out.resolve("forward").resolve("11_flatten.png").toFile());
        int cell = flatten.getWidth() / 77;
        assertEquals(77 * cell, flatten.getWidth());
        assertEquals(76 * cell, flatten.getHeight());
        assertTrue(cell >= 2, "cells enlarged so that each of thousands of values stays visible");
        assertTrue(html.contains("5,808 values row by row, 77 per row"), "the flatten's scale says how it is wrapped");
    }

    /**
     * --clip: the picture of a sharpened photo holds clamp(round(v), 0, 255) of the filter's
     * values, computed here independently (3x3 sharpen with zero padding on ImageIO's pixels).
     */
    @Test
    void filterClipHoldsTheClampedValues() throws Exception {
        assumeRuntime(List.of("conv2d"), List.of());
        Path photo = Demo.extractSample(dir);
        BufferedImage in = ImageIO.read(photo.toFile());
        int w = in.getWidth();
        int h = in.getHeight();
        int[][] k = {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}};
        Path out = dir.resolve("clip.png");
        Results.Filtered f = cmd.filter(photo, "sharpen", new FilterCommand.FilterParams(out, true));
        assertTrue(f.toString().contains("clipped to 0..255"), f.toString());
        BufferedImage got = ImageIO.read(out.toFile());
        assertEquals(w, got.getWidth());
        assertEquals(h, got.getHeight());
        int clippedLow = 0;
        int clippedHigh = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    long v = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int yy = y + dy;
                            int xx = x + dx;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                v += (long) k[dy + 1][dx + 1] * ((in.getRGB(xx, yy) >> shift) & 0xff);
                            }
                        }
                    }
                    clippedLow += v < 0 ? 1 : 0;
                    clippedHigh += v > 255 ? 1 : 0;
                    int want = (int) Math.max(0, Math.min(255, v));
                    assertEquals(want, (got.getRGB(x, y) >> shift) & 0xff, "x " + x + " y " + y + " channel " + c);
                }
            }
        }
        assertTrue(clippedLow > 0 && clippedHigh > 0, "the sharpened photo leaves 0..255 on both sides");
        // without --clip the same values are min-max normalised: the picture differs
        cmd.filter(photo, "sharpen", new FilterCommand.FilterParams(dir.resolve("minmax.png"), false));
        BufferedImage mm = ImageIO.read(dir.resolve("minmax.png").toFile());
        assertTrue(mm.getRGB(w / 2, h / 2) != got.getRGB(w / 2, h / 2) || mm.getRGB(10, 10) != got.getRGB(10, 10));
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
        Results.Filtered f = cmd.filter(png(48, 40), "sobel_x", new FilterCommand.FilterParams(out, false));
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
        Results.Run r = cmd.run("m", png(16, 10), new RunCommand.RunParams(dir.resolve("run"), true, 1, 1.0 / 255,
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
