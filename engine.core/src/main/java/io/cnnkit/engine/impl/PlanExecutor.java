package io.cnnkit.engine.impl;

import java.lang.ref.WeakReference;
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
 */
final class PlanExecutor {
    /** Block size of the parallel zeroing, in floats. */
    private static final int ZERO_BLOCK = 1 << 15;

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

        Buffers(Snapshot s) {
            this.snapshot = new WeakReference<>(s);
            this.slots = new float[s.optimised().plan().slotCount()][];
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
        Tensor[] values = run(plan, opt.layers(), input, ctx, buffers);
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
        Tensor[] values = run(plan, s.layers(), input, ctx, null);
        List<Stage> stages = new ArrayList<>(plan.size());
        stages.add(new Stage(0, plan.node(0).name(), "input", input));
        for (int i = 1; i < plan.size(); i++) {
            Layer l = s.layer(i);
            stages.add(new Stage(i, l.name(), l.type(), values[i], plan.inputNames(i)));
        }
        return stages;
    }

    /** Runs the plan; with {@code buffers} null (a trace) every node runs into a fresh tensor. */
    private Tensor[] run(GraphPlan plan, List<Layer> layers, Tensor input, ExecutionContext ctx, Buffers buffers) {
        Tensor[] values = new Tensor[plan.size()];
        values[GraphPlan.INPUT] = input;
        int batch = input.dim(0);
        for (int node = 1; node < plan.size(); node++) {
            if (buffers != null && !plan.needed(node)) {
                continue;
            }
            Layer layer = layers.get(node - 1);
            int[] reads = plan.node(node).inputs();
            try {
                Tensor y;
                if (layer instanceof MultiInputLayer m) {
                    List<Tensor> in = new ArrayList<>(reads.length);
                    List<Shape> shapes = new ArrayList<>(reads.length);
                    for (int r : reads) {
                        in.add(values[r]);
                        shapes.add(Shape.ofSample(values[r]));
                    }
                    y = output(plan, node, layer, m.outputShape(shapes), batch, ctx, buffers);
                    m.forward(in, y, ctx);
                } else {
                    Tensor x = values[reads[0]];
                    y = output(plan, node, layer, layer.outputShape(Shape.ofSample(x)), batch, ctx, buffers);
                    layer.forward(x, y, ctx);
                }
                values[node] = y;
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                // A stopped scheduler shows up as RejectedExecution, Cancellation or (a pool asked
                // for after close) IllegalState, from the caller's thread or a worker's.
                if (engineClosed.getAsBoolean() || e instanceof RejectedExecutionException
                        || e instanceof CancellationException) {
                    throw new ModelException("model '" + model + "': the engine stopped during the run (layer '"
                            + layer.name() + "')", e);
                }
                throw e;
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
        return values;
    }

    /** The output tensor of one node: a pooled slot in a predict run, else a fresh tensor. */
    private Tensor output(GraphPlan plan, int node, Layer layer, Shape out, int batch, ExecutionContext ctx,
            Buffers buffers) {
        int slot = buffers == null ? GraphPlan.NO_SLOT : plan.slot(node);
        if (slot == GraphPlan.NO_SLOT) {
            return allocate(layer, out, batch);
        }
        int[] shape = out.withBatch(batch);
        float[] a = buffers.slots[slot];
        int n = (int) checkedCount(layer, shape);
        if (a == null || a.length < n) {
            a = allocate(layer, out, batch).data();
            buffers.slots[slot] = a;
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
