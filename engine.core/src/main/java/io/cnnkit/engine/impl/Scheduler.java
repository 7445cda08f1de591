package io.cnnkit.engine.impl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * The engine's fork-join scheduler. One pool for the configured parallelism; a run that
 * asks for another thread count gets a pool of that size, kept for reuse until the engine
 * closes. Ranges are cut into contiguous chunks by a fixed rule that depends only on the
 * item count and the chunk size, and each item is computed by exactly one task, so a
 * kernel's result does not depend on the thread count.
 */
public final class Scheduler implements AutoCloseable {
    /** Below this much work (about flops) a range runs inline: task overhead would dominate. */
    public static final long INLINE_WORK = 1L << 16;
    /** Target work per task. */
    static final long TASK_WORK = 1L << 18;

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int parallelism;
    private final Map<Integer, ForkJoinPool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public Scheduler(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        this.parallelism = parallelism;
    }

    public int parallelism() {
        return parallelism;
    }

    /** The context a run with {@code threads} (0 = default) uses. */
    public ExecutionContext context(int threads) {
        if (closed) {
            throw new IllegalStateException("the cnnkit engine is stopped; its scheduler is closed");
        }
        int n = threads <= 0 ? parallelism : threads;
        return new Context(n);
    }

    private ForkJoinPool pool(int n) {
        if (closed) {
            throw new IllegalStateException("the cnnkit engine is stopped; its scheduler is closed");
        }
        return pools.computeIfAbsent(n, k -> {
            int id = POOL_IDS.incrementAndGet();
            AtomicInteger thread = new AtomicInteger();
            return new ForkJoinPool(k, p -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                t.setName("cnnkit-fj-" + id + "-" + thread.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, null, false);
        });
    }

    /** Number of live pool threads (for leak checks). */
    public int liveThreads() {
        int n = 0;
        for (ForkJoinPool p : pools.values()) {
            n += p.getPoolSize();
        }
        return n;
    }

    /** Shuts every pool down and waits for its threads to end. */
    @Override
    public void close() {
        closed = true;
        for (ForkJoinPool p : pools.values()) {
            p.shutdownNow();
        }
        for (ForkJoinPool p : pools.values()) {
            try {
                p.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        pools.clear();
    }

    private final class Context implements ExecutionContext {
        private final int threads;

        Context(int threads) {
            this.threads = threads;
        }

        @Override
        public int parallelism() {
            return threads;
        }

        @Override
        public void parallelFor(int count, long costPerItem, RangeBody body) {
            if (count <= 0) {
                return;
            }
            long cost = Math.max(1, costPerItem);
            if (threads == 1 || count == 1 || cost * count < INLINE_WORK) {
                body.run(0, count);
                return;
            }
            // Chunk size from the work alone, capped so every thread gets a few chunks.
            long perTask = Math.max(1, TASK_WORK / cost);
            long minChunks = 4L * threads;
            int chunk = (int) Math.max(1, Math.min(perTask, (count + minChunks - 1) / minChunks));
            ForkJoinPool pool = pool(threads);
            Range root = new Range(body, 0, count, chunk);
            if (inPool(pool)) {
                root.invoke();
            } else {
                pool.invoke(root);
            }
        }
    }

    private static boolean inPool(ForkJoinPool pool) {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    /** Splits [from, to) in halves until a piece is at most one chunk. */
    private static final class Range extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient ExecutionContext.RangeBody body;
        private final int from;
        private final int to;
        private final int chunk;

        Range(ExecutionContext.RangeBody body, int from, int to, int chunk) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (to - from <= chunk) {
                body.run(from, to);
                return;
            }
            int mid = from + ((to - from) / chunk / 2) * chunk;
            if (mid == from) {
                mid = from + chunk;
            }
            invokeAll(new Range(body, from, mid, chunk), new Range(body, mid, to, chunk));
        }
    }
}
