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
 * already, are left as they are; a long layer under the threshold is timed inline and shared
 * and keeps the faster; whatever it picks, results are the same bits.
 */
class PlanTunerTest {
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static final long FAST = PlanTuner.TRY_NANOS / 2, SLOW = PlanTuner.TRY_NANOS * 10;

    @Test
    void shortLayersAndLayersSharedAlreadyStayAsTheyAre() {
        PlanTuner t = new PlanTuner(3, 2);
        t.record(1, FAST, 0);
        t.record(2, SLOW, 3);
        assertTrue(t.settled(1) && t.settled(2));
        assertFalse(t.shares(1) || t.shares(2));
        assertEquals(Scheduler.INLINE_WORK, t.minWork(1));
        assertEquals(Scheduler.INLINE_WORK, t.minWork(2));
    }

    @Test
    void aLongLayerIsTimedBothWaysAndKeepsTheFaster() {
        for (boolean sharedFaster : new boolean[] {true, false}) {
            PlanTuner t = new PlanTuner(2, 2);
            t.record(1, SLOW, 0);
            for (int i = 0; i < PlanTuner.SAMPLES; i++) {
                assertEquals(Scheduler.INLINE_WORK, t.minWork(1), "inline trial, run " + i);
                t.record(1, SLOW, 0);
            }
            for (int i = 0; i < PlanTuner.SAMPLES; i++) {
                assertFalse(t.settled(1));
                assertEquals(PlanTuner.LOW_WORK, t.minWork(1), "shared trial, run " + i);
                t.record(1, sharedFaster ? SLOW / 2 : SLOW * 95 / 100, 1);
            }
            assertTrue(t.settled(1));
            // shared only when at least GAIN faster: 5% is noise
            assertEquals(sharedFaster, t.shares(1));
            assertEquals(sharedFaster ? PlanTuner.LOW_WORK : Scheduler.INLINE_WORK, t.minWork(1));
        }
    }

    @Test
    void aLayerWithNothingToShareSettlesInline() {
        PlanTuner t = new PlanTuner(2, 2);
        t.record(1, SLOW, 0);
        for (int i = 0; i < PlanTuner.SAMPLES; i++) {
            t.record(1, SLOW, 0);
        }
        t.record(1, SLOW, 0); // shared trial, but its loop had a single item
        assertTrue(t.settled(1));
        assertFalse(t.shares(1));
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
            // through both trials and past them
            for (int run = 0; run < 2 * PlanTuner.SAMPLES + 8; run++) {
                assertArrayEquals(one, m.predict(x, RunOptions.DEFAULT.withThreads(2)).toArray(), "run " + run);
            }
        }
    }
}
