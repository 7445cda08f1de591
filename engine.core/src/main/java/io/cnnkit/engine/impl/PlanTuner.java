package io.cnnkit.engine.impl;

import java.util.Arrays;

/**
 * The per-layer thread policy of one model's predict runs at one thread count, tuned by time.
 * A flop threshold alone ({@link Scheduler#INLINE_WORK}) fits one machine: how long a flop
 * takes, and what handing a chunk to a helper costs, differ from machine to machine (on a Zen 5
 * VM sharing R1's 1 MFLOP layers made it slower, on a Zen 4 VM 18% faster), and so does what a
 * helper spinning between shared layers costs the layers run inline meanwhile (much when the
 * two vCPUs are threads of one core). So every layer starts with the threshold; after
 * {@link #FIRST_TRIAL} runs, and again every {@link #RETRY} runs (trials during the JIT's
 * warm-up misjudge, and a VM's vCPUs move), a trial runs:
 * <ol>
 * <li>{@link #SAMPLES} runs with the threshold, timing each layer: those that stay on the
 * calling thread yet take {@link #TRY_NANOS} or more are candidates;</li>
 * <li>{@link #SAMPLES} runs with the candidates' loops shared from {@link #LOW_WORK} on: a
 * candidate is chosen when its median time is at least {@link #GAIN} times lower;</li>
 * <li>if any was chosen, {@link #SAMPLES} whole runs with the threshold and {@link #SAMPLES}
 * with the chosen layers shared: the choice is kept only if the whole run's median is lower
 * too, at least {@link #RUN_GAIN} times (a helper spinning between shared layers may slow the
 * layers run inline meanwhile).</li>
 * </ol>
 * <p>A trial compares runs made back to back, once the cores are back to speed: a run that
 * follows an idle stretch (longer than {@link #IDLE_NANOS} and than the run) starts a trial
 * under way over, and a trial counts no run until {@link #SETTLE_NANOS} after it. After an idle
 * stretch a VM's vCPU comes back to speed over tens of milliseconds and a helper wakes from
 * parking, so trials across or just after one compared unlike runs (in the side-by-side, whose
 * timed blocks follow pauses, R1 at 2 threads ran up to 17% slower than at 1 after such
 * trials). A model only ever run with idle stretches between its runs is tried as it runs
 * after {@link #MAX_RESTARTS} restarts in a row.
 *
 * <p>Which thread runs a chunk never changes a result, so the policy changes no bit.
 *
 * <p>Used by one run at a time (its buffers' owner); not thread-safe.
 */
final class PlanTuner {
    /** A layer faster than this on one thread stays there (a handoff costs microseconds). */
    static final long TRY_NANOS = 8_000;
    /** The threshold shared layers use (2^16 flops: a few chunks of a small layer). */
    static final long LOW_WORK = 1L << 16;
    /** Runs timed in each step of a trial. */
    static final int SAMPLES = 16;
    /** Runs before the first trial. */
    static final int FIRST_TRIAL = 64;
    /** Runs between trials. */
    static final int RETRY = 512;
    /** How much faster shared must be to be kept. */
    static final double GAIN = 0.9;
    /**
     * How much faster the whole run must be with the chosen layers shared. A few chosen layers
     * are a small part of a run: ResNet-8's first conv (18 of 180 us at 2 threads) gained 7 us
     * shared, which a 10% bar on the run threw away (R3 at 2 threads 0.171 -> 0.160 ms at 0.98,
     * alternated processes); R1 and R4 unchanged.
     */
    static final double RUN_GAIN = 0.98;
    /** An idle stretch before a run longer than this (and than the run) starts a trial over. */
    static final long IDLE_NANOS = 1_000_000;
    /** Restarts in a row after which a trial keeps runs that follow idle stretches. */
    static final int MAX_RESTARTS = 8;
    /** How long after an idle stretch a trial waits before it counts runs (the vCPUs back to speed). */
    static final long SETTLE_NANOS = 20_000_000;

    enum Phase {
        /** Between trials: the chosen layers shared if the whole run gained. */
        WAIT,
        /** Every layer at the threshold, each timed. */
        LAYERS_INLINE,
        /** The candidates shared, each timed. */
        LAYERS_SHARED,
        /** Every layer at the threshold, whole runs timed. */
        RUNS_INLINE,
        /** The chosen layers shared, whole runs timed. */
        RUNS_SHARED
    }

    private Phase phase = Phase.WAIT;
    private int runs;
    private boolean tried;
    /** Per layer: its loops shared (from LOW_WORK on) when the policy is in use. */
    private final boolean[] chosen;
    /** Whether the chosen layers are shared between trials (the whole run gained). */
    private boolean inUse;
    private final boolean[] candidate;
    private final boolean[] sharedAnyway;
    private final long[][] inline;
    private final long[][] shared;
    private final long[] runsInline = new long[SAMPLES];
    private final long[] runsShared = new long[SAMPLES];
    /** Trials started over in a row because of an idle stretch. */
    private int restarts;
    /** Whether a run was recorded through {@link #ran}, and when the last one ended (System.nanoTime). */
    private boolean ranBefore;
    private long lastEnd;
    /** Whether runs are settling after an idle stretch, until settleUntil. */
    private boolean settling;
    private long settleUntil;

    PlanTuner(int nodes) {
        this.chosen = new boolean[nodes];
        this.candidate = new boolean[nodes];
        this.sharedAnyway = new boolean[nodes];
        this.inline = new long[nodes][SAMPLES];
        this.shared = new long[nodes][SAMPLES];
    }

    Phase phase() {
        return phase;
    }

    /** The work threshold node {@code node}'s loops run with in this run. */
    long minWork(int node) {
        boolean share = switch (phase) {
            case LAYERS_SHARED -> candidate[node];
            case RUNS_SHARED -> chosen[node];
            case WAIT -> inUse && chosen[node];
            default -> false;
        };
        return share ? LOW_WORK : Scheduler.INLINE_WORK;
    }

    /** Records node {@code node} of this run: {@code nanos} long, {@code sharedLoops} of its loops shared. */
    void record(int node, long nanos, int sharedLoops) {
        int i = runs;
        if (phase == Phase.LAYERS_INLINE) {
            inline[node][i] = nanos;
            sharedAnyway[node] |= sharedLoops > 0;
        } else if (phase == Phase.LAYERS_SHARED && candidate[node]) {
            shared[node][i] = nanos;
            // a single item has nothing to share even from LOW_WORK
            candidate[node] = sharedLoops > 0;
        }
    }

    /**
     * Records a run from {@code startNanos} to {@code endNanos} (System.nanoTime): after an idle
     * stretch a trial under way starts over, and no trial counts runs until {@link #SETTLE_NANOS}
     * of runs have passed (unless {@link #MAX_RESTARTS} restarts in a row show the model runs so).
     */
    void ran(long startNanos, long endNanos) {
        long nanos = endNanos - startNanos;
        boolean idle = ranBefore && startNanos - lastEnd > Math.max(IDLE_NANOS, nanos);
        ranBefore = true;
        lastEnd = endNanos;
        if (idle && restarts < MAX_RESTARTS) {
            settleUntil = startNanos + SETTLE_NANOS;
            settling = true;
            if (phase != Phase.WAIT) {
                restarts++;
                next(Phase.LAYERS_INLINE);
                Arrays.fill(sharedAnyway, false);
                return;
            }
        }
        if (settling && endNanos - settleUntil < 0) {
            if (phase != Phase.WAIT) {
                return; // a trial's runs count from the end of the settling on
            }
        } else {
            settling = false;
        }
        runDone(nanos);
    }

    /** Records the end of a run that took {@code nanos} and followed the one before at once. */
    void runDone(long nanos) {
        int i = runs++;
        switch (phase) {
            case WAIT -> {
                if (runs >= (tried ? RETRY : FIRST_TRIAL)) {
                    next(Phase.LAYERS_INLINE);
                    Arrays.fill(sharedAnyway, false);
                }
            }
            case LAYERS_INLINE -> {
                if (runs == SAMPLES) {
                    boolean any = false;
                    for (int n = 0; n < candidate.length; n++) {
                        candidate[n] = !sharedAnyway[n] && median(inline[n]) >= TRY_NANOS;
                        any |= candidate[n];
                    }
                    next(any ? Phase.LAYERS_SHARED : Phase.WAIT);
                    if (!any) {
                        settle(false);
                    }
                }
            }
            case LAYERS_SHARED -> {
                if (runs == SAMPLES) {
                    boolean any = false;
                    for (int n = 0; n < chosen.length; n++) {
                        chosen[n] = candidate[n] && median(shared[n]) < GAIN * median(inline[n]);
                        any |= chosen[n];
                    }
                    if (any) {
                        next(Phase.RUNS_INLINE);
                    } else {
                        settle(false);
                    }
                }
            }
            case RUNS_INLINE -> {
                runsInline[i] = nanos;
                if (runs == SAMPLES) {
                    next(Phase.RUNS_SHARED);
                }
            }
            case RUNS_SHARED -> {
                runsShared[i] = nanos;
                if (runs == SAMPLES) {
                    settle(median(runsShared) < RUN_GAIN * median(runsInline));
                }
            }
            default -> throw new IllegalStateException(phase.toString());
        }
    }

    private void next(Phase p) {
        phase = p;
        runs = 0;
    }

    private void settle(boolean use) {
        inUse = use;
        tried = true;
        restarts = 0;
        next(Phase.WAIT);
    }

    /** Whether node {@code node} runs shared between trials (for tests). */
    boolean shares(int node) {
        return inUse && chosen[node];
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
