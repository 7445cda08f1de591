package io.cnnkit.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JdkWarmupTest {
    /** Every step exists on the JDK the build runs (one missing would silently stop warming the rest). */
    @Test
    void everyStepRunsOnThisJdk() {
        assertTrue(JdkWarmup.run());
    }

    @Test
    void aDaemonThreadThatEnds() throws InterruptedException {
        Thread t = JdkWarmup.start();
        assertNotNull(t);
        assertEquals(JdkWarmup.THREAD, t.getName());
        assertTrue(t.isDaemon());
        t.join(10_000);
        assertFalse(t.isAlive());
    }

    @Test
    void offOnRequest() {
        System.setProperty("cnnkit.nowarm", "true");
        try {
            assertNull(JdkWarmup.start());
        } finally {
            System.clearProperty("cnnkit.nowarm");
        }
    }
}
