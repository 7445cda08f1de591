package io.cnnkit.testkit.browser;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A browser that dies under the test: the next call fails at once and says so; close still cleans up. */
@BrowserTest
class ChromiumCrashTest {
    @Test
    void aKilledBrowserFailsFastAndCloseCleansUp() throws Exception {
        Chromium browser = Chromium.forTest(320, 240);
        List<ProcessHandle> processes = browser.processes();
        Path temp = browser.tempDir();
        try {
            ProcessHandle main = processes.get(0);
            main.destroyForcibly();
            main.onExit().get(10, TimeUnit.SECONDS);
            long start = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> browser.evaluate("1 + 1"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(e.getMessage().contains("closed the DevTools connection"), e.getMessage());
            assertTrue(millis < 10_000, "the failure took " + millis + " ms, not the 30 s timeout");
        } finally {
            browser.close();
        }
        assertEquals(List.of(), processes.stream().filter(Chromium::running).map(ProcessHandle::pid).toList());
        assertFalse(Files.exists(temp));
    }
}
