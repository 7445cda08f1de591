package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;

/**
 * Every layer type of layers.conv, layers.pool, layers.dense and layers.merge: its service is
 * registered by that bundle with the right cnnkit.layer.type and cnnkit.keras.class, and the
 * engine service builds and runs a model with it, checked against arithmetic done here. The
 * merge layers join relu(x) (the piped value) with the model input (@input).
 */
class LayerBundlesTest {
    static final String CONV = "io.cnnkit.layers.conv";
    static final String POOL = "io.cnnkit.layers.pool";
    static final String DENSE = "io.cnnkit.layers.dense";
    static final String MERGE = "io.cnnkit.layers.merge";

    /** Every case runs on this (1, 4, 4, 2) input. */
    static final Tensor X = Nhwc.input(4, 4, 2);

    /**
     * @param line      the model after {@code input(4, 4, 2) | }
     * @param shape     expected output shape
     * @param expected  expected output from {@link #X}, computed here
     */
    record Case(String type, String bundle, String kerasClass, String line, int[] shape,
            Function<Tensor, double[]> expected) {
        @Override
        public String toString() {
            return type;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("conv2d", CONV, "Conv2D",
                        "conv2d(3, 3, kernel_initializer=constant(1), bias_initializer=constant(0.5))",
                        new int[] { 1, 2, 2, 3 }, x -> perPixel(2, 2, 3, (oy, ox, f) -> Nhwc.windowSum(x, oy, ox, 3, 3, -1) + 0.5)),
                new Case("depthwise_conv2d", CONV, "DepthwiseConv2D",
                        "depthwise_conv2d(2, depthwise_initializer=constant(1), bias_initializer=constant(-1))",
                        new int[] { 1, 3, 3, 2 }, x -> perPixel(3, 3, 2, (oy, ox, c) -> Nhwc.windowSum(x, oy, ox, 2, 2, c) - 1)),
                new Case("zero_padding2d", CONV, "ZeroPadding2D", "zero_padding2d(1)",
                        new int[] { 1, 6, 6, 2 }, x -> perPixel(6, 6, 2, (y, xx, c) -> y == 0 || y == 5 || xx == 0 || xx == 5
                                ? 0 : x.get(0, y - 1, xx - 1, c))),
                new Case("max_pooling2d", POOL, "MaxPooling2D", "max_pooling2d(2)",
                        new int[] { 1, 2, 2, 2 }, x -> Nhwc.pool(x, 2, true)),
                new Case("average_pooling2d", POOL, "AveragePooling2D", "average_pooling2d(2)",
                        new int[] { 1, 2, 2, 2 }, x -> Nhwc.pool(x, 2, false)),
                new Case("global_max_pooling2d", POOL, "GlobalMaxPooling2D", "global_max_pooling2d",
                        new int[] { 1, 2 }, x -> Nhwc.pool(x, 4, true)),
                new Case("global_average_pooling2d", POOL, "GlobalAveragePooling2D", "global_average_pooling2d",
                        new int[] { 1, 2 }, x -> Nhwc.pool(x, 4, false)),
                new Case("flatten", DENSE, "Flatten", "flatten",
                        new int[] { 1, 32 }, Nhwc::doubles),
                new Case("dense", DENSE, "Dense",
                        "flatten | dense(3, kernel_initializer=constant(0.5), bias_initializer=constant(0.25))",
                        new int[] { 1, 3 }, x -> {
                            double s = 0.5 * Nhwc.windowSum(x, 0, 0, 4, 4, -1) + 0.25;
                            return new double[] { s, s, s };
                        }),
                new Case("dropout", DENSE, "Dropout", "dropout(0.5)",
                        new int[] { 1, 4, 4, 2 }, Nhwc::doubles),
                new Case("batch_normalization", DENSE, "BatchNormalization",
                        "batch_normalization(gamma_initializer=constant(2), beta_initializer=constant(0.5), "
                                + "moving_mean_initializer=constant(1), moving_variance_initializer=constant(3))",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> 2 * (v - 1) / Math.sqrt(3 + 1e-3) + 0.5)),
                new Case("prelu", DENSE, "PReLU", "prelu(alpha_initializer=constant(0.25))",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> v >= 0 ? v : 0.25 * v)),
                new Case("activation", DENSE, "Activation", "activation(relu)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> Math.max(v, 0))),
                new Case("add", MERGE, "Add", "activation(relu) | add(@input)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> Math.max(v, 0) + v)),
                new Case("subtract", MERGE, "Subtract", "activation(relu) | subtract(@input)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> Math.max(v, 0) - v)),
                new Case("multiply", MERGE, "Multiply", "activation(relu) | multiply(@input)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> Math.max(v, 0) * v)),
                new Case("average", MERGE, "Average", "activation(relu) | average(@input)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> (Math.max(v, 0) + v) / 2)),
                new Case("maximum", MERGE, "Maximum", "activation(relu) | maximum(@input)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> Math.max(Math.max(v, 0), v))),
                new Case("minimum", MERGE, "Minimum", "activation(relu) | minimum(@input)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> Math.min(Math.max(v, 0), v))),
                new Case("concatenate", MERGE, "Concatenate", "activation(relu) | concatenate(@input)",
                        new int[] { 1, 4, 4, 4 }, x -> perPixel(4, 4, 4, (y, xx, c) -> c < 2
                                ? Math.max(x.get(0, y, xx, c), 0) : x.get(0, y, xx, c - 2))),
                new Case("merge", MERGE, "Merge", "activation(relu) | merge(@input, mode=ave)",
                        new int[] { 1, 4, 4, 2 }, x -> map(x, v -> (Math.max(v, 0) + v) / 2)));
    }

    /**
     * Each provider class of a layer bundle is one service, registered by DS with its
     * {@code @LayerType} properties. The bundles list their providers in META-INF/services (bnd
     * writes it from {@code @LayerType}) and Aries SPI Fly is in the run: it must not register
     * them a second time (the bundles do not require the osgi.serviceloader.registrar extender).
     */
    @Test
    void everyProviderIsRegisteredOnceByDs() throws Exception {
        for (String bsn : List.of(CONV, POOL, DENSE, MERGE)) {
            org.osgi.framework.Bundle b = Osgi.bundle(bsn);
            ServiceReference<?>[] refs = b.getRegisteredServices();
            List<ServiceReference<?>> providers = Stream.of(refs == null ? new ServiceReference<?>[0] : refs)
                    .filter(r -> List.of((String[]) r.getProperty(Constants.OBJECTCLASS))
                            .contains(LayerProvider.class.getName()))
                    .toList();
            String components = b.getHeaders().get("Service-Component");
            assertEquals(components.split(",").length, providers.size(), bsn + " registers " + providers);
            Set<Object> types = new TreeSet<>();
            for (ServiceReference<?> r : providers) {
                assertNull(r.getProperty("serviceloader.mediator"), bsn + ": registered by a ServiceLoader mediator: "
                        + r + " " + Nhwc.strings(r.getPropertyKeys()));
                assertNotNull(r.getProperty("component.name"), bsn + ": not a DS service: " + r);
                assertTrue(types.add(r.getProperty(LayerProvider.TYPE)), bsn + ": two services of one type: "
                        + r.getProperty(LayerProvider.TYPE));
            }
            String caps = b.getHeaders().get("Provide-Capability");
            assertTrue(caps.contains("osgi.serviceloader"), bsn + " Provide-Capability: " + caps);
            String reqs = b.getHeaders().get("Require-Capability");
            assertFalse(reqs.contains("osgi.serviceloader.registrar"), bsn + " Require-Capability: " + reqs);
        }
        assertEquals(1, Stream.of(Osgi.context().getBundles())
                .filter(b -> "org.apache.aries.spifly.dynamic.bundle".equals(b.getSymbolicName())
                        && b.getState() == org.osgi.framework.Bundle.ACTIVE).count(), "SPI Fly active in the run");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void registeredByItsBundleAndRunByTheEngine(Case c) throws Exception {
        ServiceReference<LayerProvider> ref = Nhwc.registration(LayerProvider.class, LayerProvider.TYPE, c.type(),
                c.bundle());
        Set<String> keras = Nhwc.strings(ref.getProperty("cnnkit.keras.class"));
        assertTrue(keras.contains(c.kerasClass()), c.type() + " cnnkit.keras.class = " + keras);

        Engine engine = Osgi.engine();
        String origin = engine.providers().get("layer " + c.type());
        assertNotNull(origin, "engine providers " + engine.providers());
        assertTrue(origin.startsWith(c.bundle() + " "), "engine uses " + c.type() + " from " + origin);

        try (Model m = engine.build(engine.parse("input(4, 4, 2, name=bundle_" + c.type() + ") | " + c.line()))) {
            List<String> types = m.layers().stream().map(l -> l.type()).toList();
            assertTrue(types.contains(c.type()), "model layers " + types);
            Tensor y = m.predict(X);
            Nhwc.assertClose(c.shape(), c.expected().apply(X), y, c.type());
            assertEquals(c.shape()[c.shape().length - 1], m.layers().get(m.layers().size() - 1).outputShape().dim(-1));
        }
    }

    interface PixelFn {
        double at(int y, int x, int c);
    }

    static double[] perPixel(int h, int w, int c, PixelFn f) {
        double[] out = new double[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    out[(y * w + x) * c + ch] = f.at(y, x, ch);
                }
            }
        }
        return out;
    }

    static double[] map(Tensor x, java.util.function.DoubleUnaryOperator f) {
        double[] d = Nhwc.doubles(x);
        for (int i = 0; i < d.length; i++) {
            d[i] = f.applyAsDouble(d[i]);
        }
        return d;
    }
}
