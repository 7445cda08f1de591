package io.cnnkit.engine.impl;

import java.util.Arrays;

/**
 * The per-layer thread policy of one model's predict runs at one thread count, tuned by time:
 * a layer whose loops stay on the calling thread under the work threshold
 * ({@link Scheduler#INLINE_WORK}) but take long enough to be worth a helper
 * ({@link #TRY_NANOS}) is timed over {@link #SAMPLES} runs as it is and {@link #SAMPLES} runs
 * with its loops shared from {@link #LOW_WORK} on; it keeps the faster (shared only when at
 * least {@link #GAIN} faster). A flop threshold alone fits one machine: how long a flop takes,
 * and what handing a chunk to a helper costs, differ from machine to machine (on a Zen 5 VM
 * sharing R1's 1 MFLOP layers made it slower, on a Zen 4 VM 18% faster). Which thread runs a
 * chunk never changes a result, so the policy changes no bit.
 *
 * <p>Used by one run at a time (its buffers' owner); not thread-safe.
 */
final class PlanTuner {
    /** A layer faster than this on one thread stays there (a handoff costs microseconds). */
    static final long TRY_NANOS = 8_000;
    /** The threshold a shared trial uses (2^16 flops: a few chunks of a small layer). */
    static final long LOW_WORK = 1L << 16;
    /** Runs timed in each mode. */
    static final int SAMPLES = 16;
    /** How much faster shared must be to be kept. */
    static final double GAIN = 0.9;

    private static final byte UNTRIED = 0, INLINE_TRIAL = 1, SHARED_TRIAL = 2, INLINE = 3, SHARED = 4;

    private final int threads;
    private final byte[] state;
    private final long[][] inline;
    private final long[][] shared;
    private final int[] samples;

    PlanTuner(int nodes, int threads) {
        this.threads = threads;
        this.state = new byte[nodes];
        this.inline = new long[nodes][];
        this.shared = new long[nodes][];
        this.samples = new int[nodes];
    }

    int threads() {
        return threads;
    }

    /** The work threshold node {@code node}'s loops run with next. */
    long minWork(int node) {
        byte s = state[node];
        return s == SHARED_TRIAL || s == SHARED ? LOW_WORK : Scheduler.INLINE_WORK;
    }

    /**
     * Records one run of node {@code node}: {@code nanos} long, with {@code sharedLoops} of its
     * loops shared.
     */
    void record(int node, long nanos, int sharedLoops) {
        switch (state[node]) {
            case UNTRIED -> {
                // shared under the default threshold already, or too short to gain: left as it is
                if (sharedLoops == 0 && nanos >= TRY_NANOS) {
                    state[node] = INLINE_TRIAL;
                    inline[node] = new long[SAMPLES];
                    shared[node] = new long[SAMPLES];
                    samples[node] = 0;
                } else {
                    state[node] = INLINE;
                }
            }
            case INLINE_TRIAL -> {
                inline[node][samples[node]++] = nanos;
                if (samples[node] == SAMPLES) {
                    state[node] = SHARED_TRIAL;
                    samples[node] = 0;
                }
            }
            case SHARED_TRIAL -> {
                if (sharedLoops == 0) { // nothing to share even from LOW_WORK (a single item)
                    decide(node, false);
                    return;
                }
                shared[node][samples[node]++] = nanos;
                if (samples[node] == SAMPLES) {
                    decide(node, median(shared[node]) < GAIN * median(inline[node]));
                }
            }
            default -> {
            }
        }
    }

    private void decide(int node, boolean share) {
        state[node] = share ? SHARED : INLINE;
        inline[node] = null;
        shared[node] = null;
    }

    /** Whether node {@code node} was tried and is shared (for tests). */
    boolean shares(int node) {
        return state[node] == SHARED;
    }

    /** Whether node {@code node}'s policy is settled (for tests). */
    boolean settled(int node) {
        return state[node] == SHARED || state[node] == INLINE;
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
