package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;

class SchedulerTest {
    /** A naive valid 3x3 conv, one parallel item per (batch, output row), fixed summation order. */
    private static Tensor conv(ExecutionContext ctx, Tensor x, Tensor k, Set<Thread> seen) {
        return conv(ctx, x, k, seen, false);
    }

    /**
     * With {@code callerWaits}, the calling thread holds its first range until two pool
     * workers have taken ranges (at most 10 s), so that the test sees pool threads at work
     * however busy the machine is: the caller works next to the workers and could otherwise
     * finish every range before a parked worker wakes up.
     */
    private static Tensor conv(ExecutionContext ctx, Tensor x, Tensor k, Set<Thread> seen, boolean callerWaits) {
        Thread caller = Thread.currentThread();
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = k.dim(0), kw = k.dim(1), f = k.dim(3);
        int oh = h - kh + 1, ow = w - kw + 1;
        Tensor y = Tensor.zeros(n, oh, ow, f);
        ctx.parallelFor(n * oh, (long) ow * f * kh * kw * c, (from, to) -> {
            seen.add(Thread.currentThread());
            if (callerWaits && Thread.currentThread() == caller) {
                long end = System.nanoTime() + 10_000_000_000L;
                while (poolThreads(seen) < 2 && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
            for (int row = from; row < to; row++) {
                int b = row / oh, oy = row % oh;
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < f; o++) {
                        float s = 0;
                        for (int dy = 0; dy < kh; dy++) {
                            for (int dx = 0; dx < kw; dx++) {
                                for (int ci = 0; ci < c; ci++) {
                                    s += x.get(b, oy + dy, ox + dx, ci) * k.get(dy, dx, ci, o);
                                }
                            }
                        }
                        y.set(s, b, oy, ox, o);
                    }
                }
            }
        });
        return y;
    }

    private static long poolThreads(Set<Thread> seen) {
        return seen.stream().filter(t -> t.getName().startsWith("cnnkit-fj-")).count();
    }

    @Test
    void bitIdenticalAtOneTwoAndSevenThreads() {
        // 2 x 38 output rows of 35 x 16 x 72 multiply-adds: 3 M, above the thread policy's threshold
        Tensor x = BuildTest.random(1, 2, 40, 37, 8);
        Tensor k = BuildTest.random(2, 3, 3, 8, 16);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Scheduler s = new Scheduler(7);
        try {
            Tensor one = conv(s.context(1), x, k, seen);
            assertEquals(Set.of(Thread.currentThread()), seen, "one thread runs inline");
            Tensor two = conv(s.context(2), x, k, seen);
            Tensor seven = conv(s.context(0), x, k, seen, true);
            assertEquals(7, s.context(0).parallelism());
            assertTrue(one.contentEquals(two), "2 threads");
            assertTrue(one.contentEquals(seven), "7 threads");
            assertTrue(poolThreads(seen) >= 2, "the work really ran on pool threads: " + seen);
            assertTrue(s.liveThreads() >= 2);
        } finally {
            s.close();
        }
        assertEquals(0, s.liveThreads());
        for (Thread t : seen) {
            if (t.getName().startsWith("cnnkit-fj-")) {
                join(t);
                assertFalse(t.isAlive(), t.getName() + " is still alive after close()");
            }
        }
        assertThrows(IllegalStateException.class, () -> s.context(2));
    }

    @Test
    void loopsBelowThePolicyThresholdRunOnTheCallerOnly() {
        try (Scheduler s = new Scheduler(2)) {
            ExecutionContext ctx = s.context(2, false);
            assertEquals(0, s.aliveHelpers(), "a run told not to rouse wakes nobody");
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            // 64 items whose work together is just under the threshold
            ctx.parallelFor(64, (Scheduler.INLINE_WORK - 1) / 64, (from, to) -> {
                seen.add(Thread.currentThread());
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            assertEquals(Set.of(Thread.currentThread()), seen, "a small loop wakes no helper");
            assertEquals(64, java.util.stream.IntStream.range(0, 64).map(hits::get).sum());
            assertFalse(Scheduler.wentParallel(ctx), "nothing was shared");
            assertEquals(0, s.aliveHelpers(), "and no helper spins");
            ctx.parallelFor(64, Scheduler.INLINE_WORK / 64 + 1, (from, to) -> { });
            assertTrue(Scheduler.wentParallel(ctx), "a loop at the threshold is shared");
        }
    }

    @Test
    void aRunWhoseSchedulerClosesBetweenTwoLayersIsRejected() {
        Scheduler s = new Scheduler(2);
        ExecutionContext ctx = s.context(2); // taken at the start of a run, before the engine stops
        s.close();
        // ModelHandle turns RejectedExecutionException into a ModelException; no new pool is made
        assertThrows(java.util.concurrent.RejectedExecutionException.class,
                () -> ctx.parallelFor(64, 100_000, (from, to) -> { }));
        assertEquals(0, s.liveThreads());
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void everyItemExactlyOnceAndSmallWorkInline() {
        try (Scheduler s = new Scheduler(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            s.context(3).parallelFor(1000, 10_000, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, hits.get(i), "item " + i);
            }
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            s.context(3).parallelFor(10, 1, (from, to) -> seen.add(Thread.currentThread()));
            assertEquals(Set.of(Thread.currentThread()), seen, "tiny work is not worth a task");
            s.context(3).parallelFor(0, 1, (from, to) -> {
                throw new AssertionError("no items, no call");
            });
        }
    }

    /**
     * The run's own thread works on the range next to the pool's workers: each of two chunks
     * waits (bounded) until the other has started, so the test needs two threads at once.
     */
    @Test
    void theCallerWorksNextToThePoolWorkers() throws Exception {
        try (Scheduler s = new Scheduler(2)) {
            java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray hits = new AtomicIntegerArray(2);
            // 2 items of 1 << 20 "flops": one chunk each
            s.context(2).parallelFor(2, 1 << 20, (from, to) -> {
                seen.add(Thread.currentThread());
                both.countDown();
                try {
                    both.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            assertEquals(0, both.getCount(), "both chunks ran at the same time");
            assertTrue(seen.contains(Thread.currentThread()), "the caller took a chunk: " + seen);
            assertTrue(seen.stream().anyMatch(t -> t.getName().startsWith("cnnkit-fj-")), "a worker took one: " + seen);
            assertEquals(1, hits.get(0));
            assertEquals(1, hits.get(1));
        }
    }

    /**
     * The caller and the worker each start on their own contiguous share of the chunks (the
     * caller at chunk 0, the worker at chunk 4 of 8), and one that has run out takes the other's
     * chunks from the back: here the worker holds its first chunk until the caller has run every
     * other one, so the caller runs 0, 1, 2, 3, then 7, 6, 5.
     */
    @Test
    void eachThreadTakesItsOwnShareFrontToBackThenStealsFromTheBack() throws Exception {
        try (Scheduler s = new Scheduler(2)) {
            Thread caller = Thread.currentThread();
            java.util.List<Integer> callerOrder = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.List<Integer> workerOrder = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.CountDownLatch workerStarted = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger callerRan = new java.util.concurrent.atomic.AtomicInteger();
            // 8 items of 1 << 20 "flops": one chunk each
            s.context(2).parallelFor(8, 1 << 20, (from, to) -> {
                long end = System.nanoTime() + 10_000_000_000L;
                if (Thread.currentThread() == caller) {
                    callerOrder.add(from);
                    if (from == 0) {
                        // let the worker take its first chunk before the caller goes on
                        await(workerStarted);
                    }
                    callerRan.incrementAndGet();
                } else {
                    workerOrder.add(from);
                    workerStarted.countDown();
                    while (workerOrder.size() == 1 && callerRan.get() < 7 && System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }
            });
            assertEquals(java.util.List.of(4), workerOrder, "the worker starts its share at chunk 4");
            assertEquals(java.util.List.of(0, 1, 2, 3, 7, 6, 5), callerOrder);
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Each run rouses its helpers, which spin for a short while and then return to the pool:
     * many runs in a row do not pile up helper tasks, and the count returns to zero.
     */
    @Test
    void rousedHelpersDoNotPileUpAndEndAfterTheirSpin() throws Exception {
        try (Scheduler s = new Scheduler(2)) {
            for (int i = 0; i < 10_000; i++) {
                s.context(2);
            }
            assertTrue(s.aliveHelpers() <= 1, "at most one helper for a 2-thread run: " + s.aliveHelpers());
            long end = System.nanoTime() + 10_000_000_000L;
            while (s.aliveHelpers() > 0 && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            assertEquals(0, s.aliveHelpers(), "helpers stop spinning after " + Scheduler.SPIN_NANOS + " ns");
            assertEquals(1, s.context(1).parallelism(), "a one-thread run rouses nobody");
            assertEquals(0, s.aliveHelpers());
        }
    }

    /** Overlapping loops (runs competing for the cores) stop spinning for a while. */
    @Test
    void nobodySpinsRightAfterTwoLoopsOverlapped() throws Exception {
        try (Scheduler s = new Scheduler(2)) {
            assertTrue(s.maySpin());
            s.context(1).parallelFor(1, 1, (from, to) -> s.context(1).parallelFor(1, 1, (a, b) -> { }));
            assertFalse(s.maySpin(), "a loop started while another was in progress");
            s.context(2); // a run starts
            assertEquals(0, s.aliveHelpers(), "a run on a contended machine rouses nobody");
            Thread.sleep(Scheduler.CONTENDED_NANOS / 1_000_000 + 10);
            assertTrue(s.maySpin());
        }
    }

    /**
     * Workers waiting for the next loop do not keep a finished one reachable (a loop's body
     * references the layer, and through it the classes of a bundle that may be updated).
     */
    @Test
    void aFinishedLoopIsNotKeptReachableByWaitingWorkers() throws Exception {
        try (Scheduler s = new Scheduler(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            ExecutionContext.RangeBody body = (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i); // captures hits: a new body object per run
                }
            };
            java.lang.ref.WeakReference<ExecutionContext.RangeBody> ref = new java.lang.ref.WeakReference<>(body);
            s.context(2).parallelFor(64, 100_000, body);
            body = null;
            assertEquals(64, java.util.stream.IntStream.range(0, 64).map(hits::get).sum());
            // a worker may hold the loop it finished while it spins (SPIN_NANOS); then nothing does
            long end = System.nanoTime() + 10_000_000_000L;
            while (ref.get() != null && System.nanoTime() < end) {
                System.gc();
                Thread.sleep(5);
            }
            assertEquals(null, ref.get(), "the finished loop's body is still reachable");
        }
    }

    @Test
    void anExceptionInOneTileReachesTheCaller() {
        try (Scheduler s = new Scheduler(4)) {
            var e = assertThrows(IllegalStateException.class, () -> s.context(4).parallelFor(64, 100_000,
                    (from, to) -> {
                        if (from <= 37 && 37 < to) {
                            throw new IllegalStateException("tile with item 37 failed");
                        }
                    }));
            assertTrue(e.getMessage().contains("tile with item 37 failed")
                    || e.getCause() != null && e.getCause().getMessage().contains("tile with item 37 failed"),
                    String.valueOf(e));
            // The pool still works afterwards.
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            s.context(4).parallelFor(64, 100_000, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            assertEquals(64, java.util.stream.IntStream.range(0, 64).map(hits::get).sum());
        }
    }

    @Test
    void engineCloseStopsItsThreads() {
        EngineImpl engine = new EngineImpl(3);
        io.cnnkit.engine.fakes.NaiveConv2d conv = new io.cnnkit.engine.fakes.NaiveConv2d();
        engine.register(conv);
        var m = engine.build(engine.parse("input(30, 30, 8) | conv2d(16, 3)"));
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        m.predict(BuildTest.random(1, 1, 30, 30, 8));
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cnnkit-fj-"))
                .forEach(seen::add);
        assertTrue(engine.liveThreads() > 0, "the conv ran on the pool");
        engine.close();
        assertEquals(0, engine.liveThreads());
        for (Thread t : seen) {
            join(t);
            assertFalse(t.isAlive(), t.getName() + " is still alive after the engine closed");
        }
        assertFalse(m.isAvailable());
        var e = assertThrows(io.cnnkit.engine.api.ModelException.class,
                () -> m.predict(BuildTest.random(1, 1, 30, 30, 8), io.cnnkit.engine.api.RunOptions.DEFAULT.withWaitMillis(0)));
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
        assertThrows(io.cnnkit.engine.api.ModelException.class, () -> engine.build(engine.parse("conv2d(1, 1)")));
    }
}
