package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.KernelBackend;

/**
 * The production kernel bundle (io.cnnkit.kernels.vector, run with --add-modules
 * jdk.incubator.vector as ./cnnkit runs it) comes and goes while a model runs: the conv2d,
 * depthwise and dense providers re-bind to the best backend present, the engine rebuilds the
 * model, every run gives the vector or the scalar result bit for bit, and an updated backend's
 * old class loader is released. (Under load the model has one conv2d only: with several layer
 * types the providers re-bind one after the other, so a run between two re-bindings may mix
 * vector and scalar layers, which is correct but not one of two fixed results.)
 */
class KernelBackendSwapTest {
    static final String BUNDLE = "io.cnnkit.kernels.vector";
    private final List<Model> models = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        models.forEach(Model::close);
        Bundle b = Osgi.bundle(BUNDLE);
        if (b.getState() != Bundle.ACTIVE) {
            b.start();
        }
    }

    @Test
    void theVectorBackendIsRegisteredInTheRun() {
        ServiceReference<KernelBackend> ref = Osgi.context().getServiceReference(KernelBackend.class);
        assertNotNull(ref, "no KernelBackend service: is the framework started with --add-modules "
                + "jdk.incubator.vector and the package exported by the system bundle?");
        assertEquals(BUNDLE, ref.getBundle().getSymbolicName());
        assertTrue(String.valueOf(ref.getProperty(KernelBackend.NAME)).startsWith("vector"),
                "backend name " + ref.getProperty(KernelBackend.NAME));
    }

    @Test
    void stoppingAndStartingTheBackendSwapsRunningModelsBetweenVectorAndScalar() throws Exception {
        Model m = build("kernel_swap", "conv2d(24, 3, padding=same, activation=relu, name=c)");
        Model all = build("kernel_swap_all", EVERY_KERNEL);
        Tensor x = input();
        float[] allVector = all.predict(x).toArray();
        float[] vector = m.predict(x).toArray();
        Bundle b = Osgi.bundle(BUNDLE);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger(), unavailable = new AtomicInteger();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        float[][] scalarSeen = new float[1][];
        Thread runner = new Thread(() -> {
            while (!stop.get()) {
                try {
                    float[] y = m.predict(x, RunOptions.DEFAULT.withWaitMillis(0)).toArray();
                    if (!Arrays.equals(vector, y)) {
                        synchronized (scalarSeen) {
                            if (scalarSeen[0] == null) {
                                scalarSeen[0] = y;
                            } else if (!Arrays.equals(scalarSeen[0], y)) {
                                problems.add("a run matches neither the vector nor the scalar result");
                            }
                        }
                    }
                    runs.incrementAndGet();
                } catch (ModelUnavailableException e) {
                    unavailable.incrementAndGet(); // providers re-registering: allowed, briefly
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                } catch (Throwable e) {
                    problems.add(e.toString());
                }
            }
        }, "kernel-swap-runner");
        runner.start();
        float[] scalar;
        try {
            b.stop();
            Osgi.await(() -> Osgi.context().getServiceReference(KernelBackend.class) == null,
                    () -> "KernelBackend still registered after stopping " + BUNDLE);
            Osgi.await(() -> m.isAvailable() && !Arrays.equals(vector, m.predict(x).toArray()),
                    () -> "the model did not move to the scalar kernels; available=" + m.isAvailable());
            scalar = m.predict(x).toArray();
            assertClose(vector, scalar);
            Osgi.await(() -> all.isAvailable(), () -> "model with every kernel unavailable: " + all.unavailableReason());
            float[] allScalar = all.predict(x).toArray();
            assertClose(allVector, allScalar);
            assertFalse(Arrays.equals(allVector, allScalar), "conv2d, depthwise and dense still on the vector kernels");

            b.start();
            Osgi.await(() -> m.isAvailable() && Arrays.equals(vector, m.predict(x).toArray()),
                    () -> "the model did not return to the vector kernels");
            Osgi.await(() -> all.isAvailable() && Arrays.equals(allVector, all.predict(x).toArray()),
                    () -> "the model with every kernel did not return to the vector kernels");
            int before = runs.get();
            Osgi.await(() -> runs.get() > before + 20, () -> "runner stalled at " + runs.get());
        } finally {
            stop.set(true);
            runner.join(Osgi.TIMEOUT.toMillis());
        }
        System.out.println("[osgi.test] kernel backend stop/start under load: " + runs.get() + " runs, "
                + unavailable.get() + " unavailable, " + problems.size() + " problems");
        assertTrue(problems.isEmpty(), problems.size() + " problems, first: " + problems.peek());
        synchronized (scalarSeen) {
            if (scalarSeen[0] != null) {
                assertTrue(Arrays.equals(scalar, scalarSeen[0]), "runs on the scalar kernels differ from each other");
            }
        }
    }

    @Test
    void anUpdatedBackendReleasesItsOldClassLoader() throws Exception {
        Model m = build("kernel_update", EVERY_KERNEL);
        Tensor x = input();
        float[] before = m.predict(x).toArray();
        WeakReference<ClassLoader> oldLoader = oldLoader();
        Bundle b = Osgi.bundle(BUNDLE);
        b.update();
        PluginBundleTest.refresh(List.of(b));
        Osgi.await(() -> b.getState() == Bundle.ACTIVE
                && Osgi.context().getServiceReference(KernelBackend.class) != null, () -> BUNDLE + " not back");
        Osgi.await(() -> m.isAvailable() && Arrays.equals(before, m.predict(x).toArray()),
                () -> "the model does not give the vector result again after the update");
        List<String> alive = Osgi.stillReachable(Map.of("class loader of the old " + BUNDLE, oldLoader));
        assertTrue(alive.isEmpty(), "still reachable after the update: " + alive + " (model " + m + ")");
        assertFalse(Arrays.equals(new float[before.length], before));
    }

    /** Kept out of the test's frame so no strong reference to the old revision stays on the stack. */
    private static WeakReference<ClassLoader> oldLoader() {
        ServiceReference<KernelBackend> ref = Osgi.context().getServiceReference(KernelBackend.class);
        assertNotNull(ref, "no KernelBackend service");
        KernelBackend backend = Osgi.context().getService(ref);
        try {
            return new WeakReference<>(backend.getClass().getClassLoader());
        } finally {
            Osgi.context().ungetService(ref);
        }
    }

    /** conv2d (GEMM), depthwise and dense: every kernel the backend serves. */
    static final String EVERY_KERNEL = "conv2d(24, 3, padding=same, activation=relu, name=c) "
            + "| depthwise_conv2d(3, padding=same, name=d) | flatten | dense(10, name=fc)";

    private Model build(String name, String layers) {
        Engine engine = Osgi.engine();
        Model m = engine.build(engine.parse("input(12, 10, 8, name=" + name + ", seed=7) | " + layers));
        models.add(m);
        return m;
    }

    private static Tensor input() {
        Tensor x = Tensor.zeros(2, 12, 10, 8);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = ((i * 7919) % 201 - 100) / 50f;
        }
        return x;
    }

    private static void assertClose(float[] expected, float[] actual) {
        double num = 0, den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += (expected[i] - actual[i]) * (double) (expected[i] - actual[i]);
            den += expected[i] * (double) expected[i];
        }
        assertTrue(Math.sqrt(num / den) < 1e-5, "vector and scalar results differ by more than rounding: relative "
                + Math.sqrt(num / den));
    }
}
