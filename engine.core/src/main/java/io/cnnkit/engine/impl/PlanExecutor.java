package io.cnnkit.engine.impl;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;

/**
 * Runs a snapshot's plan on one input, node after node in plan order (each layer spreads its
 * own work over the scheduler, so results do not depend on the thread count).
 *
 * <p>A trace keeps every node's output in a fresh tensor. A predict computes only the nodes an
 * output needs, returns the outputs in fresh tensors (the caller keeps them), and puts every
 * other node's output in a pooled buffer slot that the plan hands to a later node once its
 * last consumer has run. The slots of the last finished predict are kept for the next one: a
 * run takes them, so concurrent runs never share a buffer, and puts them back only when it
 * ends normally (a cancelled task might still be writing into them).
 *
 * <p>A predict on a batch runs in <em>groups</em> of samples ({@link GroupPlan}): the plan's
 * first nodes, up to its first layer with many weights, run on a few samples at a time, each
 * group's activations small enough to stay in a core's cache, and with more than one thread
 * the groups run side by side, one thread each (no layer waits for another core's share); the
 * rest of the plan then runs on the whole batch. The groups follow from the plan and the input
 * alone, never from the thread count, and every layer computes each sample from that sample
 * alone, so results are the same bits at every thread count.
 */
final class PlanExecutor {
    /** Block size of the parallel zeroing, in floats. */
    private static final int ZERO_BLOCK = 1 << 15;
    /**
     * Floats of a group's largest activation (512 KB: a group's input, output and a skip
     * connection stay within a 1 to 2 MB L2). {@code -Dcnnkit.batch.groupFloats=N} overrides it, to
     * measure on another machine.
     */
    static final int GROUP_FLOATS = Integer.getInteger("cnnkit.batch.groupFloats", 1 << 17);
    /**
     * Weights (floats) from which a layer runs on the whole batch: grouped, each group would read
     * them again (W3's 2304x512 dense layer, 4.7 MB, made the whole run slower in groups).
     */
    static final long HEAVY_WEIGHTS = 1L << 18;

    private final String model;
    private final BooleanSupplier engineClosed;
    private final AtomicReference<Buffers> spare = new AtomicReference<>();
    /**
     * Whether the last predict shared a loop with helper threads: if not (a small model, every
     * layer under the thread policy's threshold), the next run wakes no helpers.
     */
    private volatile boolean lastRunShared = true;

    /**
     * Reusable slot arrays of one snapshot's plan, held weakly: spare buffers must not keep a
     * replaced snapshot's provider classes alive.
     */
    private static final class Buffers {
        final WeakReference<Snapshot> snapshot;
        final float[][] slots;
        /** A group's own arrays for the nodes without a slot (outputs) and for its input. */
        final float[][] own;
        /** Grouped runs' spare buffers, one per group running at once (this being the whole batch's). */
        final ArrayDeque<Buffers> groups = new ArrayDeque<>();
        /** The whole-batch arrays of the group nodes read after the groups (not outputs). */
        final float[][] escapes;
        /** The last group plan worked out, for its input shape and batch. */
        GroupPlan groupPlan;
        /**
         * The per-layer thread policies of the runs with these buffers, by thread count: a model
         * run at two thread counts by turns keeps what each found instead of trying again after
         * every switch.
         */
        private PlanTuner[] tuners = new PlanTuner[0];

        Buffers(Snapshot s) {
            this.snapshot = new WeakReference<>(s);
            int n = s.optimised().plan().size();
            this.slots = new float[s.optimised().plan().slotCount()][];
            this.own = new float[n][];
            this.escapes = new float[n][];
        }

        PlanTuner tuner(int threads, int nodes) {
            if (threads >= tuners.length) {
                tuners = Arrays.copyOf(tuners, threads + 1);
            }
            if (tuners[threads] == null) {
                tuners[threads] = new PlanTuner(nodes);
            }
            return tuners[threads];
        }

        synchronized Buffers takeGroup(Snapshot s) {
            Buffers b = groups.poll();
            return b != null ? b : new Buffers(s);
        }

        synchronized void giveGroup(Buffers b) {
            groups.push(b);
        }
    }

    PlanExecutor(String model, BooleanSupplier engineClosed) {
        this.model = model;
        this.engineClosed = engineClosed;
    }

    /** Forgets the spare buffers (the snapshot is going away). */
    void dropBuffers() {
        spare.set(null);
        lastRunShared = true;
    }

    /** Whether the next run should wake its helper threads at its start. */
    boolean wantsHelpers() {
        return lastRunShared;
    }

    /** Every output by node name, in the plan's output order, from the optimised plan. */
    Map<String, Tensor> predict(Snapshot s, Tensor input, ExecutionContext ctx) {
        Buffers buffers = spare.getAndSet(null);
        if (buffers == null || buffers.snapshot.get() != s) {
            buffers = new Buffers(s);
        }
        PlanOptimizer.Optimised opt = s.optimised();
        GraphPlan plan = opt.plan();
        GroupPlan groups = buffers.groupPlan;
        Shape sample = Shape.ofSample(input);
        if (groups == null || !groups.fits(sample, input.dim(0))) {
            groups = GroupPlan.of(plan, opt.layers(), sample, input.dim(0));
            buffers.groupPlan = groups;
        }
        Tensor[] values = new Tensor[plan.size()];
        values[GraphPlan.INPUT] = input;
        if (groups.size() > 0) {
            runGroups(s, groups, opt.layers(), input, values, ctx, buffers);
        }
        run(plan, opt.layers(), values, input.dim(0), groups.end(), ctx, buffers);
        lastRunShared = Scheduler.wentParallel(ctx);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int o : plan.outputs()) {
            out.put(plan.node(o).name(), values[o]);
        }
        spare.set(buffers);
        return out;
    }

    /** Every node's output in plan order, the input first: every layer as built, no optimisation. */
    List<Stage> trace(Snapshot s, Tensor input, ExecutionContext ctx) {
        GraphPlan plan = s.plan();
        Tensor[] values = new Tensor[plan.size()];
        values[GraphPlan.INPUT] = input;
        run(plan, s.layers(), values, input.dim(0), 1, ctx, null);
        List<Stage> stages = new ArrayList<>(plan.size());
        stages.add(new Stage(0, plan.node(0).name(), "input", input));
        for (int i = 1; i < plan.size(); i++) {
            Layer l = s.layer(i);
            stages.add(new Stage(i, l.name(), l.type(), values[i], plan.inputNames(i)));
        }
        return stages;
    }

    /**
     * Runs the plan's nodes from {@code first} on; {@code values} holds the input and every value
     * computed before. With {@code buffers} null (a trace) every node runs into a fresh tensor.
     */
    private void run(GraphPlan plan, List<Layer> layers, Tensor[] values, int batch, int first,
            ExecutionContext ctx, Buffers buffers) {
        run(plan, layers, values, batch, first, plan.size(), ctx, buffers, false);
    }

    /** Runs nodes [first, end); in a group ({@code group}) the nodes without a slot use the group's own arrays. */
    private void run(GraphPlan plan, List<Layer> layers, Tensor[] values, int batch, int first, int end,
            ExecutionContext ctx, Buffers buffers, boolean group) {
        // a predict's layers on the whole batch at several threads follow the tuned thread policy
        PlanTuner tuner = buffers != null && !group && ctx.parallelism() > 1
                ? buffers.tuner(ctx.parallelism(), plan.size())
                : null;
        long runStart = tuner != null ? System.nanoTime() : 0;
        for (int node = first; node < end; node++) {
            if (buffers != null && !plan.needed(node)) {
                continue;
            }
            Layer layer = layers.get(node - 1);
            int[] reads = plan.node(node).inputs();
            int sharedBefore = 0;
            long start = 0;
            if (tuner != null) {
                Scheduler.shareFrom(ctx, tuner.minWork(node));
                sharedBefore = Scheduler.sharedLoops(ctx);
                start = System.nanoTime();
            }
            try {
                Tensor y;
                if (layer instanceof MultiInputLayer m) {
                    List<Tensor> in = new ArrayList<>(reads.length);
                    List<Shape> shapes = new ArrayList<>(reads.length);
                    for (int r : reads) {
                        in.add(values[r]);
                        shapes.add(Shape.ofSample(values[r]));
                    }
                    y = output(plan, node, layer, m.outputShape(shapes), batch, ctx, buffers, group);
                    m.forward(in, y, ctx);
                } else {
                    Tensor x = values[reads[0]];
                    y = output(plan, node, layer, layer.outputShape(Shape.ofSample(x)), batch, ctx, buffers, group);
                    layer.forward(x, y, ctx);
                }
                values[node] = y;
                if (tuner != null) {
                    tuner.record(node, System.nanoTime() - start, Scheduler.sharedLoops(ctx) - sharedBefore);
                }
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw stopped(e, "layer '" + layer.name() + "'");
            }
            if (buffers != null) {
                // Drop references to buffers whose last reader has run (their slot is reused later).
                for (int r : reads) {
                    if (plan.freeAfter(r) == node) {
                        values[r] = null;
                    }
                }
            }
        }
        if (tuner != null) {
            Scheduler.shareFrom(ctx, Scheduler.INLINE_WORK);
            tuner.ran(runStart, System.nanoTime());
        }
    }

    /**
     * Runs the plan's first {@link GroupPlan#end()} nodes group by group: each group's samples are
     * copied into an input of the group's own, the nodes run on them (side by side on the run's
     * threads when there are at least two groups per thread, else one group after another, each
     * layer spreading its work as usual), and the values read later are copied into whole-batch
     * tensors in {@code values}.
     */
    private void runGroups(Snapshot s, GroupPlan g, List<Layer> layers, Tensor input, Tensor[] values,
            ExecutionContext ctx, Buffers whole) {
        GraphPlan plan = s.optimised().plan();
        int batch = input.dim(0);
        for (int e : g.escapes()) {
            int[] shape = g.shape(e).withBatch(batch);
            Layer layer = layers.get(e - 1);
            if (plan.slot(e) == GraphPlan.NO_SLOT) { // a model output: returned to the caller
                values[e] = allocate(layer, g.shape(e), batch);
            } else {
                float[] a = whole.escapes[e];
                int n = (int) checkedCount(layer, shape);
                if (a == null || a.length < n) {
                    a = allocate(layer, g.shape(e), batch).data();
                    whole.escapes[e] = a;
                }
                values[e] = Tensor.view(a, 0, shape);
            }
        }
        int threads = ctx.parallelism();
        boolean sideBySide = threads > 1 && g.size() >= 2 * threads;
        ExecutionContext inner = sideBySide ? SERIAL : ctx;
        float[] in = input.data();
        int inOff = input.offset(), inSample = input.size() / batch;
        ExecutionContext.RangeBody body = (from, to) -> {
            Buffers b = whole.takeGroup(s);
            for (int i = from; i < to; i++) {
                int s0 = g.first(i), n = g.first(i + 1) - s0;
                float[] own = b.own[GraphPlan.INPUT];
                if (own == null || own.length < n * inSample) {
                    own = new float[g.first(1) * inSample];
                    b.own[GraphPlan.INPUT] = own;
                }
                System.arraycopy(in, inOff + s0 * inSample, own, 0, n * inSample);
                Tensor[] v = new Tensor[plan.size()];
                v[GraphPlan.INPUT] = Tensor.view(own, 0, g.shape(GraphPlan.INPUT).withBatch(n));
                run(plan, layers, v, n, 1, g.end(), inner, b, true);
                for (int e : g.escapes()) {
                    Tensor src = v[e], dst = values[e];
                    int per = src.size() / n;
                    System.arraycopy(src.data(), src.offset(), dst.data(), dst.offset() + s0 * per, n * per);
                }
            }
            whole.giveGroup(b);
        };
        if (!sideBySide) {
            body.run(0, g.size());
            return;
        }
        try {
            // a group is a whole network's worth of work: always worth a helper, one group per chunk
            ctx.parallelFor(g.size(), Scheduler.INLINE_WORK, body);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw stopped(e, "groups of " + g.groupSize() + " samples");
        }
    }

    /**
     * {@code e} as a ModelException naming {@code where} when the engine stopped during the run
     * (a stopped scheduler shows up as RejectedExecution, Cancellation or, a pool asked for
     * after close, IllegalState, from the caller's thread or a worker's), else {@code e}.
     */
    private RuntimeException stopped(RuntimeException e, String where) {
        if (engineClosed.getAsBoolean() || e instanceof RejectedExecutionException
                || e instanceof CancellationException) {
            return new ModelException("model '" + model + "': the engine stopped during the run (" + where + ")", e);
        }
        return e;
    }

    /** A context that runs every loop on the calling thread (a group's layers, next to other groups). */
    private static final ExecutionContext SERIAL = new ExecutionContext() {
        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public void parallelFor(int count, long costPerItem, RangeBody body) {
            if (count > 0) {
                body.run(0, count);
            }
        }
    };

    /** The output tensor of one node: a pooled slot in a predict run, else a fresh tensor. */
    private Tensor output(GraphPlan plan, int node, Layer layer, Shape out, int batch, ExecutionContext ctx,
            Buffers buffers, boolean group) {
        int slot = buffers == null ? GraphPlan.NO_SLOT : plan.slot(node);
        if (slot == GraphPlan.NO_SLOT && !group) {
            return allocate(layer, out, batch);
        }
        // a group's output nodes run into arrays of the group's own, copied out after each group
        float[][] arrays = slot == GraphPlan.NO_SLOT ? buffers.own : buffers.slots;
        int index = slot == GraphPlan.NO_SLOT ? node : slot;
        int[] shape = out.withBatch(batch);
        float[] a = arrays[index];
        int n = (int) checkedCount(layer, shape);
        if (a == null || a.length < n) {
            a = allocate(layer, out, batch).data();
            arrays[index] = a;
            return Tensor.view(a, 0, shape);
        }
        Tensor t = Tensor.view(a, 0, shape);
        if (!layer.writesEveryOutput()) {
            // zeroing a reused buffer runs on the scheduler too: a stop shows up here as well
            zero(t, ctx);
        }
        return t;
    }

    private static void zero(Tensor t, ExecutionContext ctx) {
        float[] d = t.data();
        int off = t.offset(), n = t.size();
        // cost: a float stored takes about the time of 8 flops of a kernel (memory-bound), so the
        // thread policy shares buffers from 128 K floats on
        ctx.parallelFor((n + ZERO_BLOCK - 1) / ZERO_BLOCK, 8L * ZERO_BLOCK, (from, to) -> Arrays.fill(d,
                off + from * ZERO_BLOCK, off + (int) Math.min(n, (long) to * ZERO_BLOCK), 0f));
    }

    private long checkedCount(Layer layer, int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = d == 0 ? 0 : (n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d);
        }
        if (n > Integer.MAX_VALUE) {
            throw new ModelException(what(layer, shape) + " would have " + (n == Long.MAX_VALUE ? "more than 2^63" : n)
                    + " elements, more than the 2^31-1 a tensor can hold; use a smaller input or batch");
        }
        return n;
    }

    private String what(Layer layer, int[] shape) {
        return "model '" + model + "' layer '" + layer.name() + "' (" + layer.type() + "): its output "
                + Shape.format(shape);
    }

    /**
     * A fresh output buffer, refused with a message (not an OutOfMemoryError or an
     * IllegalArgumentException) when it cannot exist: beyond 2^31-1 elements or the heap.
     */
    private Tensor allocate(Layer layer, Shape out, int batch) {
        int[] shape = out.withBatch(batch);
        long n = checkedCount(layer, shape);
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && 4 * n > heap) {
            throw new ModelException(what(layer, shape) + " needs " + (4 * n >> 20) + " MiB but the Java heap is "
                    + (heap >> 20) + " MiB; use a smaller input or batch, or raise -Xmx");
        }
        try {
            return Tensor.zeros(shape);
        } catch (OutOfMemoryError e) {
            throw new ModelException(what(layer, shape) + " (" + (4 * n >> 20) + " MiB) does not fit in the free Java "
                    + "heap; use a smaller input or batch, or raise -Xmx", e);
        }
    }
}
