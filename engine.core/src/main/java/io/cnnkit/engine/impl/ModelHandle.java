package io.cnnkit.engine.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.PlanOptimisation;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;

/**
 * A model kept up to date by the engine: its lifecycle only. What it knows at one moment is
 * one immutable {@link ModelState}, swapped as a whole; a run reads the snapshot once and
 * finishes on it. Weights live in a {@link WeightStore}, runs in a {@link PlanExecutor}.
 */
final class ModelHandle implements Model {
    /** Runs before a run whose providers keep leaving mid-run gives up (each waits for the next snapshot). */
    private static final int MAX_ATTEMPTS = 5;

    private final EngineImpl engine;
    private final ModelDescription description;
    private final WeightStore weights = new WeightStore();
    private final PlanExecutor executor;
    private volatile ModelState state;

    ModelHandle(EngineImpl engine, ModelDescription namedDescription, Snapshot first) {
        this.engine = engine;
        this.description = namedDescription;
        // (classes, not lambdas: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        this.executor = new PlanExecutor(namedDescription.name(), new BooleanSupplier() {
            @Override
            public boolean getAsBoolean() {
                return engine.isClosed();
            }
        });
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
        return state.snapshot() != null;
    }

    @Override
    public String unavailableReason() {
        ModelState s = state;
        return s.snapshot() != null ? null : s.unavailable();
    }

    @Override
    public Shape inputShape() {
        return description.inputShape();
    }

    @Override
    public List<LayerInfo> layers() {
        return state.infos();
    }

    @Override
    public List<String> outputNames() {
        return state.outputs();
    }

    @Override
    public List<String> warnings() {
        return state.warnings();
    }

    @Override
    public PlanOptimisation optimisation() {
        return state.optimisation();
    }

    Set<String> dependencies() {
        return state.dependencies();
    }

    boolean isClosed() {
        return state.closed();
    }

    @Override
    public Tensor predict(Tensor input, RunOptions options) {
        Map<String, Tensor> out = predictAll(input, options);
        if (out.size() != 1) {
            throw new ModelException("model '" + name() + "' has " + out.size() + " outputs (" + String.join(", ",
                    out.keySet()) + "); use predictAll to get each by name");
        }
        return out.values().iterator().next();
    }

    @Override
    public Map<String, Tensor> predictAll(Tensor input, RunOptions options) {
        return run(input, options, (s, ctx) -> executor.predict(s, input, ctx));
    }

    @Override
    public List<Stage> trace(Tensor input, RunOptions options) {
        return run(input, options, new Run<List<Stage>>() {
            @Override
            public List<Stage> on(Snapshot s, ExecutionContext ctx) {
                return executor.trace(s, input, ctx);
            }
        });
    }

    private interface Run<T> {
        T on(Snapshot s, ExecutionContext ctx);
    }

    private <T> T run(Tensor input, RunOptions options, Run<T> body) {
        drawDeferred();
        for (int attempt = 1;; attempt++) {
            Snapshot s = awaitSnapshot(options.waitMillis());
            try {
                checkInput(input);
                String unset = state.unsetWeights();
                if (unset != null) {
                    throw new ModelException("model '" + name() + "': weight " + unset + " has no values (its Keras "
                            + "initializer cannot be reproduced); load the model's weights first (--weights FILE or "
                            + "cnn:weights load)");
                }
                ExecutionContext ctx;
                try {
                    ctx = engine.scheduler().context(options.threads(), executor.wantsHelpers());
                } catch (IllegalStateException e) {
                    throw new ModelException("model '" + name() + "': " + e.getMessage());
                }
                return body.on(s, ctx);
            } catch (LinkageError | RuntimeException e) {
                // A provider left during the run (its bundle stopped, updated or refreshed): its
                // class loader may close half-way, failing a class load (NoClassDefFoundError) or
                // anything else in its code. The result would be lost, not wrong: run again on the
                // model's next snapshot, which awaitSnapshot waits for (or reports as unavailable).
                if (e instanceof ModelException || state.snapshot() == s || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
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
        Snapshot s = state.snapshot();
        if (s != null) {
            return s;
        }
        if (engine.isClosed()) {
            throw new ModelException("model '" + name() + "': the cnnkit engine is stopped; build the model again "
                    + "on a running engine");
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        ModelState st;
        synchronized (this) {
            while ((st = state).snapshot() == null && !st.closed()) {
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
        if (st.snapshot() != null) {
            return st.snapshot();
        }
        if (st.closed()) {
            throw new ModelException("model '" + name() + "' is closed");
        }
        throw new ModelUnavailableException(name(),
                st.missing().isEmpty() ? Set.of(String.valueOf(st.unavailable())) : st.missing());
    }

    @Override
    public Summary summary() {
        ModelState st = state;
        List<Summary.Row> rows = new ArrayList<>();
        boolean graph = description.isGraph();
        if (graph) {
            rows.add(new Summary.Row(description.inputName(), "InputLayer", description.inputShape(), 0, List.of()));
        }
        long total = 0;
        long trainable = 0;
        for (LayerInfo li : st.infos()) {
            rows.add(new Summary.Row(li.name(), li.type(), li.outputShape(), li.parameters(), li.inputs()));
            total += li.parameters();
            long non = 0;
            for (String w : li.nonTrainable()) {
                int[] shape = li.weightShapes().get(w);
                non += shape == null ? 0 : Tensor.checkedSize(shape);
            }
            trainable += li.parameters() - non;
        }
        List<String> notes = new ArrayList<>(description.notes());
        PlanOptimisation o = st.optimisation();
        if (o != null && o.optimisedNodes() != o.nodes()) {
            notes.add(o.format() + " for predict; trace runs every layer");
        }
        return new Summary(name(), rows, total, trainable, graph, notes);
    }

    @Override
    public Map<String, Map<String, Tensor>> weights() {
        drawDeferred();
        return weights.copies(state.infos());
    }

    @Override
    public void setWeights(String layer, Map<String, Tensor> w) {
        setWeights(Map.of(layer, w));
    }

    @Override
    public void setWeights(Map<String, Map<String, Tensor>> weightsByLayer) {
        synchronized (engine.lock()) {
            WeightStore.check(name(), state.infos(), weightsByLayer); // everything before changing anything
            weights.put(weightsByLayer);
            if (state.snapshot() != null) {
                engine.rebuild(this);
            }
        }
    }

    /**
     * Draws the initial values the model's first build left for later (a rebuild: the weights the
     * model has are copied, the others drawn, the same values a first build drawing them gives).
     * A model whose weights are all loaded before it is used never draws them.
     */
    private void drawDeferred() {
        if (!drawPending()) {
            return;
        }
        synchronized (engine.lock()) {
            if (drawPending()) {
                // the zero-filled snapshot is of no use: let it go before the rebuild allocates the
                // drawn one (a model near the heap's limit must not need a third copy of its weights)
                markUnavailable("model '" + name() + "' is drawing its initial values", Set.of(), null);
                String failed = engine.rebuild(this);
                if (failed != null) {
                    throw new ModelException(failed); // (a missing service is waited for, as in any run)
                }
            }
        }
    }

    /** Whether the current snapshot still has random initial values to draw (no reference to it is kept). */
    private boolean drawPending() {
        Snapshot s = state.snapshot();
        return s != null && !s.complete();
    }

    Map<String, Map<String, Tensor>> store() {
        return weights.current();
    }

    /** Installs a freshly built snapshot (called with the engine lock held). */
    void install(Snapshot s) {
        String unset = WeightStore.firstNaNWeight(s);
        synchronized (this) {
            weights.adopt(s);
            state = ModelState.built(s, unset);
            notifyAll();
        }
    }

    /** Drops the snapshot (and with it every reference to provider classes). */
    void markUnavailable(String reason, Set<String> missingDeps, Set<String> deps) {
        synchronized (this) {
            state = state.unavailable(reason, missingDeps, deps);
            executor.dropBuffers();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            state = state.closedState();
            executor.dropBuffers();
            notifyAll();
        }
        engine.forget(this);
    }

    @Override
    public String toString() {
        ModelState st = state;
        return "Model[" + name() + (st.snapshot() != null ? ", ready" : ", unavailable: " + st.unavailable()) + "]";
    }
}
