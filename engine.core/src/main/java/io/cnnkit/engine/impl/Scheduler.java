package io.cnnkit.engine.impl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * The engine's fork-join scheduler. One pool for the configured parallelism; a run that
 * asks for another thread count gets a pool of that size, kept for reuse until the engine
 * closes. Ranges are cut into contiguous chunks by a fixed rule that depends only on the
 * item count and the chunk size, and each item is computed by exactly one task, so a
 * kernel's result does not depend on the thread count. A run's own thread works on its
 * ranges next to the pool's workers (at most the run's thread count at a time).
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

    // RejectedExecutionException (not IllegalStateException): a run whose engine stops between two
    // layers must fail as ModelHandle reports a stop mid-layer, with a ModelException.
    private ForkJoinPool pool(int n) {
        if (closed) {
            throw new RejectedExecutionException("the cnnkit engine is stopped; its scheduler is closed");
        }
        ForkJoinPool pool = pools.computeIfAbsent(n, k -> {
            int id = POOL_IDS.incrementAndGet();
            AtomicInteger thread = new AtomicInteger();
            return new ForkJoinPool(k, p -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                t.setName("cnnkit-fj-" + id + "-" + thread.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, null, false);
        });
        if (closed) {
            // close() ran between the check above and computeIfAbsent and may not have seen this
            // pool: shut it down here so that no cnnkit-fj thread outlives the engine.
            pool.shutdownNow();
            pools.remove(n, pool);
            throw new RejectedExecutionException("the cnnkit engine is stopped; its scheduler is closed");
        }
        return pool;
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
            if (inPool(pool)) {
                new Range(body, 0, count, chunk).invoke();
                return;
            }
            new Shared(body, count, chunk).run(pool, threads);
        }
    }

    /**
     * A range run by the calling thread together with up to {@code threads - 1} pool workers
     * that take chunks from a shared counter. The caller starts at once instead of waiting for
     * a parked worker to wake (which dominates short layers, e.g. the walkthrough model's small
     * convs and pools, on a busy machine), and waits only for chunks a worker has claimed.
     * Chunk boundaries are fixed ({@code chunk} items each), so which thread runs a chunk
     * does not change the result.
     */
    private static final class Shared {
        private final ExecutionContext.RangeBody body;
        private final int count;
        private final int chunk;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final Thread caller = Thread.currentThread();
        private volatile Throwable failure;

        Shared(ExecutionContext.RangeBody body, int count, int chunk) {
            this.body = body;
            this.count = count;
            this.chunk = chunk;
            this.chunks = (count + chunk - 1) / chunk;
        }

        void run(ForkJoinPool pool, int threads) {
            int helpers = Math.min(threads - 1, chunks - 1);
            RejectedExecutionException rejected = null;
            for (int i = 0; i < helpers; i++) {
                try {
                    pool.execute(this::work);
                } catch (RejectedExecutionException e) {
                    // the engine is stopping: finish what helpers may have claimed, then report it
                    rejected = e;
                    break;
                }
            }
            work();
            while (done.get() < chunks) {
                LockSupport.park(this);
            }
            Throwable f = failure;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
            if (rejected != null) {
                throw rejected;
            }
        }

        /** Runs chunks until none is left; after a failure the rest are skipped (but counted). */
        void work() {
            for (int i; (i = next.getAndIncrement()) < chunks;) {
                if (failure == null) {
                    try {
                        body.run(i * chunk, (int) Math.min(count, (long) (i + 1) * chunk));
                    } catch (Throwable t) {
                        synchronized (this) {
                            if (failure == null) {
                                failure = t;
                            }
                        }
                    }
                }
                if (done.incrementAndGet() == chunks && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
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
