package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.FakeLayer;
import io.cnnkit.engine.fakes.Fakes;

/**
 * The per-layer thread policy: layers that are short, or shared under the work threshold
 * already, are left as they are; a long layer under the threshold is timed inline and shared,
 * and shared from then on only when it and the whole run gain; the choice is tried again later;
 * whatever it picks, results are the same bits.
 */
class PlanTunerTest {
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static final long FAST = PlanTuner.TRY_NANOS / 2, SLOW = PlanTuner.TRY_NANOS * 10;

    private static final long RUN = 100 * PlanTuner.TRY_NANOS;

    /** Runs until the first trial starts: every layer at the threshold meanwhile. */
    private static void untilTrial(PlanTuner t) {
        for (int i = 0; i < PlanTuner.FIRST_TRIAL; i++) {
            for (int node = 1; node <= 3; node++) {
                assertEquals(Scheduler.INLINE_WORK, t.minWork(node), "before the first trial, run " + i);
                t.record(node, SLOW, 0);
            }
            t.runDone(RUN);
        }
        assertEquals(PlanTuner.Phase.LAYERS_INLINE, t.phase());
    }

    /**
     * One trial: node 1 long and faster shared by {@code layerGain}, node 2 short, node 3
     * shared under the threshold already; whole runs {@code runGain} faster with node 1 shared.
     */
    private static void trial(PlanTuner t, double layerGain, double runGain, boolean single) {
        for (int i = 0; i < PlanTuner.SAMPLES; i++) {
            for (int node = 1; node <= 3; node++) {
                assertEquals(Scheduler.INLINE_WORK, t.minWork(node), "layers inline, run " + i);
            }
            t.record(1, SLOW, 0);
            t.record(2, FAST, 0);
            t.record(3, SLOW, 2);
            t.runDone(RUN);
        }
        assertEquals(PlanTuner.Phase.LAYERS_SHARED, t.phase());
        for (int i = 0; i < PlanTuner.SAMPLES && t.phase() == PlanTuner.Phase.LAYERS_SHARED; i++) {
            // a layer found to have nothing to share is a candidate no longer
            assertEquals(single && i > 0 ? Scheduler.INLINE_WORK : PlanTuner.LOW_WORK, t.minWork(1),
                    "node 1 shared, run " + i);
            assertEquals(Scheduler.INLINE_WORK, t.minWork(2), "node 2 too short to try");
            assertEquals(Scheduler.INLINE_WORK, t.minWork(3), "node 3 shared under the threshold already");
            t.record(1, (long) (SLOW * layerGain), single ? 0 : 1);
            t.record(2, FAST, 0);
            t.record(3, SLOW, 2);
            t.runDone(RUN);
        }
        for (int i = 0; i < PlanTuner.SAMPLES && t.phase() == PlanTuner.Phase.RUNS_INLINE; i++) {
            assertEquals(Scheduler.INLINE_WORK, t.minWork(1), "whole runs inline, run " + i);
            t.runDone(RUN);
        }
        for (int i = 0; i < PlanTuner.SAMPLES && t.phase() == PlanTuner.Phase.RUNS_SHARED; i++) {
            assertEquals(PlanTuner.LOW_WORK, t.minWork(1), "whole runs with node 1 shared, run " + i);
            t.runDone((long) (RUN * runGain));
        }
        assertEquals(PlanTuner.Phase.WAIT, t.phase());
    }

    @Test
    void aLayerIsSharedOnlyWhenItAndTheWholeRunGain() {
        double[][] cases = {{0.5, 0.8}, {0.95, 0.8}, {0.5, 0.95}, {0.5, 0.99}, {0.5, 1.3}};
        for (double[] c : cases) {
            PlanTuner t = new PlanTuner(4);
            untilTrial(t);
            trial(t, c[0], c[1], false);
            // shared only when the layer is at least GAIN faster (5% is noise for one layer) and
            // the whole run at least RUN_GAIN (a few layers are a small part of it)
            boolean expected = c[0] < PlanTuner.GAIN && c[1] < PlanTuner.RUN_GAIN;
            assertEquals(expected, t.shares(1), "layer x" + c[0] + ", run x" + c[1]);
            assertEquals(expected ? PlanTuner.LOW_WORK : Scheduler.INLINE_WORK, t.minWork(1));
            assertFalse(t.shares(2) || t.shares(3));
        }
    }

    @Test
    void aLayerWithNothingToShareStaysInline() {
        PlanTuner t = new PlanTuner(4);
        untilTrial(t);
        trial(t, 0.5, 0.5, true); // its loop had a single item: nothing shared even from LOW_WORK
        assertFalse(t.shares(1));
    }

    @Test
    void theChoiceIsTriedAgainLater() {
        PlanTuner t = new PlanTuner(4);
        untilTrial(t);
        trial(t, 0.5, 0.5, false);
        assertTrue(t.shares(1));
        for (int i = 0; i < PlanTuner.RETRY; i++) {
            assertEquals(PlanTuner.LOW_WORK, t.minWork(1), "between trials, run " + i);
            t.runDone(RUN);
        }
        assertEquals(PlanTuner.Phase.LAYERS_INLINE, t.phase());
        trial(t, 1.0, 1.0, false); // no longer faster: back inline
        assertFalse(t.shares(1));
        assertEquals(Scheduler.INLINE_WORK, t.minWork(1));
    }

    /**
     * One run through {@link PlanTuner#ran} on a made-up clock, {@code idle} after the last
     * one ended at {@code at}: node 1 long, twice as fast when shared, as is the whole run;
     * nodes 2 and 3 as in {@link #trial}. Returns when it ended.
     */
    private static long ranAt(PlanTuner t, long at, long idle) {
        boolean shared = t.minWork(1) == PlanTuner.LOW_WORK;
        t.record(1, shared ? SLOW / 2 : SLOW, shared ? 1 : 0);
        t.record(2, FAST, 0);
        t.record(3, SLOW, 2);
        long start = at + idle, end = start + (shared ? RUN / 2 : RUN);
        t.ran(start, end);
        return end;
    }

    @Test
    void anIdleStretchStartsATrialOverAndItsRunsCountOnceSettled() {
        PlanTuner t = new PlanTuner(4);
        long now = 1_000_000_000L;
        for (int i = 0; i < PlanTuner.FIRST_TRIAL; i++) {
            now = ranAt(t, now, 0);
        }
        assertEquals(PlanTuner.Phase.LAYERS_INLINE, t.phase());
        for (int i = 0; i < PlanTuner.SAMPLES - 1; i++) {
            now = ranAt(t, now, 0);
        }
        long idle = 50 * PlanTuner.IDLE_NANOS;
        long settled = now + idle + PlanTuner.SETTLE_NANOS;
        now = ranAt(t, now, idle); // would have ended the first step: starts the trial over instead
        assertEquals(PlanTuner.Phase.LAYERS_INLINE, t.phase());
        int settling = 0;
        for (; now + RUN < settled; settling++) {
            now = ranAt(t, now, 0);
        }
        assertTrue(settling >= PlanTuner.SAMPLES, settling + " runs while settling");
        assertEquals(PlanTuner.Phase.LAYERS_INLINE, t.phase(), "runs while settling count for nothing");
        for (int i = 0; i < PlanTuner.SAMPLES; i++) {
            assertEquals(PlanTuner.Phase.LAYERS_INLINE, t.phase(), "settled run " + i);
            now = ranAt(t, now, 0);
        }
        assertEquals(PlanTuner.Phase.LAYERS_SHARED, t.phase());
        for (int i = 0; i < 3 * PlanTuner.SAMPLES; i++) {
            now = ranAt(t, now, 0);
        }
        assertEquals(PlanTuner.Phase.WAIT, t.phase());
        assertTrue(t.shares(1), "back-to-back runs twice as fast shared");
    }

    @Test
    void aModelAlwaysRunWithPausesIsTriedAsItRuns() {
        PlanTuner t = new PlanTuner(4);
        long now = 1_000_000_000L, pause = 5 * PlanTuner.IDLE_NANOS;
        boolean tried = false;
        for (int run = 0; run < 1000 && !(tried && t.phase() == PlanTuner.Phase.WAIT); run++) {
            tried |= t.phase() != PlanTuner.Phase.WAIT;
            now = ranAt(t, now, pause);
        }
        assertTrue(tried && t.phase() == PlanTuner.Phase.WAIT, "the trial ended, after " + PlanTuner.MAX_RESTARTS
                + " restarts, in " + t.phase());
        assertTrue(t.shares(1));
    }

    /** out = 3x + 1 over 64 items of about 10 us each: 128 K "flops", under the threshold, long. */
    static final class Slow implements LayerProvider {
        @Override
        public String type() {
            return "slow";
        }

        @Override
        public Set<String> parameters() {
            return Set.of();
        }

        @Override
        public Layer create(LayerSpec spec, Shape in, BuildContext context) {
            return FakeLayer.sameShape(spec, "slow", in, (x, y, ctx) -> {
                float[] xd = x.data(), yd = y.data();
                int per = x.size() / 64;
                ctx.parallelFor(64, 2000, (from, to) -> {
                    for (int i = from * per; i < to * per; i++) {
                        float v = xd[x.offset() + i];
                        for (int k = 0; k < 200; k++) { // busy work with a fixed result
                            v = v * 0.5f + v * 0.5f;
                        }
                        yd[y.offset() + i] = 3 * v + 1;
                    }
                });
            });
        }
    }

    @Test
    void whateverThePolicyPicksTheResultsAreTheSame() {
        engine.register(new Slow());
        try (Model m = engine.build(engine.parse("input(16, 16, 8, seed=1) | slow | slow"))) {
            Tensor x = Tensor.zeros(1, 16, 16, 8);
            for (int i = 0; i < x.size(); i++) {
                x.data()[i] = (i % 17) / 7f;
            }
            float[] one = m.predict(x, RunOptions.DEFAULT.withThreads(1)).toArray();
            // through the first trial and past it
            for (int run = 0; run < PlanTuner.FIRST_TRIAL + 4 * PlanTuner.SAMPLES + 8; run++) {
                assertArrayEquals(one, m.predict(x, RunOptions.DEFAULT.withThreads(2)).toArray(), "run " + run);
            }
        }
    }
}
