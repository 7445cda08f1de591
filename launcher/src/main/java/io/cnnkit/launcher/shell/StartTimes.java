package io.cnnkit.launcher.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

import io.cnnkit.launcher.boot.KeptCacheMain;

/**
 * Where a one-shot command's time went, for {@code --debug}: the moments ./cnnkit, the JVM's
 * {@link KeptCacheMain} and this bundle noted (system properties {@value KeptCacheMain#TIME}NAME,
 * epoch milliseconds; ./cnnkit's in seconds with a fraction, as bash's {@code EPOCHREALTIME}),
 * turned into one line of the times between them. A moment not noted (a fresh cache is started
 * by bnd's launcher, not KeptCacheMain; a bash before 5.0 has no {@code EPOCHREALTIME}) merges
 * its phase into the next one's. A command may note its own steps ({@link #step}), shown within
 * its time.
 */
final class StartTimes {
    /** The moments in order, each with the name of the phase that ends at it. */
    private static final String[][] MOMENTS = {
        {"script", null},
        {"exec", "script"},
        {KeptCacheMain.MAIN_REACHED, "JVM start"},
        {KeptCacheMain.FRAMEWORK_CREATED, "framework"},
        {KeptCacheMain.BUNDLES_READ, "bundles read"},
        {KeptCacheMain.BUNDLES_RESOLVED, "resolved"},
        {"ready", "bundles started"},
        {"done", "command"},
    };

    /** Whether this JVM notes its moments (./cnnkit's --debug). */
    private static volatile boolean enabled;
    /** Steps within the command, in order. */
    private static final List<Step> STEPS = new ArrayList<>();

    /** A step of the command: the phase that ends at {@code at} (epoch milliseconds). */
    record Step(String phase, long at) {
    }

    private StartTimes() {
    }

    /** Notes moments from now on (for --debug). */
    static void enable() {
        enabled = true;
    }

    /** Notes that a step of the command ends now, {@code phase} naming it ("trace", "report"); nothing unless {@link #enable}d. */
    static void step(String phase) {
        if (enabled) {
            synchronized (STEPS) {
                STEPS.add(new Step(phase, System.currentTimeMillis()));
            }
        }
    }

    /** Notes a moment of this bundle's (the command's start and end). */
    static void note(String moment) {
        System.setProperty(KeptCacheMain.TIME + moment, Long.toString(System.currentTimeMillis()));
    }

    /** The line for this JVM's moments and steps, or null when fewer than two moments were noted. */
    static String line() {
        List<Step> steps;
        synchronized (STEPS) {
            steps = new ArrayList<>(STEPS);
        }
        return line(System::getProperty, steps);
    }

    /** The line for the moments {@code noted} returns (null: not noted) and the command's {@code steps}. */
    static String line(UnaryOperator<String> noted, List<Step> steps) {
        List<String> parts = new ArrayList<>();
        double first = Double.NaN;
        double last = Double.NaN;
        String skipped = null;
        for (String[] m : MOMENTS) {
            double at = millis(noted.apply(KeptCacheMain.TIME + m[0]));
            if (Double.isNaN(at)) {
                if (m[1] != null && !Double.isNaN(last) && skipped == null) {
                    skipped = m[1];
                }
                continue;
            }
            if (Double.isNaN(first)) {
                first = at;
            } else {
                String phase = skipped == null ? m[1] : skipped + " to " + m[1];
                parts.add(phase + " " + Math.round(at - last));
            }
            last = at;
            skipped = null;
        }
        if (parts.isEmpty()) {
            return null;
        }
        double ready = millis(noted.apply(KeptCacheMain.TIME + "ready"));
        if (!steps.isEmpty() && !Double.isNaN(ready) && parts.get(parts.size() - 1).startsWith("command ")) {
            // the command's own steps, the last "the rest" (up to its end)
            List<String> within = new ArrayList<>();
            double at = ready;
            for (Step st : steps) {
                within.add(st.phase() + " " + Math.round(st.at() - at));
                at = st.at();
            }
            within.add("the rest " + Math.round(last - at));
            parts.set(parts.size() - 1, parts.get(parts.size() - 1) + " (" + String.join(", ", within) + ")");
        }
        return String.format(Locale.ROOT, "cnnkit: time: %d ms from ./cnnkit to the command's end: %s",
                Math.round(last - first), String.join(", ", parts));
    }

    /** Milliseconds from epoch milliseconds or ./cnnkit's seconds ("1733432432.123456", a comma in some locales). */
    private static double millis(String v) {
        if (v == null || v.isBlank()) {
            return Double.NaN;
        }
        try {
            String s = v.trim().replace(',', '.');
            return s.indexOf('.') >= 0 ? Double.parseDouble(s) * 1000 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
