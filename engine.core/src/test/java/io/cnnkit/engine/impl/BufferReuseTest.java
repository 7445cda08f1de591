package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Fakes;
import io.cnnkit.engine.fakes.FakeLayer;

/**
 * predict reuses intermediate output buffers across runs: layers still get zeroed outputs,
 * results never change, the caller's output and trace stages are never reused, and
 * concurrent runs do not share buffers.
 */
class BufferReuseTest {
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    /** y += 2x + 1 element by element: right only when the output starts zeroed. */
    static final class Accumulate implements LayerProvider {
        @Override
        public String type() {
            return "accumulate";
        }

        @Override
        public Set<String> parameters() {
            return Set.of();
        }

        @Override
        public Layer create(LayerSpec spec, Shape in, BuildContext context) {
            return FakeLayer.sameShape(spec, "accumulate", in, (x, y, ctx) -> {
                float[] xd = x.data(), yd = y.data();
                int xo = x.offset(), yo = y.offset();
                ctx.parallelFor(x.size(), 1 << 12, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        yd[yo + i] += 2 * xd[xo + i] + 1;
                    }
                });
            });
        }
    }

    private Model model() {
        engine.register(new Accumulate());
        // 3 * 40 * 50 * 4 = 24000 values per sample: zeroing and the layers run in parallel chunks
        return engine.build(engine.parse("input(40, 50, 4, seed=1) | accumulate | accumulate | accumulate"));
    }

    private static Tensor expected(Tensor x) {
        Tensor y = x.copy();
        for (int layer = 0; layer < 3; layer++) {
            for (int i = 0; i < y.size(); i++) {
                y.data()[i] = 2 * y.data()[i] + 1;
            }
        }
        return y;
    }

    @Test
    void repeatedRunsGetZeroedBuffersAndTheSameResult() {
        try (Model m = model()) {
            for (int run = 0; run < 4; run++) {
                Tensor x = BuildTest.random(run, 1 + run % 2, 40, 50, 4);
                Tensor first = m.predict(x, RunOptions.DEFAULT.withThreads(1 + run % 2));
                assertTrue(expected(x).contentEquals(first), "run " + run);
                Tensor second = m.predict(x);
                assertTrue(first.contentEquals(second), "run " + run + " again");
                assertNotSame(first.data(), second.data(), "the caller's output is never reused");
            }
        }
    }

    @Test
    void traceStagesAreNotOverwrittenByLaterRuns() {
        try (Model m = model()) {
            Tensor x = BuildTest.random(7, 1, 40, 50, 4);
            m.predict(x);
            List<Stage> stages = m.trace(x);
            List<Tensor> copies = stages.stream().map(st -> st.output().copy()).toList();
            m.predict(BuildTest.random(8, 1, 40, 50, 4));
            m.predict(BuildTest.random(9, 1, 40, 50, 4));
            for (int i = 0; i < stages.size(); i++) {
                assertTrue(copies.get(i).contentEquals(stages.get(i).output()), "stage " + i);
            }
        }
    }

    @Test
    void concurrentRunsDoNotShareBuffers() throws Exception {
        try (Model m = model()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int task = 0; task < 4; task++) {
                    int seed = task;
                    results.add(pool.submit(() -> {
                        boolean ok = true;
                        for (int run = 0; run < 25; run++) {
                            Tensor x = BuildTest.random(seed * 100 + run, 1, 40, 50, 4);
                            ok &= expected(x).contentEquals(m.predict(x));
                        }
                        return ok;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertEquals(Boolean.TRUE, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
