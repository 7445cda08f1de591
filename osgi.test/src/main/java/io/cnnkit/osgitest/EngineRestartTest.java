package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Tensor;

/**
 * Stopping io.cnnkit.engine.core while a big convolution runs: the run completes or fails
 * with a ModelException, the fork-join threads end with the engine, and after a start the
 * new engine service builds and runs models.
 */
class EngineRestartTest {
    static final String ENGINE = "io.cnnkit.engine.core";

    @AfterEach
    void engineRunsAgain() throws Exception {
        Bundle b = Osgi.bundle(ENGINE);
        if (b.getState() != Bundle.ACTIVE) {
            b.start();
        }
    }

    @Test
    void stopDuringARunThenStart() throws Exception {
        Engine before = Osgi.engine();
        Model big = before.build(before.parse("input(64, 64, 16, name=restart_big) | "
                + "conv2d(32, 3, padding=same) | conv2d(32, 3, padding=same) | conv2d(32, 3, padding=same) | "
                + "conv2d(32, 3, padding=same)"));
        Tensor x = Nhwc.input(64, 64, 16);

        AtomicBoolean inRun = new AtomicBoolean();
        AtomicInteger completed = new AtomicInteger();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                while (true) { // until the stopped engine refuses
                    inRun.set(true);
                    big.predict(x, RunOptions.DEFAULT.withThreads(2).withWaitMillis(0));
                    inRun.set(false);
                    completed.incrementAndGet();
                }
            } catch (Throwable t) {
                ended.set(t);
            }
        }, "restart-runner");
        runner.start();
        Osgi.await(() -> inRun.get() && fjThreads() > 0, () -> "the big run did not start fork-join work");

        Bundle engine = Osgi.bundle(ENGINE);
        boolean stoppedMidRun = inRun.get();
        engine.stop();
        runner.join(Osgi.TIMEOUT.toMillis());
        assertFalse(runner.isAlive(), "the run did not end after the engine stopped");
        Throwable t = ended.get();
        assertTrue(t instanceof ModelException, "a run on the stopping engine ended with " + t
                + " (expected a ModelException); runs completed: " + completed.get() + ", stopped mid-run: "
                + stoppedMidRun);
        System.out.println("[osgi.test] engine stopped " + (stoppedMidRun ? "during" : "between") + " runs after "
                + completed.get() + " complete run(s); the run ended with " + t);
        Osgi.await(() -> fjThreads() == 0, () -> "cnnkit-fj threads alive after the engine stopped: "
                + fjThreadNames());
        assertFalse(big.isAvailable(), "model of the stopped engine still available");
        assertThrows(ModelException.class, () -> big.predict(x, RunOptions.DEFAULT.withWaitMillis(0)));

        engine.start();
        Engine after = Osgi.engine();
        assertNotSame(before, after, "the engine service after the restart is the old object");
        try (Model m = after.build(after.parse("input(4, 4, 2, name=after_restart) | "
                + "conv2d(1, 2, kernel_initializer=constant(1)) | relu"))) {
            Tensor in = Nhwc.input(4, 4, 2);
            Tensor y = m.predict(in);
            Nhwc.assertClose(new int[] { 1, 3, 3, 1 }, LayerBundlesTest.perPixel(3, 3, 1,
                    (oy, ox, c) -> Math.max(0, Nhwc.windowSum(in, oy, ox, 2, 2, -1))), y, "model after restart");
        }
    }

    static int fjThreads() {
        return fjThreadNames().size();
    }

    static List<String> fjThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("cnnkit-fj")).toList();
    }
}
