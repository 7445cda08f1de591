package io.cnnkit.layers.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.kernels.vector.VectorKernels;
import io.cnnkit.testkit.Approx;

/** The vector dense GEMM against the naive dense kernel (within 1e-5) and against itself. */
class VectorDenseTest {
    private static final VectorKernels BACKEND = new VectorKernels();

    /** Runs parallelFor chunks of random size in random order on the caller's thread. */
    static ExecutionContext shuffled(long seed) {
        Random random = new Random(seed);
        return new ExecutionContext() {
            @Override
            public int parallelism() {
                return 3;
            }

            @Override
            public void parallelFor(int count, long costPerItem, RangeBody body) {
                java.util.List<int[]> chunks = new java.util.ArrayList<>();
                for (int from = 0; from < count;) {
                    int to = Math.min(count, from + 1 + random.nextInt(3));
                    chunks.add(new int[] {from, to});
                    from = to;
                }
                java.util.Collections.shuffle(chunks, random);
                for (int[] c : chunks) {
                    body.run(c[0], c[1]);
                }
            }
        };
    }

    /** The dense driver of layers.dense on the vector GEMM micro-kernel. */
    static void multiply(float[] x, int xOff, int rows, int in, float[] kernel, int kOff, float[] bias, int bOff,
            int units, float[] y, int yOff, ExecutionContext context) {
        BlockedDenseGemm.multiply(x, xOff, rows, in, kernel, kOff, bias, bOff, units, y, yOff, context, BACKEND.gemm());
    }

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = r.nextFloat() * 2 - 1;
        }
        return t;
    }

    @Test
    void vectorGemmMatchesNaiveAndIsDeterministic() {
        Random r = new Random(31);
        for (int trial = 0; trial < 40; trial++) {
            // rows past one 64-row block, inputs past one 128-input slice, units past one 64-unit block
            int rows = 1 + r.nextInt(trial % 4 == 0 ? 140 : 9);
            int in = 1 + r.nextInt(trial % 3 == 0 ? 400 : 40);
            int units = 1 + r.nextInt(trial % 2 == 0 ? 150 : 20);
            Tensor x = random(r, rows, in), k = random(r, in, units);
            Tensor b = trial % 3 == 1 ? null : random(r, units);
            float[] bd = b == null ? null : b.data();
            float[] expected = new float[rows * units];
            DenseKernels.naive(x.data(), 0, rows, in, k.data(), 0, bd, 0, units, expected, 0);
            float[] fast = new float[rows * units];
            Arrays.fill(fast, Float.NaN);
            VectorDenseTest.multiply(x.data(), 0, rows, in, k.data(), 0, bd, 0, units, fast, 0, shuffled(trial));
            String what = "trial " + trial + " rows " + rows + " in " + in + " units " + units;
            Approx.assertNormClose(what, Tensor.wrap(expected, rows, units), Tensor.wrap(fast, rows, units), 1e-5);
            float[] again = new float[rows * units];
            VectorDenseTest.multiply(x.data(), 0, rows, in, k.data(), 0, bd, 0, units, again, 0,
                    shuffled(trial + 100));
            assertTrue(Arrays.equals(fast, again), "another chunking changed bits: " + what);
        }
    }

    /** A single image through a dense head with few units (the walkthrough's dens_1): K in one slice. */
    @Test
    void matrixVectorProductTakesKWhole() {
        Random r = new Random(33);
        for (int rows : new int[] {1, 3, 4, 5}) {
            int in = 1000, units = 8;
            Tensor x = random(r, rows, in), k = random(r, in, units), b = random(r, units);
            float[] expected = new float[rows * units];
            DenseKernels.naive(x.data(), 0, rows, in, k.data(), 0, b.data(), 0, units, expected, 0);
            float[] fast = new float[rows * units];
            Arrays.fill(fast, Float.NaN);
            VectorDenseTest.multiply(x.data(), 0, rows, in, k.data(), 0, b.data(), 0, units, fast, 0, shuffled(rows));
            Approx.assertNormClose("rows " + rows, Tensor.wrap(expected, rows, units), Tensor.wrap(fast, rows, units), 1e-5);
            float[] again = new float[rows * units];
            VectorDenseTest.multiply(x.data(), 0, rows, in, k.data(), 0, b.data(), 0, units, again, 0,
                    shuffled(rows + 10));
            assertTrue(Arrays.equals(fast, again), "rows " + rows);
        }
    }

    @Test
    void noInputsGiveTheBias() {
        float[] y = {7f, 7f, 7f, 7f, 7f, 7f};
        VectorDenseTest.multiply(new float[0], 0, 2, 0, new float[0], 0, new float[] {9f, 1f, 2f, 3f}, 1, 3, y, 0,
                shuffled(3));
        assertTrue(Arrays.equals(new float[] {1f, 2f, 3f, 1f, 2f, 3f}, y), Arrays.toString(y));
        VectorDenseTest.multiply(new float[0], 0, 2, 0, new float[0], 0, null, 0, 3, y, 0, shuffled(4));
        assertTrue(Arrays.equals(new float[6], y), Arrays.toString(y));
    }

    @Test
    void engineRunsWithTheVectorDenseProviderAreThreadCountInvariant() {
        Random r = new Random(32);
        try (StandaloneEngine e = Engines.standalone()) {
            e.register(new DenseProvider((io.cnnkit.engine.kernel.KernelBackend) null));
            LayerProvider vector = new DenseProvider(BACKEND);
            assertEquals("dense", vector.type());
            e.register(vector, VectorKernels.RANKING);
            Model m = e.build(e.parse("{\"name\":\"d\",\"input_shape\":[300],\"seed\":1,\"layers\":[{\"type\":"
                    + "\"dense\",\"name\":\"fc\",\"units\":130}]}"));
            Tensor kernel = random(r, 300, 130), bias = random(r, 130);
            m.setWeights("fc", Map.of("kernel", kernel, "bias", bias));
            Tensor x = random(r, 70, 300);
            Tensor y1 = m.predict(x, RunOptions.DEFAULT.withThreads(1));
            assertTrue(y1.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(2))), "1 vs 2 threads");
            assertTrue(y1.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(7))), "1 vs 7 threads");
            float[] expected = new float[70 * 130];
            DenseKernels.naive(x.data(), 0, 70, 300, kernel.data(), 0, bias.data(), 0, 130, expected, 0);
            Approx.assertNormClose("engine vs naive", Tensor.wrap(expected, 70, 130), y1, 1e-5);
            float[] direct = new float[70 * 130];
            VectorDenseTest.multiply(x.data(), 0, 70, 300, kernel.data(), 0, bias.data(), 0, 130, direct, 0,
                    shuffled(1));
            assertTrue(Arrays.equals(direct, y1.toArray()), "the model runs on the higher-ranked vector provider");
        }
    }
}
