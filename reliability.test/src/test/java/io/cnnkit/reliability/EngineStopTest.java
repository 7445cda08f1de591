package io.cnnkit.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/**
 * Stopping the engine while runs are in flight on several threads: every run ends, either
 * with a result or with a ModelException saying the engine stopped; no fork-join thread
 * outlives the engine; a new engine works.
 */
class EngineStopTest {
    /** Big enough that a run spans several fork-join tasks and a few milliseconds. */
    private static final String BUSY = """
            {"name": "busy", "input_shape": [48, 48, 8], "seed": 3, "layers": [
              {"type": "conv2d", "name": "c1", "filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"},
              {"type": "conv2d", "name": "c2", "filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"},
              {"type": "max_pooling2d", "pool_size": 2},
              {"type": "conv2d", "name": "c3", "filters": 16, "kernel_size": 3, "padding": "same"},
              {"type": "global_average_pooling2d"},
              {"type": "dense", "name": "out", "units": 4, "activation": "softmax"}]}""";

    private static Tensor input(long seed) {
        Random r = new Random(seed);
        float[] a = new float[48 * 48 * 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        return Tensor.wrap(a, 1, 48, 48, 8);
    }

    @RepeatedTest(4)
    @Timeout(30)
    void closeWhileRunsAreInFlight() throws Exception {
        StandaloneEngine engine = Corpus.engine();
        engine.setParallelism(2);
        Model model = engine.build(engine.parse(BUSY));
        Tensor expected = model.predict(input(1));

        int threads = 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger stoppedErrors = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
        CountDownLatch running = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            // Some runs use the default pool, some ask for their own thread count (another pool).
            RunOptions opts = RunOptions.DEFAULT.withThreads(t % 3);
            Thread w = new Thread(() -> {
                running.countDown();
                while (!stop.get()) {
                    try {
                        Tensor y = model.predict(input(1), opts);
                        if (!y.contentEquals(expected)) {
                            wrong.add(new AssertionError("a run that completed gave another result"));
                        }
                        completed.incrementAndGet();
                    } catch (ModelException e) {
                        if (e.getMessage() == null || !e.getMessage().contains("stopped")) {
                            wrong.add(e);
                        }
                        stoppedErrors.incrementAndGet();
                        return;
                    } catch (Throwable e) {
                        wrong.add(e);
                        return;
                    }
                }
            }, "rel-run-" + t);
            workers.add(w);
            w.start();
        }
        assertTrue(running.await(5, TimeUnit.SECONDS));
        Thread.sleep(150);
        engine.close();
        stop.set(true);
        for (Thread w : workers) {
            w.join(10_000);
            assertFalse(w.isAlive(), w.getName() + " did not end after the engine stopped");
        }
        if (!wrong.isEmpty()) {
            Throwable first = wrong.peek();
            AssertionError e = new AssertionError(wrong.size() + " run(s) ended wrongly; first: " + first, first);
            throw e;
        }
        assertTrue(completed.get() + stoppedErrors.get() > 0);
        assertNoForkJoinThreads();

        // After close: clear refusals, no new threads.
        ModelException run = assertThrows(ModelException.class, () -> model.predict(input(1)));
        assertTrue(run.getMessage().contains("stopped"), run.getMessage());
        ModelException build = assertThrows(ModelException.class, () -> engine.build(engine.parse(BUSY)));
        assertTrue(build.getMessage().contains("stopped"), build.getMessage());
        assertNoForkJoinThreads();

        // A new engine works and computes the same.
        try (StandaloneEngine fresh = Corpus.engine()) {
            Model m = fresh.build(fresh.parse(BUSY));
            assertTrue(m.predict(input(1)).contentEquals(expected));
        }
        assertNoForkJoinThreads();
    }

    @Test
    @Timeout(10)
    void closeTwiceAndCloseIdleEngine() {
        StandaloneEngine engine = Corpus.engine();
        Model m = engine.build(engine.parse(BUSY));
        m.predict(input(2));
        engine.close();
        engine.close();
        assertThrows(ModelException.class, () -> m.predict(input(2), RunOptions.DEFAULT.withThreads(3)));
        assertNoForkJoinThreads();
    }

    /** Pool threads end asynchronously just after awaitTermination; allow them a moment. */
    static void assertNoForkJoinThreads() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(n -> n.startsWith("cnnkit-fj")).toList();
            if (left.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        } while (System.nanoTime() < deadline);
        assertEquals(List.of(), left, "cnnkit-fj threads left after the engine stopped");
    }
}
