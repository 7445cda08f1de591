package io.cnnkit.engine.api;

/**
 * Per-run settings.
 *
 * @param threads   threads for this run; 0 = the engine's configured parallelism
 * @param waitMillis how long a run on an unavailable model waits for the missing service
 *                  to return (a bundle update is a short absence) before it fails
 */
public record RunOptions(int threads, long waitMillis) {
    /** The engine's parallelism, and a 2 s wait for an updated bundle to come back. */
    public static final RunOptions DEFAULT = new RunOptions(0, 2000);

    public RunOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = engine default), got " + threads);
        }
        if (waitMillis < 0) {
            throw new IllegalArgumentException("waitMillis must be >= 0, got " + waitMillis);
        }
    }

    public RunOptions withThreads(int n) {
        return new RunOptions(n, waitMillis);
    }

    public RunOptions withWaitMillis(long ms) {
        return new RunOptions(threads, ms);
    }
}
