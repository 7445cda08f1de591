package io.cnnkit.engine.impl;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;

/**
 * A model kept up to date by the engine. The snapshot is swapped atomically; a run reads
 * it once and finishes on it. The weight store holds engine-owned copies so that weights
 * survive the snapshot (and the provider bundle) going away.
 */
final class ModelHandle implements Model {
    private final EngineImpl engine;
    private final ModelDescription description;
    /** layer -> weight -> tensor; engine-owned copies, replaced wholesale (copy on write). */
    private volatile Map<String, Map<String, Tensor>> store = Map.of();
    private volatile Snapshot snapshot;
    private volatile List<LayerInfo> infos;
    private volatile Set<String> dependencies;
    private volatile String unavailable;
    private volatile Set<String> missing = Set.of();
    private volatile boolean closed;
    /** First weight ("layer/weight") still holding NaN from an unreproducible initializer, or null. */
    private volatile String unsetWeights;
    /**
     * The intermediate outputs of the last finished predict, for the next one to reuse. A run
     * takes them (so concurrent runs never share a buffer) and puts them back when it ends
     * normally; a failed run drops them (a cancelled task might still be writing).
     */
    private final AtomicReference<Buffers> spare = new AtomicReference<>();

    /**
     * Reusable outputs of every layer but the last (which goes to the caller) of one snapshot,
     * held weakly: spare buffers must not keep a replaced snapshot's provider classes alive.
     */
    private static final class Buffers {
        final WeakReference<Snapshot> snapshot;
        final Tensor[] outputs;

        Buffers(Snapshot snapshot) {
            this.snapshot = new WeakReference<>(snapshot);
            this.outputs = new Tensor[snapshot.layers().size()];
        }
    }

    ModelHandle(EngineImpl engine, ModelDescription namedDescription, Snapshot first) {
        this.engine = engine;
        this.description = namedDescription;
        install(first);
    }

    @Override
    public String name() {
        return description.name();
    }

    @Override
    public ModelDescription description() {
        return description;
    }

    @Override
    public boolean isAvailable() {
        return snapshot != null;
    }

    @Override
    public String unavailableReason() {
        return snapshot != null ? null : unavailable;
    }

    @Override
    public Shape inputShape() {
        return description.inputShape();
    }

    @Override
    public List<LayerInfo> layers() {
        return infos;
    }

    Set<String> dependencies() {
        return dependencies;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public Tensor predict(Tensor input, RunOptions options) {
        List<Stage> stages = run(input, options, false);
        return stages.get(stages.size() - 1).output();
    }

    @Override
    public List<Stage> trace(Tensor input, RunOptions options) {
        return run(input, options, true);
    }

    /** Runs before a run whose providers keep leaving mid-run gives up (each waits for the next snapshot). */
    private static final int MAX_ATTEMPTS = 5;

    private List<Stage> run(Tensor input, RunOptions options, boolean keepAll) {
        for (int attempt = 1;; attempt++) {
            Snapshot s = awaitSnapshot(options.waitMillis());
            try {
                return runOn(s, input, options, keepAll);
            } catch (LinkageError | RuntimeException e) {
                // A provider left during the run (its bundle stopped, updated or refreshed): its
                // class loader may close half-way, failing a class load (NoClassDefFoundError) or
                // anything else in its code. The result would be lost, not wrong: run again on the
                // model's next snapshot, which awaitSnapshot waits for (or reports as unavailable).
                if (e instanceof ModelException || snapshot == s || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private List<Stage> runOn(Snapshot s, Tensor input, RunOptions options, boolean keepAll) {
        checkInput(input);
        String unset = unsetWeights;
        if (unset != null) {
            throw new ModelException("model '" + name() + "': weight " + unset + " has no values (its Keras initializer"
                    + " cannot be reproduced); load the model's weights first (--weights FILE or cnn:weights load)");
        }
        ExecutionContext ctx;
        try {
            ctx = engine.scheduler().context(options.threads());
        } catch (IllegalStateException e) {
            throw new ModelException("model '" + name() + "': " + e.getMessage());
        }
        int batch = input.dim(0);
        List<Stage> stages = new ArrayList<>();
        if (keepAll) {
            stages.add(new Stage(0, "input", "input", input));
        }
        Buffers buffers = null;
        if (!keepAll) {
            buffers = spare.getAndSet(null);
            if (buffers == null || buffers.snapshot.get() != s) {
                buffers = new Buffers(s);
            }
        }
        Tensor x = input;
        int i = 0;
        int last = s.layers().size();
        for (Layer layer : s.layers()) {
            i++;
            Shape out = layer.outputShape(Shape.ofSample(x));
            Tensor y;
            try {
                // zeroing a reused buffer runs on the scheduler too: a stop shows up here as well
                y = buffers != null && i < last ? reuse(buffers, i - 1, layer, out, batch, ctx)
                        : allocate(layer, out, batch);
                layer.forward(x, y, ctx);
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                // A stopped scheduler shows up as RejectedExecution, Cancellation or (a pool asked
                // for after close) IllegalState, from the caller's thread or a worker's.
                if (engine.isClosed() || e instanceof RejectedExecutionException || e instanceof CancellationException) {
                    throw new ModelException("model '" + name() + "': the engine stopped during the run (layer '"
                            + layer.name() + "')", e);
                }
                throw e;
            }
            if (keepAll) {
                stages.add(new Stage(i, layer.name(), layer.type(), y));
            }
            x = y;
        }
        if (!keepAll) {
            stages.add(new Stage(i, s.layers().isEmpty() ? "input" : s.layers().get(i - 1).name(),
                    s.layers().isEmpty() ? "input" : s.layers().get(i - 1).type(), x));
            spare.set(buffers);
        }
        return stages;
    }

    /**
     * Layer {@code index}'s output buffer from the last run when it has the same shape, zeroed
     * (layers may count on a zeroed output) by the run's threads unless the layer
     * {@linkplain Layer#writesEveryOutput() writes every element}; else a new one. Saves
     * allocating and collecting big intermediate tensors on every run.
     */
    private Tensor reuse(Buffers buffers, int index, Layer layer, Shape out, int batch, ExecutionContext ctx) {
        Tensor t = buffers.outputs[index];
        if (t != null && t.hasShape(out.withBatch(batch))) {
            if (!layer.writesEveryOutput()) {
                zero(t, ctx);
            }
            return t;
        }
        t = allocate(layer, out, batch);
        buffers.outputs[index] = t;
        return t;
    }

    /** Block size of the parallel zeroing, in floats. */
    private static final int ZERO_BLOCK = 1 << 15;

    private static void zero(Tensor t, ExecutionContext ctx) {
        float[] d = t.data();
        int off = t.offset(), n = t.size();
        ctx.parallelFor((n + ZERO_BLOCK - 1) / ZERO_BLOCK, ZERO_BLOCK, (from, to) -> Arrays.fill(d,
                off + from * ZERO_BLOCK, off + (int) Math.min(n, (long) to * ZERO_BLOCK), 0f));
    }

    /**
     * The output buffer of one stage, refused with a message (not an OutOfMemoryError or an
     * IllegalArgumentException) when it cannot exist: beyond 2^31-1 elements or the heap.
     */
    private Tensor allocate(Layer layer, Shape out, int batch) {
        int[] shape = out.withBatch(batch);
        long n = 1;
        for (int d : shape) {
            n = d == 0 ? 0 : (n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d);
        }
        String what = "model '" + name() + "' layer '" + layer.name() + "' (" + layer.type() + "): its output "
                + Shape.format(shape);
        if (n > Integer.MAX_VALUE) {
            throw new ModelException(what + " would have " + (n == Long.MAX_VALUE ? "more than 2^63" : n)
                    + " elements, more than the 2^31-1 a tensor can hold; use a smaller input or batch");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && 4 * n > heap) {
            throw new ModelException(what + " needs " + (4 * n >> 20) + " MiB but the Java heap is " + (heap >> 20)
                    + " MiB; use a smaller input or batch, or raise -Xmx");
        }
        try {
            return Tensor.zeros(shape);
        } catch (OutOfMemoryError e) {
            throw new ModelException(what + " (" + (4 * n >> 20) + " MiB) does not fit in the free Java heap; use a "
                    + "smaller input or batch, or raise -Xmx", e);
        }
    }

    private void checkInput(Tensor input) {
        Shape want = description.inputShape();
        if (input.rank() != want.rank() + 1) {
            throw new ModelException("model '" + name() + "' expects input " + want + " (batch first) but got "
                    + input.shapeString() + "; images are (1, height, width, channels)");
        }
        if (input.dim(0) < 1) {
            throw new ModelException("model '" + name() + "': the input batch is empty " + input.shapeString());
        }
        Shape got = Shape.ofSample(input);
        if (!want.accepts(got)) {
            throw new ModelException("model '" + name() + "' expects input " + want + " but got "
                    + input.shapeString() + (want.dim(-1) != got.dim(-1) ? "; check the channel count (grey vs RGB)"
                            : "; resize the image to the model's input size"));
        }
    }

    private Snapshot awaitSnapshot(long waitMillis) {
        Snapshot s = snapshot;
        if (s != null) {
            return s;
        }
        if (engine.isClosed()) {
            throw new ModelException("model '" + name() + "': the cnnkit engine is stopped; build the model again "
                    + "on a running engine");
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        synchronized (this) {
            while ((s = snapshot) == null && !closed) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (s != null) {
            return s;
        }
        if (closed) {
            throw new ModelException("model '" + name() + "' is closed");
        }
        throw new ModelUnavailableException(name(), missingSet());
    }

    private Set<String> missingSet() {
        return missing.isEmpty() ? Set.of(String.valueOf(unavailable)) : missing;
    }

    @Override
    public Summary summary() {
        List<Summary.Row> rows = new ArrayList<>();
        long total = 0;
        long trainable = 0;
        for (LayerInfo li : infos) {
            rows.add(new Summary.Row(li.name(), li.type(), li.outputShape(), li.parameters()));
            total += li.parameters();
            long non = 0;
            for (String w : li.nonTrainable()) {
                int[] shape = li.weightShapes().get(w);
                non += shape == null ? 0 : Tensor.checkedSize(shape);
            }
            trainable += li.parameters() - non;
        }
        return new Summary(name(), rows, total, trainable);
    }

    @Override
    public Map<String, Map<String, Tensor>> weights() {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        Map<String, Map<String, Tensor>> st = store;
        for (LayerInfo li : infos) {
            Map<String, Tensor> w = st.get(li.name());
            if (w == null || w.isEmpty()) {
                continue;
            }
            Map<String, Tensor> copy = new LinkedHashMap<>();
            w.forEach((k, v) -> copy.put(k, v.copy()));
            out.put(li.name(), copy);
        }
        return out;
    }

    @Override
    public void setWeights(String layer, Map<String, Tensor> weights) {
        setWeights(Map.of(layer, weights));
    }

    @Override
    public void setWeights(Map<String, Map<String, Tensor>> weightsByLayer) {
        synchronized (engine.lock()) {
            Map<String, LayerInfo> byName = new LinkedHashMap<>();
            for (LayerInfo li : infos) {
                byName.put(li.name(), li);
            }
            // Check everything before changing anything.
            for (var e : weightsByLayer.entrySet()) {
                LayerInfo li = byName.get(e.getKey());
                if (li == null) {
                    throw new ModelException("model '" + name() + "' has no layer named '" + e.getKey() + "'");
                }
                for (var w : e.getValue().entrySet()) {
                    int[] want = li.weightShapes().get(w.getKey());
                    if (want == null) {
                        throw new ModelException("model '" + name() + "' layer '" + li.name() + "' (" + li.type()
                                + ") has no weight '" + w.getKey() + "'; its weights: " + li.weightShapes().keySet());
                    }
                    if (!Arrays.equals(want, w.getValue().shape())) {
                        throw new ModelException("model '" + name() + "' layer '" + li.name() + "' weight '"
                                + w.getKey() + "': expected shape " + Shape.format(want) + " but got "
                                + w.getValue().shapeString());
                    }
                }
            }
            Map<String, Map<String, Tensor>> next = new LinkedHashMap<>(store);
            for (var e : weightsByLayer.entrySet()) {
                Map<String, Tensor> lw = new LinkedHashMap<>(next.getOrDefault(e.getKey(), Map.of()));
                e.getValue().forEach((k, v) -> lw.put(k, v.copy()));
                next.put(e.getKey(), lw);
            }
            store = next;
            if (snapshot != null) {
                engine.rebuild(this);
            }
        }
    }

    Map<String, Map<String, Tensor>> store() {
        return store;
    }

    /** Installs a freshly built snapshot (called with the engine lock held). */
    void install(Snapshot s) {
        String unset = firstNaNWeight(s);
        synchronized (this) {
            this.unsetWeights = unset;
            this.store = adopt(store, s);
            this.snapshot = s;
            this.infos = s.infos();
            this.dependencies = s.dependencies();
            this.unavailable = null;
            notifyAll();
        }
    }

    /** Drops the snapshot (and with it every reference to provider classes). */
    void markUnavailable(String reason, Set<String> missingDeps, Set<String> deps) {
        synchronized (this) {
            this.snapshot = null;
            spare.set(null);
            this.unavailable = reason;
            this.missing = Set.copyOf(missingDeps);
            if (deps != null) {
                this.dependencies = deps;
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            snapshot = null;
            spare.set(null);
            unavailable = "closed";
            notifyAll();
        }
        engine.forget(this);
    }

    /**
     * The store plus copies of the weights a snapshot runs with that the store lacks or holds
     * in another shape (first build; a new provider version declaring other weights), so that
     * {@link #weights()} always shows what runs and the next rebuild keeps it.
     */
    private static Map<String, Map<String, Tensor>> adopt(Map<String, Map<String, Tensor>> store, Snapshot s) {
        Map<String, Map<String, Tensor>> out = null;
        for (Layer l : s.layers()) {
            Map<String, Tensor> have = store.getOrDefault(l.name(), Map.of());
            Map<String, Tensor> merged = null;
            for (Map.Entry<String, Tensor> w : l.weights().entrySet()) {
                Tensor old = have.get(w.getKey());
                if (old == null || !old.hasShape(w.getValue().shape())) {
                    if (merged == null) {
                        merged = new LinkedHashMap<>(have);
                    }
                    merged.put(w.getKey(), w.getValue().copy());
                }
            }
            if (merged != null) {
                if (out == null) {
                    out = new LinkedHashMap<>(store);
                }
                out.put(l.name(), merged);
            }
        }
        return out == null ? store : out;
    }

    @Override
    public String toString() {
        return "Model[" + name() + (isAvailable() ? ", ready" : ", unavailable: " + unavailable) + "]";
    }

    /** Initializers.isUnreproducible fills with NaN: such a weight must be loaded before any run. */
    private static String firstNaNWeight(Snapshot s) {
        for (Layer l : s.layers()) {
            for (var w : l.weights().entrySet()) {
                Tensor t = w.getValue();
                float[] a = t.data();
                for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
                    if (Float.isNaN(a[i])) {
                        return "'" + l.name() + "/" + w.getKey() + "'";
                    }
                }
            }
        }
        return null;
    }
}
