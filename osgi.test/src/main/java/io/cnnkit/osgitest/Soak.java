package io.cnnkit.osgitest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.osgitest.plugin.Cube;
import io.cnnkit.osgitest.plugin.TestScaleProvider;

/**
 * The load and hot-swap soak. Worker threads run five shared models without pause (three chains
 * and two graph models: a residual block joined by {@code add} and a model with two outputs)
 * while one swap thread, in a seeded random order, stops and starts the layer bundles (conv,
 * pool, dense, merge; each at least once early on), updates them ({@code Bundle.update()} +
 * refresh), and drops two activation bundles in and out of the FileInstall plugins/ folder: the real io.cnnkit.activations.tanh bundle (taken
 * out of the run for the soak and put back afterwards) and the plug-in built from
 * {@code io.cnnkit.osgitest.plugin} (activation test_cube, layer test_scale).
 *
 * <p>Every completed run is compared bit for bit (raw float bits) with the model's reference,
 * computed once, single-threaded ({@code threads=1}), before any swap; the graph models run
 * through {@code predictAll} and every output is compared with its own reference. The run has
 * one provider bundle per layer type and activation (the Vector API kernels are a KernelBackend, not a provider;
 * {@link #run()} checks this), so "the same provider" is the only provider. A failed run is
 * counted by kind: {@code unavailable} (ModelUnavailableException, the documented kind) or the
 * exception class name. Afterwards: every class loader of a bundle revision that left (update,
 * drop-out, the tanh bundle taken out) must be collected, no cnnkit-fj pool or thread beyond
 * what the engine's pools may hold, no other thread started during the soak still alive, and
 * heap used after GC within a margin of the baseline.
 *
 * <p>Bounded by time ({@code soak.seconds}) and count ({@code soak.maxRuns},
 * {@code soak.maxSwaps}); the first bound reached ends it.
 */
final class Soak {
    static final String TANH_BUNDLE = "io.cnnkit.activations.tanh";
    static final List<String> LAYER_BUNDLES = List.of("io.cnnkit.layers.conv", "io.cnnkit.layers.pool",
            "io.cnnkit.layers.dense", "io.cnnkit.layers.merge");
    /** Thread counts the workers ask for: 0 = engine default, 1 = inline, 3 = a second pool. */
    static final int[] RUN_THREADS = { 0, 1, 3 };
    static final long[] RUN_WAITS = { 0, 300, RunOptions.DEFAULT.waitMillis() };

    /** Settings; {@link #fromProperties} reads framework (or system) properties {@code soak.*}. */
    record Config(double seconds, int threads, long maxRuns, long maxSwaps, long seed, long settleMillis,
            long heapMarginMiB, boolean backToBack, double progressSeconds) {
        static Config fromProperties(BundleContext ctx, double defaultSeconds) {
            return new Config(num(ctx, "soak.seconds", defaultSeconds), (int) num(ctx, "soak.threads", 4),
                    (long) num(ctx, "soak.maxRuns", 5_000_000), (long) num(ctx, "soak.maxSwaps", 1_000_000),
                    (long) num(ctx, "soak.seed", 6), (long) num(ctx, "soak.settleMillis", 1500),
                    (long) num(ctx, "soak.heapMarginMiB", 16), num(ctx, "soak.backToBack", 1) != 0,
                    num(ctx, "soak.progressSeconds", 60));
        }

        private static double num(BundleContext ctx, String key, double dflt) {
            String v = ctx.getProperty(key);
            if (v == null || v.isBlank() || v.startsWith("${")) {
                return dflt;
            }
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("property " + key + "=" + v + " is not a number");
            }
        }
    }

    /** What the soak saw; {@link #line} is the printed summary. */
    record Result(String framework, Config config, long runs, long ok, long unavailable, Map<String, Long> otherFailures,
            long wrongOutputs, long graphRuns, long graphOk, long stopStarts, long updates, Map<String, Long> layerSwaps,
            long pluginDrops, int loadersTracked,
            List<String> loadersRetained, List<String> threadsLeaked, long heapBaselineMiB, long heapAfterMiB,
            long heapLimitMiB, long heapBeforeEngineStopMiB, int fjThreadsUnderLoad, int fjThreadsAfter, int fjPools,
            int fjPoolsAllowed,
            List<String> swapErrors, List<String> problems,
            double elapsedSeconds) {
        long otherFailureCount() {
            return otherFailures.values().stream().mapToLong(Long::longValue).sum();
        }

        boolean heapOk() {
            return heapAfterMiB <= heapLimitMiB;
        }

        String line() {
            return String.format(java.util.Locale.ROOT,
                    "soak[%s]: seconds=%.1f workers=%d runs=%d ok=%d unavailable=%d other_failures=%d%s "
                            + "wrong_outputs=%d graph_runs=%d (ok=%d) swaps=%d (stop_start=%d update=%d) "
                            + "layer_swaps=%s plugin_drops=%d "
                            + "loaders_tracked=%d loaders_retained=%d fj_threads_under_load=%d fj_threads_after=%d fj_pools=%d/%d "
                            + "threads_leaked=%d heap_mib=%d->%d (engine restarted: %d, limit %d) swap_errors=%d",
                    framework, elapsedSeconds, config.threads(), runs, ok, unavailable, otherFailureCount(),
                    otherFailures.isEmpty() ? "" : " " + otherFailures, wrongOutputs, graphRuns, graphOk,
                    stopStarts + updates,
                    stopStarts, updates, layerSwaps.toString().replace(" ", ""), pluginDrops, loadersTracked,
                    loadersRetained.size(), fjThreadsUnderLoad,
                    fjThreadsAfter, fjPools, fjPoolsAllowed,
                    threadsLeaked.size(), heapBaselineMiB, heapBeforeEngineStopMiB, heapAfterMiB, heapLimitMiB,
                    swapErrors.size());
        }
    }

    /**
     * A shared model, its input and its single-threaded reference outputs by output name (one for
     * a chain). A graph model runs through {@code predictAll}, a chain through {@code predict}.
     */
    record Case(Model model, Tensor input, Map<String, float[]> reference, boolean graph, AtomicLong lastOkStart) {
        Map<String, Tensor> run(RunOptions opts) {
            if (graph) {
                return model.predictAll(input, opts);
            }
            return Map.of(reference.keySet().iterator().next(), model.predict(input, opts));
        }
    }

    private final Config config;
    /** The shared models (for the update gap); set once they are built. */
    private volatile List<Case> cases = List.of();
    private volatile boolean stopping;
    private final BundleContext ctx = Osgi.context();
    private final Engine engine = Osgi.engine();
    private final Random random;
    private final Path pluginsDir;

    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicLong graphRuns = new AtomicLong();
    private final AtomicLong graphOk = new AtomicLong();
    private final Map<String, AtomicLong> other = new ConcurrentHashMap<>();
    /** First few wrong outputs and unexpected failures, for the report. */
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private long stopStarts;
    private long updates;
    /** Stop/starts and updates of the swap loop per layer bundle (short name: conv, pool, ...). */
    private final Map<String, Long> layerSwaps = new TreeMap<>();
    /** The loop's first layer swaps go to each layer bundle once, in a seeded order. */
    private final List<String> firstRound = new ArrayList<>(LAYER_BUNDLES);
    private long pluginDrops;
    /** Class loaders of revisions that left, with what they were. */
    private final Map<String, WeakReference<ClassLoader>> oldLoaders = new LinkedHashMap<>();
    /** cnnkit-fj pools after the soak and how many the thread counts used explain (leakedThreads). */
    private int fjPools;
    private int fjPoolsAllowed;
    private int fjThreadsAfter;
    private long heapBeforeEngineStop;

    private final byte[] pluginJar;
    private final byte[] tanhJar;
    private final String tanhLocation;
    private final Path pluginFile;
    private final Path tanhFile;

    Soak(Config config) throws IOException {
        this.config = config;
        this.random = new Random(config.seed());
        Collections.shuffle(firstRound, random);
        String dir = ctx.getProperty("felix.fileinstall.dir");
        if (dir == null) {
            throw new IllegalStateException("the run must set felix.fileinstall.dir (cnf/ext/testrun.bnd)");
        }
        this.pluginsDir = Path.of(dir).toAbsolutePath();
        Files.createDirectories(pluginsDir);
        this.pluginJar = PluginBundleTest.pluginJar();
        Bundle tanh = Osgi.bundle(TANH_BUNDLE);
        this.tanhJar = jarOf(tanh);
        this.tanhLocation = tanh.getLocation();
        this.pluginFile = pluginsDir.resolve("soak-plugin.jar");
        this.tanhFile = pluginsDir.resolve("soak-activation-tanh.jar");
    }

    Result run() throws Exception {
        String framework = String.valueOf(ctx.getProperty("cnnkit.test.framework"));
        onlyOneProvider();
        List<Case> cases = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> swapErrors = new ArrayList<>();
        long heapBaseline;
        Map<String, long[]> histogramBaseline;
        Set<Thread> threadBaseline;
        List<String> fjBaseline;
        long start;
        long elapsedNanos;
        int fjUnderLoad;
        try {
            // Warm-up: one of each action, so that the framework's lazily started threads and
            // classes exist before the baselines are taken.
            dropPlugin(true);
            takeTanhOut();
            dropTanh(true);
            stopStart(Osgi.bundle(LAYER_BUNDLES.get(0)), 10);
            update(Osgi.bundle(LAYER_BUNDLES.get(1)));
            threadBaseline = liveThreads();
            fjBaseline = fjThreads();
            heapBaseline = heapUsedAfterGc();
            histogramBaseline = histogram();

            cases.addAll(buildModels());
            this.cases = List.copyOf(cases);
            start = System.nanoTime();
            long end = start + (long) (config.seconds() * 1e9);
            for (int t = 0; t < config.threads(); t++) {
                int id = t;
                Thread th = new Thread(() -> work(id, cases, stop), "soak-worker-" + t);
                th.start();
                workers.add(th);
            }
            long swaps = 0;
            long nextProgress = start + (long) (config.progressSeconds() * 1e9);
            while (System.nanoTime() < end && runs.get() < config.maxRuns() && swaps < config.maxSwaps()) {
                try {
                    swapOnce();
                } catch (Throwable e) {
                    swapErrors.add(e.toString());
                    if (swapErrors.size() >= 5) {
                        break; // the framework is in trouble; report rather than loop
                    }
                }
                swaps++;
                if (System.nanoTime() > nextProgress) {
                    nextProgress += (long) (config.progressSeconds() * 1e9);
                    System.out.printf(java.util.Locale.ROOT, "soak progress: %.0f s runs=%d ok=%d unavailable=%d "
                            + "other=%s wrong=%d swaps=%d plugin_drops=%d heap_mib=%d fj_threads=%d%n",
                            (System.nanoTime() - start) / 1e9, runs.get(), ok.get(), unavailable.get(), other,
                            wrong.get(), stopStarts + updates, pluginDrops, heapUsedAfterGc(), fjThreads().size());
                }
                Thread.sleep(30 + random.nextInt(120));
            }
            fjUnderLoad = fjThreads().size();
            stopping = true;
            stop.set(true);
            for (Thread th : workers) {
                th.join(Osgi.TIMEOUT.toMillis() + RunOptions.DEFAULT.waitMillis());
                if (th.isAlive()) {
                    swapErrors.add(th.getName() + " did not end within " + Osgi.TIMEOUT.toSeconds() + " s");
                }
            }
            elapsedNanos = System.nanoTime() - start;
            // the run's bundles again, with the plug-in in for the final check of its model
            restore(true);
        } catch (Throwable e) {
            stop.set(true);
            try {
                restore(false);
            } catch (Throwable again) {
                e.addSuppressed(again);
            }
            cases.forEach(c -> c.model().close());
            throw e;
        }

        // Back to the starting set of bundles: every model works again, bit-identical.
        List<String> retained;
        try {
            for (Case c : cases) {
                Osgi.await(c.model()::isAvailable, () -> "after the soak " + c.model());
                runs.incrementAndGet();
                if (c.graph()) {
                    graphRuns.incrementAndGet();
                }
                check(c, c.run(RunOptions.DEFAULT.withThreads(1)));
            }
        } finally {
            dropPlugin(false);
        }
        // with the models still open: they must hold the new revisions only
        retained = retainedLoaders();
        cases.forEach(c -> c.model().close());

        List<String> leaked = leakedThreads(threadBaseline, fjBaseline);
        long heapAfter = heapUsedAfterGc();
        if (heapAfter - heapBaseline >= 4) {
            System.out.println("soak heap growth " + heapBaseline + " -> " + heapAfter + " MiB, largest by class: "
                    + histogramGrowth(histogramBaseline, histogram()));
        }
        long limit = heapBaseline + config.heapMarginMiB();
        Map<String, Long> others = new TreeMap<>();
        other.forEach((k, v) -> others.put(k, v.get()));
        return new Result(framework, config, runs.get(), ok.get(), unavailable.get(), others, wrong.get(),
                graphRuns.get(), graphOk.get(), stopStarts, updates,
                Collections.unmodifiableMap(new TreeMap<>(layerSwaps)), pluginDrops, oldLoaders.size(), retained, leaked, heapBaseline, heapAfter, limit,
                heapBeforeEngineStop, fjUnderLoad, fjThreadsAfter, fjPools, fjPoolsAllowed, swapErrors, List.copyOf(problems), elapsedNanos / 1e9);
    }

    // ---------------------------------------------------------------- models and runs

    private List<Case> buildModels() {
        List<Case> out = new ArrayList<>();
        // conv + pool + dense bundles, relu (installed), tanh (plugins/), softmax
        out.add(build("input(12, 12, 3, name=soak_cnn) | conv2d(8, 3, activation=relu, name=c1) | max_pooling2d(2) | "
                + "conv2d(8, 3, padding=same, activation=tanh, name=c2) | average_pooling2d(2) | flatten | "
                + "dense(10, activation=softmax, name=d1)", 2, 12, 12, 3));
        // the dropped-in plug-in: test_cube activation and test_scale layer, after a real conv
        out.add(build("input(8, 8, 4, name=soak_plugin) | conv2d(6, 3, activation=" + Cube.NAME + ", name=c1) | "
                + TestScaleProvider.TYPE + "(activation=relu, name=s1) | global_average_pooling2d", 1, 8, 8, 4));
        // a wider conv (enough work for the fork-join pools) and a dense head
        // (32x32 pixels: 4 conv items of ~600k flops each, enough for the fork-join pools)
        out.add(build("input(32, 32, 8, name=soak_wide) | conv2d(16, 3, padding=same, activation=relu, name=c1) | "
                + "max_pooling2d(2) | tanh | flatten | dense(32, name=d1)", 1, 32, 32, 8));
        // graph: a residual block, conv2d -> conv2d -> add(with the first conv) -> relu (merge bundle)
        out.add(build(RESIDUAL, 2, 10, 10, 4));
        // graph: two outputs from one conv trunk, flatten + dense (softmax) and global average pool + dense
        out.add(build(TWO_HEADS, 1, 8, 8, 3));
        return out;
    }

    static final String RESIDUAL = """
            {"name": "soak_residual", "input_shape": [10, 10, 4], "outputs": ["out"], "layers": [
              {"type": "conv2d", "name": "c1", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
              {"type": "conv2d", "name": "c2", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "tanh"},
              {"type": "add", "name": "sum", "inputs": ["c2", "c1"]},
              {"type": "activation", "name": "out", "activation": "relu"}]}""";

    static final String TWO_HEADS = """
            {"name": "soak_two_heads", "input_shape": [8, 8, 3], "outputs": ["logits", "score"], "layers": [
              {"type": "conv2d", "name": "trunk", "filters": 6, "kernel_size": 3, "activation": "relu"},
              {"type": "flatten", "name": "flat", "inputs": ["trunk"]},
              {"type": "dense", "name": "logits", "units": 5, "activation": "softmax"},
              {"type": "global_average_pooling2d", "name": "gap", "inputs": ["trunk"]},
              {"type": "dense", "name": "score", "units": 2}]}""";

    private Case build(String description, int batch, int h, int w, int c) {
        Model m = engine.build(engine.parse(description));
        Tensor one = Nhwc.input(h, w, c);
        float[] x = new float[batch * one.size()];
        for (int b = 0; b < batch; b++) {
            float[] part = one.toArray();
            for (int i = 0; i < part.length; i++) {
                x[b * part.length + i] = part[i] * (b + 1);
            }
        }
        Tensor input = Tensor.wrap(x, batch, h, w, c);
        boolean graph = description.startsWith("{");
        Map<String, float[]> ref = new LinkedHashMap<>();
        Map<String, Tensor> out = graph ? m.predictAll(input, RunOptions.DEFAULT.withThreads(1).withWaitMillis(0))
                : Map.of(m.outputNames().get(0), m.predict(input, RunOptions.DEFAULT.withThreads(1).withWaitMillis(0)));
        if (!out.keySet().equals(Set.copyOf(m.outputNames()))) {
            throw new AssertionError(m.name() + " gave outputs " + out.keySet() + ", declares " + m.outputNames());
        }
        for (String name : m.outputNames()) {
            float[] values = out.get(name).toArray();
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new AssertionError("reference " + name + " of " + m.name() + " holds " + v
                            + "; choose other weights");
                }
            }
            ref.put(name, values);
        }
        return new Case(m, input, ref, graph, new AtomicLong(System.nanoTime()));
    }

    private void work(int id, List<Case> cases, AtomicBoolean stop) {
        Random r = new Random(config.seed() * 31 + id);
        while (!stop.get() && runs.get() < config.maxRuns()) {
            Case c = cases.get(r.nextInt(cases.size()));
            RunOptions opts = new RunOptions(RUN_THREADS[r.nextInt(RUN_THREADS.length)],
                    RUN_WAITS[r.nextInt(RUN_WAITS.length)]);
            runs.incrementAndGet();
            if (c.graph()) {
                graphRuns.incrementAndGet();
            }
            long started = System.nanoTime();
            try {
                if (check(c, c.run(opts))) {
                    c.lastOkStart().accumulateAndGet(started, Math::max);
                }
            } catch (ModelUnavailableException e) {
                unavailable.incrementAndGet();
            } catch (Throwable e) {
                other.computeIfAbsent(e.getClass().getName(), k -> new AtomicLong()).incrementAndGet();
                note(c.model().name() + " " + opts + ": " + e);
            }
        }
    }

    /** Whether every output is its reference's bits; counts the run ok or wrong (once). */
    private boolean check(Case c, Map<String, Tensor> outputs) {
        String diff = outputs.keySet().equals(c.reference().keySet()) ? null
                : "outputs " + outputs.keySet() + " instead of " + c.reference().keySet();
        for (var e : c.reference().entrySet()) {
            if (diff != null) {
                break;
            }
            float[] got = outputs.get(e.getKey()).toArray();
            float[] want = e.getValue();
            int first = -1;
            if (got.length != want.length) {
                first = 0;
            } else {
                for (int i = 0; i < got.length; i++) {
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                        first = i;
                        break;
                    }
                }
            }
            if (first >= 0) {
                diff = "output " + e.getKey() + " differs from the single-threaded reference at " + first + " ("
                        + (first < got.length ? got[first] : "size " + got.length) + " vs "
                        + (first < want.length ? want[first] : "size " + want.length) + ")";
            }
        }
        if (diff == null) {
            ok.incrementAndGet();
            if (c.graph()) {
                graphOk.incrementAndGet();
            }
            return true;
        } else {
            wrong.incrementAndGet();
            note(c.model().name() + ": " + diff);
            return false;
        }
    }

    private void note(String problem) {
        if (problems.size() < 20) {
            problems.add(problem);
        }
    }

    /** The references hold for one provider per type: refuse to soak a run with alternatives. */
    private void onlyOneProvider() throws InvalidSyntaxException {
        for (String type : List.of("conv2d", "dense", "max_pooling2d", "average_pooling2d", "flatten", "add",
                "activation", "global_average_pooling2d")) {
            ServiceReference<?>[] refs = ctx.getServiceReferences(LayerProvider.class.getName(),
                    "(" + LayerProvider.TYPE + "=" + type + ")");
            if (refs == null || refs.length != 1) {
                throw new AssertionError("the soak compares with one single-threaded reference per model and needs "
                        + "exactly one provider of " + type + "; found " + (refs == null ? 0 : refs.length)
                        + " (a second provider bundle in the run? compare per provider set instead)");
            }
        }
    }

    // ---------------------------------------------------------------- swaps

    private void swapOnce() throws Exception {
        int action = random.nextInt(8);
        String name = LAYER_BUNDLES.get(random.nextInt(LAYER_BUNDLES.size()));
        if (action <= 4 && !firstRound.isEmpty()) {
            name = firstRound.remove(0); // every layer bundle (merge too) is swapped early, even in a short soak
        }
        Bundle layer = Osgi.bundle(name);
        String shortName = name.substring(name.lastIndexOf('.') + 1);
        switch (action) {
            case 0, 1, 2 -> {
                stopStart(layer, random.nextInt(200));
                layerSwaps.merge(shortName, 1L, Long::sum);
            }
            case 3, 4 -> {
                update(layer);
                layerSwaps.merge(shortName, 1L, Long::sum);
            }
            case 5, 6 -> dropPlugin(!Files.exists(pluginFile));
            default -> dropTanh(!Files.exists(tanhFile));
        }
    }

    private void stopStart(Bundle b, long pauseMillis) throws Exception {
        b.stop();
        Thread.sleep(pauseMillis);
        b.start();
        stopStarts++;
    }

    private void update(Bundle b) throws Exception {
        if (!config.backToBack()) {
            // soak.backToBack=0: every available model first completes a run started now, on the
            // current revision, so that no run is still loading classes from the revision the
            // refresh closes. Not needed since the engine repeats a run whose provider left
            // mid-run (Felix then fails its class loads with NoClassDefFoundError); kept to
            // compare.
            long deadline = System.nanoTime() + Osgi.TIMEOUT.toNanos();
            long now = System.nanoTime();
            for (Case c : cases) {
                while (c.model().isAvailable() && c.lastOkStart().get() < now && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
        }
        ClassLoader before = b.adapt(BundleWiring.class).getClassLoader();
        b.update(); // from its own location
        PluginBundleTest.refresh(List.of(b));
        await(() -> b.getState() == Bundle.ACTIVE, () -> b.getSymbolicName() + " not active after update");
        track(b.getSymbolicName() + " revision before update " + (updates + 1), before);
        updates++;
    }

    /** Drops the plug-in jar into plugins/ (in) or deletes it (out), and waits for FileInstall. */
    private void dropPlugin(boolean in) throws Exception {
        drop(in, pluginFile, pluginJar, PluginBundleTest.BSN, () -> engine.activations().contains(Cube.NAME)
                && engine.layerTypes().contains(TestScaleProvider.TYPE));
    }

    private void dropTanh(boolean in) throws Exception {
        drop(in, tanhFile, tanhJar, TANH_BUNDLE, () -> engine.activations().contains("tanh"));
    }

    private void drop(boolean in, Path file, byte[] jar, String bsn, BooleanSupplier present) throws Exception {
        if (in) {
            Path staged = Files.write(file.resolveSibling(file.getFileName() + ".part"), jar);
            Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE);
            await(present, () -> file.getFileName() + " dropped into plugins/ but its services are not there");
        } else {
            Bundle b = find(bsn);
            ClassLoader loader = b == null ? null : b.adapt(BundleWiring.class).getClassLoader();
            Files.delete(file);
            await(() -> find(bsn) == null && !present.getAsBoolean(),
                    () -> file.getFileName() + " deleted from plugins/ but " + bsn + " is still installed");
            if (loader != null) {
                track(bsn + " dropped out " + (pluginDrops + 1), loader);
            }
        }
        pluginDrops++;
    }

    /** Uninstalls the tanh bundle of the run: from now on tanh comes and goes through plugins/. */
    private void takeTanhOut() throws Exception {
        Bundle b = Osgi.bundle(TANH_BUNDLE);
        ClassLoader loader = b.adapt(BundleWiring.class).getClassLoader();
        b.uninstall();
        PluginBundleTest.refresh(List.of(b));
        await(() -> !engine.activations().contains("tanh"), () -> "tanh still present after uninstalling it");
        track("the run's " + TANH_BUNDLE, loader);
    }

    /**
     * Puts the run back as it was (tanh from its original location, layer bundles active), with
     * the plug-in in plugins/ or not.
     */
    private void restore(boolean pluginIn) throws Exception {
        for (Path f : List.of(pluginFile, tanhFile)) {
            Files.deleteIfExists(f.resolveSibling(f.getFileName() + ".part"));
        }
        if (Files.exists(tanhFile)) {
            dropTanh(false);
        }
        if (Files.exists(pluginFile) != pluginIn) {
            dropPlugin(pluginIn);
        }
        if (find(TANH_BUNDLE) == null) {
            Bundle b = ctx.installBundle(tanhLocation, new ByteArrayInputStream(tanhJar));
            b.start();
        }
        for (String name : LAYER_BUNDLES) {
            Bundle b = Osgi.bundle(name);
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
        await(() -> engine.activations().contains("tanh"), () -> "tanh not back after the soak");
    }

    private Bundle find(String bsn) {
        for (Bundle b : ctx.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                return b;
            }
        }
        return null;
    }

    private void track(String what, ClassLoader loader) {
        oldLoaders.put(what, new WeakReference<>(loader));
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> message) {
        Osgi.await(condition, message);
    }

    // ---------------------------------------------------------------- leaks

    private List<String> retainedLoaders() throws InterruptedException {
        return Osgi.stillReachable(oldLoaders);
    }

    /**
     * Threads alive after a settle period that the soak must answer for: any non-cnnkit-fj
     * thread started since the baseline, and cnnkit-fj threads beyond both the baseline and
     * what the engine's pools for the thread counts used may hold (one pool per count above 1,
     * of that many threads; pools live as long as the engine).
     */
    private List<String> leakedThreads(Set<Thread> baseline, List<String> fjBaseline) throws Exception {
        int p = engine.parallelism();
        Set<Integer> sizes = new HashSet<>();
        for (int t : RUN_THREADS) {
            int n = t == 0 ? p : t;
            if (n > 1) {
                sizes.add(n);
            }
        }
        // No leaked pools: the engine keeps one pool per thread count asked for, nothing more.
        List<String> leaked = new ArrayList<>();
        fjPoolsAllowed = Math.max(pools(fjBaseline).size(), sizes.size());
        Set<String> pools = pools(fjThreads());
        fjPools = pools.size();
        if (pools.size() > fjPoolsAllowed) {
            leaked.add("cnnkit-fj pools " + pools + " (at most " + fjPoolsAllowed + " expected)");
        }
        // The pools' threads (with the fork-join spares made while runs joined, which the JDK
        // trims one per 60 s) belong to the engine: stopping it must end every one of them.
        fjThreadsAfter = fjThreads().size();
        heapBeforeEngineStop = heapUsedAfterGc();
        Bundle core = Osgi.bundle(EngineRestartTest.ENGINE);
        core.stop();
        try {
            long deadline = System.nanoTime() + Math.max(config.settleMillis(), Osgi.TIMEOUT.toMillis()) * 1_000_000L;
            while (!fjThreads().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            leaked.addAll(fjThreads());
        } finally {
            core.start();
            Osgi.engine();
        }
        long deadline = System.nanoTime() + config.settleMillis() * 1_000_000L;
        List<String> others;
        do {
            Thread.sleep(100);
            others = new ArrayList<>();
            for (Thread t : liveThreads()) {
                if (!baseline.contains(t) && !t.getName().startsWith("cnnkit-fj")) {
                    others.add(t.getName());
                }
            }
        } while (!others.isEmpty() && System.nanoTime() < deadline);
        leaked.addAll(others);
        Collections.sort(leaked);
        return leaked;
    }

    /** "cnnkit-fj-<pool>-<thread>" -> the pool ids. */
    private static Set<String> pools(List<String> fjNames) {
        Set<String> pools = new HashSet<>();
        for (String n : fjNames) {
            pools.add(n.substring(0, n.lastIndexOf('-')));
        }
        return pools;
    }

    static List<String> fjThreads() {
        return liveThreads().stream().map(Thread::getName).filter(n -> n.startsWith("cnnkit-fj")).sorted().toList();
    }

    private static Set<Thread> liveThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    private static long heapUsedAfterGc() throws InterruptedException {
        var mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best >> 20;
    }

    /** Class -> {instances, bytes} from the HotSpot class histogram (empty where unavailable). */
    private static Map<String, long[]> histogram() {
        Map<String, long[]> out = new LinkedHashMap<>();
        try {
            var server = ManagementFactory.getPlatformMBeanServer();
            Object text = server.invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] { new String[0] }, new String[] { String[].class.getName() });
            for (String line : String.valueOf(text).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    out.put(f[3], new long[] { Long.parseLong(f[1]), Long.parseLong(f[2]) });
                }
            }
        } catch (Exception e) {
            out.clear();
        }
        return out;
    }

    /** The 8 classes whose instances grew most in bytes. */
    private static String histogramGrowth(Map<String, long[]> before, Map<String, long[]> after) {
        return after.entrySet().stream().map(e -> {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            return Map.entry(e.getKey(), new long[] { e.getValue()[0] - b[0], e.getValue()[1] - b[1] });
        }).filter(e -> e.getValue()[1] > 0).sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(8)
                .map(e -> e.getKey() + " +" + e.getValue()[0] + " (" + (e.getValue()[1] >> 10) + " KiB)").toList()
                .toString();
    }

    // ---------------------------------------------------------------- jars

    /** The bundle's content as a jar (manifest first), to drop into plugins/ under another location. */
    static byte[] jarOf(Bundle b) throws IOException {
        URL mfUrl = b.getEntry("META-INF/MANIFEST.MF");
        if (mfUrl == null) {
            throw new IllegalStateException(b.getSymbolicName() + " has no META-INF/MANIFEST.MF entry");
        }
        Manifest mf;
        try (InputStream in = mfUrl.openStream()) {
            mf = new Manifest(in);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, mf)) {
            Enumeration<URL> entries = b.findEntries("/", "*", true);
            while (entries != null && entries.hasMoreElements()) {
                URL u = entries.nextElement();
                String path = u.getPath().startsWith("/") ? u.getPath().substring(1) : u.getPath();
                if (path.endsWith("/") || path.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(path));
                try (InputStream in = u.openStream()) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
