package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Tensor;

/**
 * Graph models under hot swap with the real bundles, while runner threads call
 * {@code predictAll} without pause: a residual model (conv2d, conv2d, add with the first conv,
 * relu) and a two-output model (a conv trunk; head "logits" flatten + dense, head "score"
 * global_average_pooling2d + dense). Every completed run must give the reference outputs
 * (computed once, single-threaded, before any swap) bit for bit; the only failure allowed is a
 * ModelUnavailableException (or ModelException) naming the layer type the model misses at
 * that moment. In order:
 * <ol>
 * <li>layers.merge stopped: the residual model is unavailable ("add") while the two-output
 * model, which has no merge layer, goes on running; started again: both run, same bits.</li>
 * <li>layers.merge {@code Bundle.update()} + refresh under load: new revision, same bits.</li>
 * <li>layers.pool (global_average_pooling2d, used on the "score" head only) stopped: the
 * two-output model is unavailable, the residual one goes on; started again: same bits.</li>
 * </ol>
 * Afterwards, with the models still open, the class loader of the merge bundle's revision
 * before the update must be collected, and no run may have given a wrong output.
 */
class GraphHotSwapTest {
    static final String MERGE = "io.cnnkit.layers.merge";
    static final String POOL = "io.cnnkit.layers.pool";
    /** Runner threads per model (a runner blocked on one model must not hold up the other's runs). */
    static final int RUNNERS_PER_MODEL = 2;
    /** Engine default threads with the 2 s wait, inline without waiting, 3 threads with a short wait. */
    static final List<RunOptions> OPTIONS = List.of(RunOptions.DEFAULT, new RunOptions(1, 0),
            new RunOptions(3, 300));

    static final String RESIDUAL = """
            {"name": "graph_residual", "input_shape": [10, 10, 4], "outputs": ["out"], "layers": [
              {"type": "conv2d", "name": "c1", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
              {"type": "conv2d", "name": "c2", "filters": 8, "kernel_size": 3, "padding": "same"},
              {"type": "add", "name": "sum", "inputs": ["c2", "c1"]},
              {"type": "activation", "name": "out", "activation": "relu"}]}""";

    static final String TWO_HEADS = """
            {"name": "graph_two_heads", "input_shape": [8, 8, 3], "outputs": ["logits", "score"], "layers": [
              {"type": "conv2d", "name": "trunk", "filters": 6, "kernel_size": 3, "activation": "relu"},
              {"type": "flatten", "name": "flat", "inputs": ["trunk"]},
              {"type": "dense", "name": "logits", "units": 5, "activation": "softmax"},
              {"type": "global_average_pooling2d", "name": "gap", "inputs": ["trunk"]},
              {"type": "dense", "name": "score", "units": 2}]}""";

    /**
     * A model under test: its input, reference outputs by name, the one layer type whose absence
     * may fail its runs, and what the runners saw.
     */
    record Subject(Model model, Tensor input, Map<String, float[]> reference, String swappableType,
            AtomicLong ok, AtomicLong unavailable) {
        @Override
        public String toString() {
            return model.name();
        }
    }

    private final Engine engine = Osgi.engine();
    private final List<Model> models = new ArrayList<>();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicLong otherFailures = new AtomicLong();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();

    @AfterEach
    void cleanUp() throws Exception {
        models.forEach(Model::close);
        for (String name : List.of(MERGE, POOL)) {
            Bundle b = Osgi.bundle(name);
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
    }

    @Test
    void mergeAndBranchBundlesStopUpdateAndRestartWhileGraphModelsRun() throws Exception {
        long t0 = System.nanoTime();
        Map<String, Double> phases = new LinkedHashMap<>();
        Osgi.await(() -> engine.layerTypes().containsAll(List.of("conv2d", "add", "activation", "flatten", "dense",
                "global_average_pooling2d")), () -> "layer types " + engine.layerTypes());
        Subject residual = subject(RESIDUAL, "add", 2, 10, 10, 4);
        Subject heads = subject(TWO_HEADS, "global_average_pooling2d", 1, 8, 8, 3);
        assertEquals(List.of("out"), residual.model().outputNames());
        assertEquals(List.of("logits", "score"), heads.model().outputNames());
        List<Subject> subjects = List.of(residual, heads);
        Bundle merge = Osgi.bundle(MERGE);
        Bundle pool = Osgi.bundle(POOL);

        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> runners = new ArrayList<>();
        for (int t = 0; t < RUNNERS_PER_MODEL * subjects.size(); t++) {
            int id = t;
            Subject s = subjects.get(t % subjects.size());
            Thread th = new Thread(() -> run(id, s, stop), "graph-swap-runner-" + s + "-" + t);
            th.start();
            runners.add(th);
        }
        WeakReference<ClassLoader> oldMerge;
        try {
            awaitOk(residual, 20);
            awaitOk(heads, 20);
            lap(phases, "start", t0);

            // (a) layers.merge stopped: only the residual model loses a layer type
            merge.stop();
            Osgi.await(() -> !residual.model().isAvailable(), () -> "residual model still available after stopping "
                    + MERGE);
            String reason = residual.model().unavailableReason();
            assertTrue(reason != null && reason.contains("add"), "reason: " + reason);
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> residual.model().predictAll(residual.input(), RunOptions.DEFAULT.withWaitMillis(0)));
            assertEquals(Set.of("layer type add"), e.missing(), "missing");
            assertFalse(engine.providers().containsKey("layer add"), "engine still lists add: " + engine.providers());
            awaitUnavailableRuns(residual, 1);
            awaitOk(heads, 20); // the two-output model has no merge layer: it goes on
            assertTrue(heads.model().isAvailable(), "two-output model: " + heads.model().unavailableReason());
            assertEquals(Bundle.RESOLVED, merge.getState(), "merge bundle state");
            merge.start();
            Osgi.await(residual.model()::isAvailable, () -> "residual model not available after starting " + MERGE
                    + ": " + residual.model().unavailableReason());
            checkNow(residual);
            checkNow(heads);
            awaitOk(residual, 20);
            awaitOk(heads, 20);
            lap(phases, "merge_stop_start", t0);

            // (b) layers.merge updated from its own location and refreshed under load
            oldMerge = update(merge, residual);
            checkNow(residual);
            checkNow(heads);
            awaitOk(residual, 20);
            awaitOk(heads, 20);
            lap(phases, "merge_update", t0);

            // (c) layers.pool stopped: only the "score" head of the two-output model needs it
            pool.stop();
            Osgi.await(() -> !heads.model().isAvailable(), () -> "two-output model still available after stopping "
                    + POOL);
            reason = heads.model().unavailableReason();
            assertTrue(reason != null && reason.contains("global_average_pooling2d"), "reason: " + reason);
            e = assertThrows(ModelUnavailableException.class,
                    () -> heads.model().predictAll(heads.input(), RunOptions.DEFAULT.withWaitMillis(0)));
            assertEquals(Set.of("layer type global_average_pooling2d"), e.missing(), "missing");
            awaitUnavailableRuns(heads, 1);
            awaitOk(residual, 20); // no pooling in the residual model: it goes on
            assertTrue(residual.model().isAvailable(), "residual model: " + residual.model().unavailableReason());
            pool.start();
            Osgi.await(heads.model()::isAvailable, () -> "two-output model not available after starting " + POOL
                    + ": " + heads.model().unavailableReason());
            checkNow(heads);
            checkNow(residual);
            awaitOk(heads, 20);
            awaitOk(residual, 20);
            lap(phases, "pool_stop_start", t0);
        } finally {
            stop.set(true);
            for (Thread th : runners) {
                th.join(Osgi.TIMEOUT.toMillis() + RunOptions.DEFAULT.waitMillis());
            }
        }
        for (Thread th : runners) {
            assertFalse(th.isAlive(), th.getName() + " did not end");
        }
        String summary = String.format(java.util.Locale.ROOT,
                "%d runs, %d wrong outputs, %d other problems; %s ok=%d unavailable=%d, %s ok=%d unavailable=%d",
                runs.get(), wrong.get(), otherFailures.get(),
                residual, residual.ok().get(), residual.unavailable().get(), heads, heads.ok().get(),
                heads.unavailable().get());
        System.out.printf(java.util.Locale.ROOT, "[osgi.test] graph hot swap (stop/update merge, stop pool), %.1f s: %s%n",
                (System.nanoTime() - t0) / 1e9, summary);
        assertEquals(0, wrong.get(), "wrong outputs: " + summary + "; first problems " + first(problems));
        assertEquals(0, otherFailures.get(), "failures other than the expected missing layer type: " + summary
                + "; first " + first(problems));
        assertEquals(runs.get(), residual.ok().get() + residual.unavailable().get() + heads.ok().get()
                + heads.unavailable().get() + wrong.get() + otherFailures.get(), "every run is counted once: "
                + summary);

        // the models are still open: they must hold the merge bundle's new revision only
        Map<String, WeakReference<ClassLoader>> old = new LinkedHashMap<>();
        old.put(MERGE + " revision before the update", oldMerge);
        List<String> alive = Osgi.stillReachable(old);
        lap(phases, "leak_check", t0);
        System.out.println("[osgi.test] graph hot swap phases (s): " + phases);
        assertTrue(alive.isEmpty(), "still reachable " + Osgi.TIMEOUT.toSeconds() + " s after the update (and "
                + "System.gc()), models open: " + alive);
        checkNow(residual);
        checkNow(heads);
    }

    /**
     * Updates the bundle (own location) and refreshes it; returns the old revision's class loader
     * weakly (no strong reference stays in the caller's frame).
     */
    private WeakReference<ClassLoader> update(Bundle b, Subject user) throws Exception {
        ClassLoader before = b.adapt(BundleWiring.class).getClassLoader();
        long serviceBefore = serviceId("add");
        b.update();
        PluginBundleTest.refresh(List.of(b));
        Osgi.await(() -> b.getState() == Bundle.ACTIVE && user.model().isAvailable(), () -> b.getSymbolicName()
                + " state " + b.getState() + ", model " + user.model().unavailableReason());
        assertNotSame(before, b.adapt(BundleWiring.class).getClassLoader(), "update made no new revision");
        assertTrue(serviceId("add") != serviceBefore, "the add service was not re-registered");
        return new WeakReference<>(before);
    }

    /** Seconds since the last lap (or t0), under this name. */
    private static void lap(Map<String, Double> phases, String name, long t0) {
        double total = (System.nanoTime() - t0) / 1e9;
        double before = phases.values().stream().mapToDouble(Double::doubleValue).sum();
        phases.put(name, Math.round((total - before) * 100) / 100.0);
    }

    private static long serviceId(String type) throws Exception {
        var refs = Osgi.context().getServiceReferences(LayerProvider.class.getName(),
                "(" + LayerProvider.TYPE + "=" + type + ")");
        assertTrue(refs != null && refs.length == 1, type + " providers: " + (refs == null ? 0 : refs.length));
        return (Long) refs[0].getProperty(org.osgi.framework.Constants.SERVICE_ID);
    }

    private Subject subject(String json, String swappableType, int batch, int h, int w, int c) {
        Model m = engine.build(engine.parse(json));
        models.add(m);
        Tensor one = Nhwc.input(h, w, c);
        float[] x = new float[batch * one.size()];
        for (int b = 0; b < batch; b++) {
            float[] part = one.toArray();
            for (int i = 0; i < part.length; i++) {
                x[b * part.length + i] = part[i] * (b + 1);
            }
        }
        Tensor input = Tensor.wrap(x, batch, h, w, c);
        Map<String, float[]> ref = new LinkedHashMap<>();
        m.predictAll(input, new RunOptions(1, 0)).forEach((k, v) -> ref.put(k, v.toArray()));
        assertEquals(m.outputNames(), List.copyOf(ref.keySet()), m.name() + " outputs");
        for (var e : ref.entrySet()) {
            for (float v : e.getValue()) {
                assertTrue(Float.isFinite(v), m.name() + "/" + e.getKey() + " reference holds " + v);
            }
        }
        // the reference does not hide a thread-count difference that every later run would report
        Map<String, Tensor> again = m.predictAll(input, RunOptions.DEFAULT);
        assertNotNull(again);
        Subject s = new Subject(m, input, ref, swappableType, new AtomicLong(), new AtomicLong());
        String diff = difference(s, again);
        assertTrue(diff == null, m.name() + " with the engine's default threads: " + diff);
        return s;
    }

    private void run(int id, Subject s, AtomicBoolean stop) {
        long k = id + 1; // the first runner of each model starts without waiting, the second with the 2 s wait
        while (!stop.get()) {
            RunOptions opts = OPTIONS.get((int) (k++ % OPTIONS.size()));
            runs.incrementAndGet();
            try {
                String diff = difference(s, s.model().predictAll(s.input(), opts));
                if (diff == null) {
                    s.ok().incrementAndGet();
                } else {
                    wrong.incrementAndGet();
                    note(s + " " + opts + ": " + diff);
                }
            } catch (ModelUnavailableException e) {
                if (e.missing().equals(Set.of("layer type " + s.swappableType()))) {
                    s.unavailable().incrementAndGet();
                } else {
                    failure(s + " " + opts + ": unavailable for another reason: " + e.getMessage());
                }
            } catch (ModelException e) {
                // allowed only if it says what is missing (the type whose bundle is swapped)
                if (String.valueOf(e.getMessage()).contains("layer type " + s.swappableType())) {
                    s.unavailable().incrementAndGet();
                } else {
                    failure(s + " " + opts + ": " + e);
                }
            } catch (Throwable e) {
                failure(s + " " + opts + ": " + e);
            }
        }
    }

    /** Null when every output has the reference's bits, else where the first difference is. */
    private static String difference(Subject s, Map<String, Tensor> got) {
        if (!got.keySet().equals(s.reference().keySet())) {
            return "outputs " + got.keySet() + ", expected " + s.reference().keySet();
        }
        for (var e : s.reference().entrySet()) {
            float[] want = e.getValue();
            float[] y = got.get(e.getKey()).toArray();
            if (y.length != want.length) {
                return e.getKey() + ": " + y.length + " values, expected " + want.length;
            }
            for (int i = 0; i < y.length; i++) {
                if (Float.floatToRawIntBits(y[i]) != Float.floatToRawIntBits(want[i])) {
                    return e.getKey() + "[" + i + "] = " + y[i] + ", reference " + want[i];
                }
            }
        }
        return null;
    }

    /** A run from the test thread, without waiting: available and bit-identical now. */
    private void checkNow(Subject s) {
        String diff = difference(s, s.model().predictAll(s.input(), new RunOptions(1, 0)));
        assertTrue(diff == null, s + ": " + diff);
    }

    private void failure(String problem) {
        otherFailures.incrementAndGet();
        note(problem);
    }

    private void note(String problem) {
        if (problems.size() < 20) {
            problems.add(problem);
        }
    }

    private void awaitOk(Subject s, int more) {
        long target = s.ok().get() + more;
        Osgi.await(() -> s.ok().get() >= target || problems.size() > 0, () -> s + ": only " + s.ok().get()
                + " ok runs, wanted " + target + "; " + s.model().unavailableReason());
        assertTrue(problems.isEmpty(), "runner problems: " + first(problems));
    }

    private void awaitUnavailableRuns(Subject s, int more) {
        long target = s.unavailable().get() + more;
        Osgi.await(() -> s.unavailable().get() >= target || problems.size() > 0, () -> s + ": only "
                + s.unavailable().get() + " unavailable runs, wanted " + target);
        assertTrue(problems.isEmpty(), "runner problems: " + first(problems));
    }

    private static List<String> first(Queue<String> q) {
        return q.stream().limit(3).toList();
    }
}
