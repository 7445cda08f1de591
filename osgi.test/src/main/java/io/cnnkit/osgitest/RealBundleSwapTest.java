package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Tensor;

/**
 * Hot swap with the real bundles: stopping layers.conv (or the relu bundle) makes a model
 * that uses conv2d (relu) unavailable and starting it restores bit-identical output with the
 * same weights; {@code Bundle.update()} while three threads run the shared model makes no
 * run fail and changes no output bit.
 */
class RealBundleSwapTest {
    static final int H = 6;
    static final int W = 6;
    static final int C = 2;
    static final int F = 4;
    static final Tensor X = Nhwc.input(H, W, C);

    /** A bundle and the service of it the model uses. */
    record Swap(String bundle, Class<?> service, String property, String key, String missing) {
        @Override
        public String toString() {
            return bundle;
        }
    }

    static Stream<Swap> swaps() {
        return Stream.of(
                new Swap("io.cnnkit.layers.conv", io.cnnkit.engine.api.LayerProvider.class,
                        io.cnnkit.engine.api.LayerProvider.TYPE, "conv2d", "layer type conv2d"),
                new Swap("io.cnnkit.activations.relu", io.cnnkit.engine.api.Activation.class,
                        io.cnnkit.engine.api.Activation.NAME, "relu", "activation relu"));
    }

    private final List<Model> models = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        models.forEach(Model::close);
        for (Swap s : swaps().toList()) {
            Bundle b = Osgi.bundle(s.bundle());
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("swaps")
    void stoppedBundleMakesTheModelUnavailableAndStartingRestoresIt(Swap s) throws Exception {
        Model m = build("stop_" + s.key());
        float[] before = m.predict(X).toArray();
        Map<String, Map<String, Tensor>> weights = m.weights();

        Bundle b = Osgi.bundle(s.bundle());
        b.stop();
        Osgi.await(() -> !m.isAvailable(), () -> "model still available after stopping " + s.bundle());
        assertTrue(m.unavailableReason().contains(s.key()), "reason: " + m.unavailableReason());
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                () -> m.predict(X, RunOptions.DEFAULT.withWaitMillis(0)));
        assertTrue(e.missing().contains(s.missing()), "missing " + e.missing());
        assertFalse(Osgi.engine().providers().containsKey(kind(s) + s.key()), "engine still lists " + s.key());

        b.start();
        Osgi.await(m::isAvailable, () -> "model not available after starting " + s.bundle() + ": "
                + m.unavailableReason());
        assertArrayEquals(before, m.predict(X, RunOptions.DEFAULT.withWaitMillis(0)).toArray(),
                "output after restart differs");
        assertWeightsEqual(weights, m.weights());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("swaps")
    void updateUnderLoadFailsNoRunAndChangesNoBit(Swap s) throws Exception {
        Model m = build("update_" + s.key());
        float[] ref = m.predict(X).toArray();
        Bundle b = Osgi.bundle(s.bundle());
        long serviceBefore = serviceId(s);
        BundleRevision revisionBefore = b.adapt(BundleRevision.class);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        float[] y = m.predict(X, RunOptions.DEFAULT).toArray();
                        if (!Arrays.equals(ref, y)) {
                            problems.add("thread " + id + ": output differs " + Arrays.toString(y));
                        }
                        runs.incrementAndGet();
                    } catch (Throwable ex) {
                        problems.add("thread " + id + ": " + ex);
                    }
                }
            }, "swap-runner-" + t);
            th.start();
            threads.add(th);
        }
        try {
            awaitRuns(runs, 30);
            b.update(); // from its own location
            PluginBundleTest.refresh(List.of(b));
            Osgi.await(() -> b.getState() == Bundle.ACTIVE && m.isAvailable() && hasService(s),
                    () -> s.bundle() + " state " + b.getState() + ", model " + m);
            awaitRuns(runs, 30);
        } finally {
            stop.set(true);
            for (Thread th : threads) {
                th.join(Osgi.TIMEOUT.toMillis());
            }
        }
        System.out.println("[osgi.test] update of " + s.bundle() + " under load: " + runs.get() + " runs, "
                + problems.size() + " problems");
        assertTrue(problems.isEmpty(), problems.size() + " problems in " + runs.get() + " runs, first: "
                + problems.peek());
        assertNotEquals(revisionBefore, b.adapt(BundleRevision.class), "update made no new bundle revision");
        assertNotEquals(serviceBefore, serviceId(s), "the " + s.key() + " service was not re-registered");
        assertEquals(Bundle.ACTIVE, b.getState());
        assertArrayEquals(ref, m.predict(X, RunOptions.DEFAULT.withWaitMillis(0)).toArray(), "after the update");
    }

    /** conv2d with 4 filters and relu, weights set here so that some pre-activations are negative. */
    private Model build(String name) {
        Engine engine = Osgi.engine();
        Model m = engine.build(engine.parse("input(" + H + ", " + W + ", " + C + ", name=" + name
                + ") | conv2d(" + F + ", 3, activation=relu, name=c)"));
        models.add(m);
        float[] k = new float[3 * 3 * C * F];
        for (int i = 0; i < k.length; i++) {
            k[i] = ((i * 5) % 11 - 5) * 0.125f;
        }
        m.setWeights("c", Map.of("kernel", Tensor.wrap(k, 3, 3, C, F),
                "bias", Tensor.wrap(new float[] { -0.5f, 0.25f, -1f, 0f }, F)));
        // the arithmetic, checked once so "bit-identical" compares against a right answer
        double[] want = new double[(H - 2) * (W - 2) * F];
        for (int oy = 0; oy < H - 2; oy++) {
            for (int ox = 0; ox < W - 2; ox++) {
                for (int f = 0; f < F; f++) {
                    double s = m.weights().get("c").get("bias").get(f);
                    for (int ky = 0; ky < 3; ky++) {
                        for (int kx = 0; kx < 3; kx++) {
                            for (int c = 0; c < C; c++) {
                                s += X.get(0, oy + ky, ox + kx, c) * k[((ky * 3 + kx) * C + c) * F + f];
                            }
                        }
                    }
                    want[(oy * (W - 2) + ox) * F + f] = Math.max(s, 0);
                }
            }
        }
        Nhwc.assertClose(new int[] { 1, H - 2, W - 2, F }, want, m.predict(X), name);
        return m;
    }

    private static String kind(Swap s) {
        return s.key().equals("relu") ? "activation " : "layer ";
    }

    private static boolean hasService(Swap s) {
        try {
            return Osgi.context().getServiceReferences(s.service().getName(),
                    "(" + s.property() + "=" + s.key() + ")") != null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long serviceId(Swap s) throws Exception {
        ServiceReference<?>[] refs = Osgi.context().getServiceReferences(s.service().getName(),
                "(" + s.property() + "=" + s.key() + ")");
        assertTrue(refs != null && refs.length == 1, s.key() + " services: " + Arrays.toString(refs));
        return (Long) refs[0].getProperty(Constants.SERVICE_ID);
    }

    private static void awaitRuns(AtomicInteger runs, int more) {
        int target = runs.get() + more;
        Osgi.await(() -> runs.get() >= target, () -> "only " + runs.get() + " runs, wanted " + target);
    }

    private static void assertWeightsEqual(Map<String, Map<String, Tensor>> want, Map<String, Map<String, Tensor>> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((layer, ws) -> ws.forEach((w, t) -> assertArrayEquals(t.toArray(),
                got.get(layer).get(w).toArray(), layer + "/" + w)));
    }
}
