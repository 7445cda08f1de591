package io.cnnkit.engine.impl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * The engine's fork-join scheduler. One pool for the configured parallelism; a run that
 * asks for another thread count gets a pool of that size, kept for reuse until the engine
 * closes. Ranges are cut into contiguous chunks by a fixed rule that depends only on the
 * item count and the chunk size, and each item is computed by exactly one task, so a
 * kernel's result does not depend on the thread count. A run's own thread works on its
 * ranges next to the pool's workers (at most the run's thread count at a time).
 *
 * <p>A worker that has finished its part of a parallel loop spins for up to {@link #SPIN_NANOS}
 * waiting for the next loop before it returns to the pool and parks: waking a parked thread
 * takes 0.1 to over 1 ms on a virtual machine (an idle vCPU is halted), longer than many
 * layers take, and it is paid once per layer. ONNX Runtime and OpenMP runtimes spin likewise.
 * Nobody spins while runs compete for the cores ({@link #maySpin()}).
 */
public final class Scheduler implements AutoCloseable {
    /**
     * The thread policy: a parallel loop with less work than this (count x cost per item, about
     * flops) runs on the calling thread only, waking nobody. Handing chunks to a helper costs a
     * few microseconds (and the next layer then reads outputs another core wrote), which a
     * small layer does not earn back: measured on the real MobileNet and ResNet-8 at batch 1
     * (README, "What makes it fast"). {@code -Dcnnkit.parallel.minWork=N} overrides it, to
     * measure on another machine; results are the same bits either way.
     */
    public static final long INLINE_WORK = Long.getLong("cnnkit.parallel.minWork", 1L << 21);
    /** Target work per task. */
    static final long TASK_WORK = 1L << 18;
    /** How long a worker that ran part of a loop waits, spinning, for the next loop: 0.5 ms. */
    static final long SPIN_NANOS = 500_000;
    /** How long a caller that ran out of chunks spins for a helper's last one (about a chunk). */
    static final long CALLER_SPIN_NANOS = 1_000_000;
    /** How long after two parallel loops overlapped nobody spins: the cores are busy with other runs. */
    static final long CONTENDED_NANOS = 20_000_000;

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int parallelism;
    /** Parallel loops in progress on any thread, inline ones included. */
    private final AtomicInteger loopsInProgress = new AtomicInteger();
    /** When two loops last overlapped (System.nanoTime). */
    private volatile long contendedAt = System.nanoTime() - CONTENDED_NANOS - 1;
    private final Map<Integer, Crew> crews = new ConcurrentHashMap<>();
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

    /** The context a run with {@code threads} (0 = default) uses; it rouses helpers for the run. */
    public ExecutionContext context(int threads) {
        return context(threads, true);
    }

    /**
     * The context a run with {@code threads} (0 = default) uses. With {@code rouse}, the run's
     * helpers are woken now; a caller passes false when the run is expected to have no loop
     * large enough to share (e.g. its previous run had none, see {@link #wentParallel}), so
     * that no helper spins for nothing.
     */
    public ExecutionContext context(int threads, boolean rouse) {
        if (closed) {
            throw new IllegalStateException("the cnnkit engine is stopped; its scheduler is closed");
        }
        int n = threads <= 0 ? parallelism : threads;
        if (rouse && n > 1 && maySpin()) {
            // wake the run's helpers now: they spin through the run's first steps (buffers,
            // the first layer's setup) instead of waking at its first parallel loop
            crew(n).rouse(n - 1);
        }
        return new Context(n);
    }

    // RejectedExecutionException (not IllegalStateException): a run whose engine stops between two
    // layers must fail as ModelHandle reports a stop mid-layer, with a ModelException.
    private Crew crew(int n) {
        if (closed) {
            throw new RejectedExecutionException("the cnnkit engine is stopped; its scheduler is closed");
        }
        // (classes, not lambdas: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        Crew crew = crews.computeIfAbsent(n, new Function<Integer, Crew>() {
            @Override
            public Crew apply(Integer k) {
                int id = POOL_IDS.incrementAndGet();
                return new Crew(new ForkJoinPool(k, new WorkerThreads(id), null, false));
            }
        });
        if (closed) {
            // close() ran between the check above and computeIfAbsent and may not have seen this
            // pool: shut it down here so that no cnnkit-fj thread outlives the engine.
            crew.pool.shutdownNow();
            crews.remove(n, crew);
            throw new RejectedExecutionException("the cnnkit engine is stopped; its scheduler is closed");
        }
        return crew;
    }

    /** Makes pool {@code id}'s workers: daemon threads named cnnkit-fj-id-1, cnnkit-fj-id-2, ... */
    private static final class WorkerThreads implements ForkJoinPool.ForkJoinWorkerThreadFactory {
        private final int id;
        private final AtomicInteger thread = new AtomicInteger();

        WorkerThreads(int id) {
            this.id = id;
        }

        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool p) {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("cnnkit-fj-" + id + "-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /**
     * Whether waiting threads may spin: not while runs compete for the cores (two parallel loops
     * overlapped in the last {@link #CONTENDED_NANOS}), where a spinning thread would take a
     * core from another run's work (4 concurrent callers on 2 cores lost 17% of their runs).
     */
    boolean maySpin() {
        return System.nanoTime() - contendedAt > CONTENDED_NANOS;
    }

    /** Whether a loop of a run with this context was large enough to be shared with helpers. */
    static boolean wentParallel(ExecutionContext ctx) {
        return ctx instanceof Context c && c.shared;
    }

    /** Number of live pool threads (for leak checks). */
    public int liveThreads() {
        int n = 0;
        for (Crew c : crews.values()) {
            n += c.pool.getPoolSize();
        }
        return n;
    }

    /** Helper tasks started and not yet ended, spinning or working (for tests). */
    int aliveHelpers() {
        int n = 0;
        for (Crew c : crews.values()) {
            n += c.alive.get();
        }
        return n;
    }

    /** Shuts every pool down and waits for its threads to end. */
    @Override
    public void close() {
        closed = true;
        for (Crew c : crews.values()) {
            c.pool.shutdownNow();
        }
        for (Crew c : crews.values()) {
            try {
                c.pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        crews.clear();
    }

    /**
     * The work from which a loop of this run is shared (else {@link #INLINE_WORK}): the engine
     * lowers it for one layer whose loops its {@link PlanTuner} found faster shared. Results are
     * the same bits either way.
     */
    static void shareFrom(ExecutionContext ctx, long minWork) {
        if (ctx instanceof Context c) {
            c.minWork = minWork;
        }
    }

    /** Loops of this run shared with helpers so far (0 for a context that is not the scheduler's). */
    static int sharedLoops(ExecutionContext ctx) {
        return ctx instanceof Context c ? c.sharedLoops : 0;
    }

    private final class Context implements ExecutionContext {
        private final int threads;
        /** A loop of this run was shared with helpers (read by the next run's rouse decision). */
        private volatile boolean shared;
        /** Set and read by the run's own thread only (the thread that calls parallelFor). */
        private long minWork = INLINE_WORK;
        private int sharedLoops;

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
            if (loopsInProgress.getAndIncrement() > 0) {
                contendedAt = System.nanoTime();
            }
            try {
                run(count, Math.max(1, costPerItem), body);
            } finally {
                loopsInProgress.decrementAndGet();
            }
        }

        private void run(int count, long cost, RangeBody body) {
            if (threads == 1 || count == 1 || cost * count < minWork) {
                body.run(0, count);
                return;
            }
            if (!shared) {
                shared = true;
            }
            sharedLoops++;
            // Chunk size from the work alone, capped so every thread gets a few chunks.
            long perTask = Math.max(1, TASK_WORK / cost);
            long minChunks = 4L * threads;
            int chunk = (int) Math.max(1, Math.min(perTask, (count + minChunks - 1) / minChunks));
            Crew crew = crew(threads);
            if (inPool(crew.pool)) {
                new Range(body, 0, count, chunk).invoke();
                return;
            }
            new Shared(body, count, chunk, threads).run(crew);
        }
    }

    /**
     * A range run by the calling thread together with up to {@code threads - 1} pool workers.
     * The caller starts at once instead of waiting for a parked worker to wake (which dominates
     * short layers, e.g. the walkthrough model's small convs and pools, on a busy machine), and
     * waits only for chunks a worker has claimed. Chunk boundaries are fixed ({@code chunk}
     * items each), so which thread runs a chunk does not change the result.
     *
     * <p>Each participant (the caller, then each helper by seat) owns a contiguous share of the
     * chunks and takes them front to back; one that has run out takes chunks from the back of
     * the largest share left. So a thread works on neighbouring items (a conv's neighbouring
     * pixels share input rows, which stay in its core's cache) while the load still balances.
     */
    private static final class Shared {
        /** Helpers still wanted: a worker takes one (its seat number, from 1) before it works on this loop. */
        final AtomicInteger seats = new AtomicInteger();
        private final ExecutionContext.RangeBody body;
        private final int count;
        private final int chunk;
        private final int chunks;
        /** Pool workers wanted next to the caller. */
        private final int helpers;
        /** Per participant, its chunks left: first in the high 32 bits, end (exclusive) in the low. */
        private final AtomicLongArray shares;
        private final AtomicInteger done = new AtomicInteger();
        private final Thread caller = Thread.currentThread();
        private volatile Throwable failure;

        Shared(ExecutionContext.RangeBody body, int count, int chunk, int threads) {
            this.body = body;
            this.count = count;
            this.chunk = chunk;
            this.chunks = (count + chunk - 1) / chunk;
            this.helpers = Math.min(threads - 1, chunks - 1);
            this.shares = new AtomicLongArray(helpers + 1);
            for (int i = 0; i <= helpers; i++) {
                long from = (long) chunks * i / (helpers + 1), to = (long) chunks * (i + 1) / (helpers + 1);
                shares.set(i, from << 32 | to);
            }
        }

        void run(Crew crew) {
            seats.set(helpers);
            crew.offer(this);
            RejectedExecutionException rejected = null;
            // helper tasks alive (spinning after an earlier loop, roused, or finishing the last
            // loop's chunk) take seats first; new tasks wake parked workers for the rest. Counting
            // only idle ones started a second task while the first was finishing a chunk: two
            // helpers then spun next to the caller on two cores (R1's shared layers no faster)
            for (int i = crew.alive.get(); i < helpers; i++) {
                try {
                    crew.submit(this);
                } catch (RejectedExecutionException e) {
                    // the engine is stopping: finish what helpers may have claimed, then report it
                    rejected = e;
                    break;
                }
            }
            work(0);
            crew.withdraw(this);
            // a helper is finishing its last chunk: spin first (a parked caller takes about
            // 0.1 ms to wake), then park
            long end = System.nanoTime() + CALLER_SPIN_NANOS;
            while (done.get() < chunks && System.nanoTime() - end < 0 && crew.maySpin()) {
                Thread.onSpinWait();
            }
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

        /**
         * Runs chunks of share {@code own}, then of the others, until none is left; after a
         * failure the rest are skipped (but counted).
         */
        void work(int own) {
            for (int i; (i = claim(own)) >= 0;) {
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

        /** The first chunk left in share {@code own}, else the last of the largest share; -1 when none is left. */
        private int claim(int own) {
            for (long s; first(s = shares.get(own)) < end(s);) {
                if (shares.compareAndSet(own, s, s + (1L << 32))) {
                    return first(s);
                }
            }
            while (true) {
                int largest = -1;
                long best = 0;
                for (int i = 0; i < shares.length(); i++) {
                    long s = shares.get(i);
                    if (end(s) - first(s) > (largest < 0 ? 0 : end(best) - first(best))) {
                        largest = i;
                        best = s;
                    }
                }
                if (largest < 0) {
                    return -1;
                }
                if (shares.compareAndSet(largest, best, best - 1)) {
                    return end(best) - 1;
                }
            }
        }

        private static int first(long share) {
            return (int) (share >>> 32);
        }

        private static int end(long share) {
            return (int) share;
        }
    }

    /**
     * A pool and the loop it currently offers to idle workers. A worker that has helped with a
     * loop spins for {@link #SPIN_NANOS} on {@link #offered} before it returns to the pool; a
     * loop is withdrawn as soon as its caller has no chunk left to start, so no worker keeps
     * a finished loop (and the layer classes its body references) reachable.
     */
    private final class Crew {
        final ForkJoinPool pool;
        /** Helper tasks submitted and not ended (spinning or working): at most a run's helpers. */
        final AtomicInteger alive = new AtomicInteger();
        private volatile Shared offered;

        Crew(ForkJoinPool pool) {
            this.pool = pool;
        }

        void offer(Shared loop) {
            offered = loop;
        }

        boolean maySpin() {
            return Scheduler.this.maySpin();
        }

        void withdraw(Shared loop) {
            if (offered == loop) {
                offered = null;
            }
        }

        /** Makes sure {@code helpers} workers are awake (or waking) and waiting for the next loop. */
        void rouse(int helpers) {
            try {
                for (int i = alive.get(); i < helpers; i++) {
                    submit(null);
                }
            } catch (RejectedExecutionException e) {
                // the engine is stopping: the run's first loop reports it
            }
        }

        /** Starts a helper task for {@code loop} (null: the next loop offered). */
        void submit(Shared loop) {
            alive.incrementAndGet();
            try {
                pool.execute(new Runnable() {
                    @Override
                    public void run() {
                        help(loop);
                    }
                });
            } catch (RejectedExecutionException e) {
                alive.decrementAndGet();
                throw e;
            }
        }

        /** Helps with {@code loop} (null: the next one offered), then with later loops, until none comes. */
        private void help(Shared loop) {
            Shared next = loop == null ? awaitNext(null) : loop;
            while (true) {
                try {
                    while (next != null) {
                        int seat = next.seats.getAndDecrement();
                        if (seat > 0) {
                            next.work(seat);
                        }
                        next = awaitNext(next);
                    }
                } finally {
                    alive.decrementAndGet();
                }
                // a loop offered just as this task gave up (its caller counted it alive and
                // started no other): take it after all
                Shared o = offered;
                if (o == null || o.seats.get() <= 0 || closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                alive.incrementAndGet();
                next = o;
            }
        }

        /** The next loop that wants a helper, or null after {@link #SPIN_NANOS} or on close. */
        private Shared awaitNext(Shared last) {
            long end = System.nanoTime() + SPIN_NANOS;
            do {
                Shared o = offered;
                if (o != null && o != last && o.seats.get() > 0) {
                    return o;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - end < 0 && maySpin() && !closed && !Thread.currentThread().isInterrupted());
            return null;
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
