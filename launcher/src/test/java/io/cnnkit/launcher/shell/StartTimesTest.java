package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The --debug line of where a one-shot command's time went. */
class StartTimesTest {
    private static String line(Map<String, String> moments) {
        Map<String, String> props = new HashMap<>();
        moments.forEach((k, v) -> props.put("cnnkit.time." + k, v));
        return StartTimes.line(props::get, List.of());
    }

    @Test
    void aKeptStartHasEveryPhase() {
        // ./cnnkit's moments in seconds (bash's EPOCHREALTIME, here with a comma as some locales write it)
        Map<String, String> m = new HashMap<>();
        m.put("script", "1000,000000");
        m.put("exec", "1000.015250");
        m.put("main", "1000045");
        m.put("framework", "1000095");
        m.put("read", "1000157");
        m.put("resolved", "1000180");
        m.put("ready", "1000238");
        m.put("done", "1000251");
        assertEquals("cnnkit: time: 251 ms from ./cnnkit to the command's end: script 15, JVM start 30, framework 50,"
                + " bundles read 62, resolved 23, bundles started 58, command 13", line(m));
    }

    @Test
    void aCommandsOwnStepsAreShownWithinItsTime() {
        Map<String, String> props = new HashMap<>();
        props.put("cnnkit.time.main", "1000");
        props.put("cnnkit.time.ready", "1200");
        props.put("cnnkit.time.done", "1560");
        List<StartTimes.Step> steps = List.of(new StartTimes.Step("model loaded", 1310),
                new StartTimes.Step("trace", 1340), new StartTimes.Step("report", 1530));
        assertEquals("cnnkit: time: 560 ms from ./cnnkit to the command's end: framework to bundles started 200,"
                + " command 360 (model loaded 110, trace 30, report 190, the rest 30)", StartTimes.line(props::get, steps));
    }

    @Test
    void aFreshCacheMergesTheStepsItDoesNotNote() {
        // started by bnd's launcher: no KeptCacheMain moments
        Map<String, String> m = new HashMap<>();
        m.put("script", "1000.000");
        m.put("exec", "1000.010");
        m.put("ready", "1000900");
        m.put("done", "1000920");
        assertEquals("cnnkit: time: 920 ms from ./cnnkit to the command's end: script 10,"
                + " JVM start to bundles started 890, command 20", line(m));
    }

    @Test
    void withoutTheScriptsMomentsTheJvmsStillCount() {
        Map<String, String> m = new HashMap<>();
        m.put("main", "500");
        m.put("framework", "540");
        m.put("ready", "700");
        m.put("done", "710");
        m.put("exec", "not a time");
        assertEquals("cnnkit: time: 210 ms from ./cnnkit to the command's end: framework 40,"
                + " bundles read to bundles started 160, command 10", line(m));
        assertNull(line(Map.of("done", "710")), "one moment is no time");
    }
}
