package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.Reports;

/**
 * io.image inside the frameworks: ImageIO decoding, HDF5 weights through jhdf (with slf4j 2
 * finding slf4j-simple through the SPI Fly mediator) and the HTML/PNG/.npy report.
 */
class IoImageTest {
    /** tiny3x2.png (3 wide, 2 high, RGB 8 bit), row by row. */
    static final float[] PIXELS = {
            255, 0, 0, 0, 255, 0, 0, 0, 255,
            10, 20, 30, 128, 128, 128, 255, 255, 255 };
    static final String MODEL = "conv2d(2, 2, name=conv_1) | relu | flatten | dense(3, name=dens_1)";

    private Path dir;

    @AfterEach
    void cleanUp() throws IOException {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void readsAPngFromTheTestBundle() throws IOException {
        Tensor img = Images.read(png());
        assertArrayEquals(new int[] { 1, 2, 3, 3 }, img.shape());
        assertArrayEquals(PIXELS, img.toArray());
    }

    @Test
    void kerasWeightsSaveAndLoadByNameRoundTrip() throws IOException {
        Engine engine = Osgi.engine();
        Tensor img = Images.read(png());
        try (Model a = engine.build(engine.parse("input(2, 3, 3, name=io_a, seed=1) | " + MODEL));
                Model b = engine.build(engine.parse("input(2, 3, 3, name=io_b, seed=2) | " + MODEL))) {
            float[] ya = a.predict(img).toArray();
            assertFalse(java.util.Arrays.equals(ya, b.predict(img).toArray()), "seeds 1 and 2 gave the same weights");

            Path h5 = tempDir().resolve("a.h5");
            KerasWeights.save(a, h5);
            assertEquals(List.of("conv_1", "activation", "flatten", "dens_1"),
                    b.layers().stream().map(l -> l.name()).toList());
            LoadReport report = KerasWeights.load(b, h5, LoadOptions.BY_NAME);
            assertEquals(2, report.count(LoadReport.Status.LOADED), report.format());

            Map<String, Map<String, Tensor>> wa = a.weights();
            Map<String, Map<String, Tensor>> wb = b.weights();
            assertEquals(wa.keySet(), wb.keySet());
            wa.forEach((layer, ws) -> ws.forEach((w, t) -> assertArrayEquals(t.toArray(),
                    wb.get(layer).get(w).toArray(), layer + "/" + w)));
            assertArrayEquals(ya, b.predict(img).toArray(), "model b after loading a's weights");
        }
    }

    @Test
    void writesATraceReport() throws IOException {
        Engine engine = Osgi.engine();
        Tensor img = Images.read(png());
        try (Model m = engine.build(engine.parse("input(2, 3, 3, name=io_report) | " + MODEL))) {
            List<Stage> stages = m.trace(img);
            Path out = tempDir().resolve("trace");
            Path report = Reports.writeTrace("osgi trace", stages, m.summary(), out, true);
            assertEquals("report.html", report.getFileName().toString());
            String html = Files.readString(report);
            assertTrue(html.contains("osgi trace") && html.contains("dens_1"), "report.html lacks title or layer");
            try (Stream<Path> files = Files.list(out)) {
                List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(stages.size(), names.stream().filter(n -> n.endsWith(".png")).count(), names.toString());
                assertEquals(stages.size(), names.stream().filter(n -> n.endsWith(".npy")).count(), names.toString());
            }
        }
    }

    @Test
    void jhdfAndAnSlf4jProviderResolve() {
        Bundle io = Osgi.bundle("io.cnnkit.io.image");
        List<BundleWire> wires = io.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package");
        Bundle jhdf = wires.stream()
                .filter(w -> "io.jhdf".equals(w.getCapability().getAttributes().get("osgi.wiring.package")))
                .map(w -> w.getProvider().getBundle()).findFirst().orElse(null);
        assertNotNull(jhdf, "io.image has no wire for package io.jhdf: " + wires);
        assertEquals(Bundle.ACTIVE, Osgi.bundle("org.apache.aries.spifly.dynamic.bundle").getState());
        // slf4j 2 finds providers only through ServiceLoader, which SPI Fly mediates in OSGi;
        // without it slf4j falls back to its no-op logger
        String factory = org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName();
        assertFalse(factory.contains("NOP") || factory.contains("Substitute"), "slf4j logger factory " + factory);
    }

    private Path tempDir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("cnnkit-osgi-io");
        }
        return dir;
    }

    private Path png() throws IOException {
        Path p = tempDir().resolve("tiny3x2.png");
        try (InputStream in = getClass().getResourceAsStream("tiny3x2.png")) {
            assertNotNull(in, "tiny3x2.png missing from the test bundle");
            Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }
}
