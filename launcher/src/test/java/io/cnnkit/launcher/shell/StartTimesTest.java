package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The --debug line of where a one-shot command's time went. */
class StartTimesTest {
    /** The line for the moments given as name, time, name, time... and the command's steps. */
    private static String line(List<StartTimes.Step> steps, String... moments) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < moments.length; i += 2) {
            props.put("cnnkit.time." + moments[i], moments[i + 1]);
        }
        return StartTimes.line(props::get, steps);
    }

    @Test
    void aKeptStartHasEveryPhase() {
        // ./cnnkit's moments in seconds (bash's EPOCHREALTIME, here with a comma as some locales write it)
        assertEquals("cnnkit: time: 251 ms from ./cnnkit to the command's end: script 15, JVM start 30, framework 50,"
                + " bundles read 62, resolved 23, bundles started 58, command 13",
                line(List.of(), "script", "1000,000000", "exec", "1000.015250", "main", "1000045", "framework", "1000095",
                        "read", "1000157", "resolved", "1000180", "ready", "1000238", "done", "1000251"));
    }

    @Test
    void aCommandsOwnStepsAreShownWithinItsTime() {
        List<StartTimes.Step> steps = List.of(new StartTimes.Step("model loaded", 1310),
                new StartTimes.Step("trace", 1340), new StartTimes.Step("report", 1530));
        assertEquals("cnnkit: time: 560 ms from ./cnnkit to the command's end: framework to bundles started 200,"
                + " command 360 (model loaded 110, trace 30, report 190, the rest 30)",
                line(steps, "main", "1000", "ready", "1200", "done", "1560"));
    }

    @Test
    void aFreshCacheMergesTheStepsItDoesNotNote() {
        // started by bnd's launcher: no KeptCacheMain moments
        assertEquals("cnnkit: time: 920 ms from ./cnnkit to the command's end: script 10,"
                + " JVM start to bundles started 890, command 20",
                line(List.of(), "script", "1000.000", "exec", "1000.010", "ready", "1000900", "done", "1000920"));
    }

    @Test
    void withoutTheScriptsMomentsTheJvmsStillCount() {
        assertEquals("cnnkit: time: 210 ms from ./cnnkit to the command's end: framework 40,"
                + " bundles read to bundles started 160, command 10",
                line(List.of(), "main", "500", "framework", "540", "ready", "700", "done", "710", "exec", "not a time"));
        assertNull(line(List.of(), "done", "710"), "one moment is no time");
    }
}
