package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The load and hot-swap soak ({@link Soak}) in the framework of the run. In the default build
 * it runs a few seconds ({@code soak.seconds}, default {@value #SHORT_SECONDS}); the long run is
 * the Maven profile {@code soak} ({@code mvn -B -pl osgi.test -am verify -Psoak
 * -Dsoak.seconds=600}), which runs only this class, for that long in each framework.
 */
class SoakTest {
    static final double SHORT_SECONDS = 3;

    @Test
    void swapsUnderLoadGiveOnlyReferenceOutputsOrUnavailableAndLeakNothing() throws Exception {
        Soak.Result r = new Soak(Soak.Config.fromProperties(Osgi.context(), SHORT_SECONDS)).run();
        System.out.println(r.line());
        r.swapErrors().forEach(p -> System.out.println("soak swap error: " + p));
        r.problems().stream().limit(10).forEach(p -> System.out.println("soak problem: " + p));
        if (!r.loadersRetained().isEmpty()) {
            System.out.println("soak retained class loaders: " + r.loadersRetained());
        }
        if (!r.threadsLeaked().isEmpty()) {
            System.out.println("soak leaked threads: " + r.threadsLeaked());
        }
        String line = r.line() + "; first problems " + r.problems().stream().limit(3).toList()
                + ", swap errors " + r.swapErrors();
        assertTrue(r.ok() > 0, "no run completed: " + line);
        assertTrue(r.graphOk() > 0, "no run of a graph model completed: " + line);
        assertTrue(r.stopStarts() + r.updates() > 0 && r.pluginDrops() > 0, "no swap or no drop: " + line);
        assertEquals(0, r.wrongOutputs(), "outputs differ from the single-threaded reference: " + line);
        assertEquals(0, r.otherFailureCount(), "failures other than ModelUnavailableException: " + line);
        assertEquals(r.runs(), r.ok() + r.unavailable() + r.otherFailureCount() + r.wrongOutputs(),
                "every run is counted once: " + line);
        assertTrue(r.swapErrors().isEmpty(), "the swap loop failed: " + r.swapErrors() + "; " + line);
        assertTrue(r.loadersRetained().isEmpty(), "class loaders of bundles that left are still reachable "
                + r.loadersRetained() + ": " + line);
        assertTrue(r.threadsLeaked().isEmpty(), "threads left after the soak " + r.threadsLeaked() + ": " + line);
        assertTrue(r.heapOk(), "heap after the soak above the baseline margin: " + line);
    }
}
