package io.cnnkit.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests on the real Keras files of ../shared/keras-real: locally a missing corpus skips the test
 * (Surefire's summary counts it as skipped); under CI ({@code CI=true}) it fails the build, so a
 * missing corpus can never hide the checks behind README's claims.
 */
public final class RealFiles {
    private RealFiles() {
    }

    /** Whether this run is CI's (the environment variable CI is "true"). */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (locally) or fails (under CI) with {@code why} unless {@code present}. */
    public static void assumePresent(boolean present, String why) {
        if (!present && underCi()) {
            Assertions.fail(why + "; under CI=true the real Keras files must be present (../shared/keras-real "
                    + "beside the checkout, or -Dcnnkit.kerasReal=DIR)");
        }
        Assumptions.assumeTrue(present, why);
    }
}
