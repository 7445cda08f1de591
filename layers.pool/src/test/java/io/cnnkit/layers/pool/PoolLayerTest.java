package io.cnnkit.layers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;

class PoolLayerTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Harness.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static LayerSpec spec(String type, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return new LayerSpec(1, type, null, p);
    }

    private static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    /** The walkthrough: a 4x4 map, 2x2 max and average pooling (hand-computed). */
    @Test
    void walkthroughFourByFour() {
        Tensor x = Tensor.wrap(new float[] {1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4}, 1, 4, 4, 1);
        try (Model max = Harness.build(engine, Shape.of(4, 4, 1), spec("max_pooling2d", "pool_size", 2L));
                Model avg = Harness.build(engine, Shape.of(4, 4, 1), spec("average_pooling2d"))) {
            assertTrue(Tensor.wrap(new float[] {6, 8, 3, 4}, 1, 2, 2, 1).contentEquals(max.predict(x)));
            assertTrue(Tensor.wrap(new float[] {3.25f, 5.25f, 2, 2}, 1, 2, 2, 1).contentEquals(avg.predict(x)));
        }
    }

    /** TF same average on 3x3 with a 2x2 pool: the bottom/right windows average fewer cells. */
    @Test
    void sameAverageCountsOnlyInBoundsCells() {
        Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);
        try (Model m = Harness.build(engine, Shape.of(3, 3, 1),
                spec("average_pooling2d", "pool_size", 2L, "padding", "same"))) {
            // windows: {1,2,4,5} {3,6} {7,8} {9}
            assertTrue(Tensor.wrap(new float[] {3, 4.5f, 7.5f, 9}, 1, 2, 2, 1).contentEquals(m.predict(x)));
        }
    }

    /** The kernel against the cell-by-cell reference, bit for bit, for 1 and 2 threads. */
    @Test
    void kernelMatchesReference() {
        Random r = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            Pool2d.Kind kind = trial % 2 == 0 ? Pool2d.Kind.MAX : Pool2d.Kind.AVERAGE;
            int[] pool = {1 + r.nextInt(4), 1 + r.nextInt(4)};
            int[] strides = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            boolean same = r.nextBoolean();
            int h = pool[0] + r.nextInt(12);
            int w = pool[1] + r.nextInt(12);
            // fewer than 8 channels, and 16 to 20 (the average pool's copy-then-add loop)
            int c = 1 + r.nextInt(5) + (trial % 4 >= 2 ? 15 : 0);
            Tensor x = random(r, 1 + r.nextInt(3), h, w, c);
            Pool2d.Config cfg = new Pool2d.Config(kind, pool, strides, same);
            Tensor expected = Pool2d.reference(cfg, x);
            LayerSpec s = spec(kind == Pool2d.Kind.MAX ? "max_pooling2d" : "average_pooling2d", "pool_size",
                    List.of((long) pool[0], (long) pool[1]), "strides", List.of((long) strides[0], (long) strides[1]),
                    "padding", same ? "same" : "valid");
            try (Model m = Harness.build(engine, Shape.of(h, w, c), s)) {
                for (int threads : new int[] {1, 2}) {
                    Tensor y = m.predict(x, RunOptions.DEFAULT.withThreads(threads));
                    assertTrue(expected.contentEquals(y), "trial " + trial + " " + cfg.describe() + " threads "
                            + threads);
                }
            }
        }
    }

    /**
     * Global pooling against the definition (cells in row-major order, one sum or max per
     * channel, average divided once), bit for bit, over batches and channel counts either side of
     * a vector's width, at 1 and 2 threads.
     */
    @Test
    void globalPoolsMatchTheDefinition() {
        Random r = new Random(11);
        for (int trial = 0; trial < 12; trial++) {
            boolean max = trial % 2 == 0;
            int h = 1 + r.nextInt(7), w = 1 + r.nextInt(7), c = 1 + r.nextInt(40), batch = 1 + r.nextInt(4);
            Tensor x = random(r, batch, h, w, c);
            if (max && trial % 4 == 0) {
                x.data()[r.nextInt(x.size())] = Float.NaN; // NaN wins, as Math.max
            }
            Tensor expected = Tensor.zeros(batch, c);
            for (int n = 0; n < batch; n++) {
                for (int ch = 0; ch < c; ch++) {
                    float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                    for (int iy = 0; iy < h; iy++) {
                        for (int ix = 0; ix < w; ix++) {
                            float v = x.get(n, iy, ix, ch);
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    expected.set(max ? acc : acc / (h * w), n, ch);
                }
            }
            try (Model m = Harness.build(engine, Shape.of(h, w, c),
                    spec(max ? "global_max_pooling2d" : "global_average_pooling2d"))) {
                for (int threads : new int[] {1, 2}) {
                    Tensor y = m.predict(x, RunOptions.DEFAULT.withThreads(threads));
                    assertTrue(expected.contentEquals(y), "trial " + trial + " " + h + "x" + w + "x" + c + " batch "
                            + batch + " threads " + threads);
                }
            }
        }
    }

    /**
     * The pools skip the engine's zeroing of reused buffers ({@code writesEveryOutput}): as the
     * first layer of a model their output is an intermediate buffer the next run reuses, and a
     * second run on other input must give exactly the reference, whatever the first run left.
     */
    @Test
    void reusedDirtyBuffersGiveTheReference() {
        Random r = new Random(9);
        for (int trial = 0; trial < 30; trial++) {
            Pool2d.Kind kind = trial % 2 == 0 ? Pool2d.Kind.MAX : Pool2d.Kind.AVERAGE;
            int[] pool = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            int[] strides = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            boolean same = r.nextBoolean();
            int h = pool[0] + r.nextInt(10), w = pool[1] + r.nextInt(10), c = 1 + r.nextInt(trial % 3 == 0 ? 7 : 20);
            int batch = 1 + r.nextInt(2);
            Pool2d.Config cfg = new Pool2d.Config(kind, pool, strides, same);
            LayerSpec first = spec(kind == Pool2d.Kind.MAX ? "max_pooling2d" : "average_pooling2d", "pool_size",
                    List.of((long) pool[0], (long) pool[1]), "strides", List.of((long) strides[0], (long) strides[1]),
                    "padding", same ? "same" : "valid");
            // a 1x1 max pool after it copies the first pool's output: the first pool's buffer is reused
            LayerSpec copy = spec("max_pooling2d", "pool_size", List.of(1L, 1L));
            try (Model m = Harness.build(engine, Shape.of(h, w, c), first, copy)) {
                Tensor a = random(r, batch, h, w, c);
                for (int i = 0; i < a.size(); i++) {
                    a.data()[i] = i % 3 == 0 ? Float.NaN : a.data()[i] * 1e6f;
                }
                Tensor b = random(r, batch, h, w, c);
                Tensor expected = Pool2d.reference(cfg, b);
                for (int threads : new int[] {1, 2}) {
                    m.predict(a, RunOptions.DEFAULT.withThreads(threads));
                    Tensor y = m.predict(b, RunOptions.DEFAULT.withThreads(threads));
                    assertTrue(expected.contentEquals(y), "trial " + trial + " " + cfg.describe() + " threads " + threads);
                }
            }
        }
    }

    /** The two-pass max kernel on wide and narrow channel rows with NaN, infinities and signed zeros. */
    @Test
    void maxKernelMatchesReferenceOnSpecialValuesAndManyChannels() {
        Random r = new Random(8);
        float[] special = {Float.NaN, -0f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (int trial = 0; trial < 18; trial++) {
            int[] pool = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            int[] strides = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            boolean same = trial % 2 == 0;
            // every third trial with fewer than 8 channels (the few-channel whole-row path)
            int h = pool[0] + r.nextInt(9), w = pool[1] + r.nextInt(9), c = trial % 3 == 0 ? 1 + r.nextInt(7)
                    : 1 + r.nextInt(70);
            Tensor x = random(r, 1 + r.nextInt(2), h, w, c);
            for (int i = 0; i < x.size(); i++) {
                if (r.nextInt(6) == 0) {
                    x.data()[i] = special[r.nextInt(special.length)];
                }
            }
            Pool2d.Config cfg = new Pool2d.Config(Pool2d.Kind.MAX, pool, strides, same);
            Tensor expected = Pool2d.reference(cfg, x);
            LayerSpec s = spec("max_pooling2d", "pool_size", List.of((long) pool[0], (long) pool[1]), "strides",
                    List.of((long) strides[0], (long) strides[1]), "padding", same ? "same" : "valid");
            try (Model m = Harness.build(engine, Shape.of(h, w, c), s)) {
                for (int threads : new int[] {1, 2}) {
                    Tensor y = m.predict(x, RunOptions.DEFAULT.withThreads(threads));
                    for (int i = 0; i < y.size(); i++) {
                        assertEquals(Float.floatToIntBits(expected.data()[i]), Float.floatToIntBits(y.data()[i]),
                                "trial " + trial + " " + cfg.describe() + " element " + i + " threads " + threads);
                    }
                }
            }
        }
    }

    @Test
    void emptyOutputIsAnErrorNamingSizesPoolStrideAndPadding() {
        ModelException e = assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(2, 5, 3),
                spec("max_pooling2d", "pool_size", 3L, "strides", 2L)));
        String msg = e.getMessage();
        assertTrue(msg.contains("2x5") && msg.contains("pool_size (3, 3)") && msg.contains("strides (2, 2)")
                && msg.contains("padding valid") && msg.contains("max_pooling2d"), msg);
        // Open sizes build; the run with a too-small image fails with the same kind of message.
        try (Model m = Harness.build(engine, Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 1),
                spec("average_pooling2d", "pool_size", 4L))) {
            assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 1), m.layers().get(0).outputShape());
            ModelException run = assertThrows(ModelException.class, () -> m.predict(Tensor.zeros(1, 3, 8, 1)));
            assertTrue(run.getMessage().contains("3x8"), run.getMessage());
        }
    }

    @Test
    void parameterErrors() {
        Shape in = Shape.of(8, 8, 3);
        String pad = assertThrows(ModelException.class,
                () -> Harness.build(engine, in, spec("max_pooling2d", "padding", "full"))).getMessage();
        assertTrue(pad.contains("'padding'") && pad.contains("valid, same"), pad);
        String cf = assertThrows(ModelException.class,
                () -> Harness.build(engine, in, spec("average_pooling2d", "data_format", "channels_first")))
                .getMessage();
        assertTrue(cf.contains("channels_last"), cf);
        String neg = assertThrows(ModelException.class,
                () -> Harness.build(engine, in, spec("max_pooling2d", "pool_size", 0L))).getMessage();
        assertTrue(neg.contains("'pool_size'"), neg);
        String rank = assertThrows(ModelException.class,
                () -> Harness.build(engine, Shape.of(10), spec("global_max_pooling2d"))).getMessage();
        assertTrue(rank.contains("(None, 10)"), rank);
        String unknown = assertThrows(ModelException.class,
                () -> Harness.build(engine, in, spec("max_pooling2d", "kernel_size", 2L))).getMessage();
        assertTrue(unknown.contains("kernel_size") && unknown.contains("pool_size"), unknown);
    }

    @Test
    void shapesAndSummary() {
        try (Model m = Harness.build(engine, Shape.of(32, 31, 3), spec("max_pooling2d", "pool_size", 3L),
                spec("average_pooling2d", "padding", "same"), spec("global_average_pooling2d", "keepdims", true),
                spec("global_max_pooling2d"))) {
            Summary s = m.summary();
            assertEquals(List.of("max_pooling2d", "average_pooling2d", "global_average_pooling2d",
                    "global_max_pooling2d"), s.rows().stream().map(Summary.Row::name).toList());
            assertEquals(Shape.of(10, 10, 3), s.rows().get(0).outputShape());
            assertEquals(Shape.of(5, 5, 3), s.rows().get(1).outputShape());
            assertEquals(Shape.of(1, 1, 3), s.rows().get(2).outputShape());
            assertEquals(Shape.of(3), s.rows().get(3).outputShape());
            assertEquals(0, s.totalParams());
        }
    }

    @Test
    void kerasConfigs() {
        MaxPooling2dProvider p = new MaxPooling2dProvider();
        Map<String, Object> keras2 = new LinkedHashMap<>();
        keras2.put("name", "max_pooling2d");
        keras2.put("trainable", true);
        keras2.put("dtype", "float32");
        keras2.put("pool_size", List.of(2, 2));
        keras2.put("padding", "valid");
        keras2.put("strides", List.of(2, 2));
        keras2.put("data_format", "channels_last");
        assertEquals(Map.of("pool_size", List.of(2, 2), "padding", "valid", "strides", List.of(2, 2),
                "data_format", "channels_last"), p.fromKeras("MaxPooling2D", keras2));
        Map<String, Object> keras1 = new LinkedHashMap<>();
        keras1.put("name", "maxpooling2d_1");
        keras1.put("trainable", true);
        keras1.put("pool_size", List.of(3, 3));
        keras1.put("strides", null);
        keras1.put("border_mode", "same");
        keras1.put("dim_ordering", "tf");
        Map<String, Object> mapped = p.fromKeras("MaxPooling2D", keras1);
        assertEquals("same", mapped.get("padding"));
        assertEquals("channels_last", mapped.get("data_format"));
        // strides null = pool_size, as in Keras.
        LayerSpec s = new LayerSpec(1, "max_pooling2d", "maxpooling2d_1", mapped);
        try (Model m = Harness.build(engine, Shape.of(7, 7, 1), s)) {
            assertEquals(Shape.of(3, 3, 1), m.layers().get(0).outputShape());
        }
        keras1.put("dim_ordering", "th");
        LayerSpec th = new LayerSpec(1, "max_pooling2d", null, p.fromKeras("MaxPooling2D", keras1));
        assertThrows(ModelException.class, () -> Harness.build(engine, Shape.of(7, 7, 1), th));
        Map<String, Object> g = new GlobalAveragePooling2dProvider().fromKeras("GlobalAveragePooling2D",
                Map.of("name", "gap", "data_format", "channels_last", "keepdims", false, "trainable", true));
        assertEquals(Map.of("data_format", "channels_last", "keepdims", false), g);
        assertEquals(List.of("pool_size"), p.positionalParameters());
        assertEquals(List.of("AveragePooling2D"), new AveragePooling2dProvider().kerasClasses());
    }

    @Test
    void serviceLoaderFindsEveryProvider() {
        try (StandaloneEngine e = Engines.fromServiceLoader(PoolLayerTest.class.getClassLoader())) {
            assertTrue(e.layerTypes().containsAll(List.of("average_pooling2d", "global_average_pooling2d",
                    "global_max_pooling2d", "max_pooling2d")), e.layerTypes().toString());
        }
    }

    /** bnd's manifest and DS descriptors, as the jar will carry them. */
    @Test
    void bundleManifest() throws IOException {
        Path classes = Path.of("target", "classes");
        Manifest mf;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        var a = mf.getMainAttributes();
        assertEquals("io.cnnkit.layers.pool", a.getValue("Bundle-SymbolicName"));
        assertFalse(a.containsKey(new java.util.jar.Attributes.Name("Export-Package")), "no exports");
        String caps = a.getValue("Provide-Capability");
        assertTrue(caps != null && caps.contains("io.cnnkit.engine.api.LayerProvider"), String.valueOf(caps));
        String components = a.getValue("Service-Component");
        for (String type : List.of("MaxPooling2dProvider", "AveragePooling2dProvider", "GlobalMaxPooling2dProvider",
                "GlobalAveragePooling2dProvider")) {
            String xml = "OSGI-INF/io.cnnkit.layers.pool." + type + ".xml";
            assertTrue(components.contains(xml), components);
            String text = Files.readString(classes.resolve(xml));
            assertTrue(text.contains("cnnkit.layer.type") && text.contains("cnnkit.keras.class"), text);
        }
    }
}
