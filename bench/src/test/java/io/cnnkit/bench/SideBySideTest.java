package io.cnnkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.launcher.bench.Bench;
import io.cnnkit.launcher.bench.Workload;

/** ONNX Runtime (native code from its jar) against cnnkit on tiny models made by cnf/bench/make_onnx.py. */
class SideBySideTest {
    @Test
    void tinyDenseModelAgreesWithOnnxRuntime() throws Exception {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(tiny("tiny_dense")))) {
            SideBySide.Row r = SideBySide.compare(m, "tiny_dense", SideBySide.resource("onnx/tiny_dense.onnx"), 4, 1, 2,
                    0, 11, OrtModel.Weights.INPUTS);
            assertTrue(r.agreement().ok(Agreement.TOLERANCE), r.agreement().toString());
            assertTrue(r.agreement().nonZero() > 0);
            assertEquals(4 * (2L * 32 * 6 + 2L * 6 * 3), r.flops());
            String line = SideBySide.format(r, Agreement.TOLERANCE);
            assertTrue(line.startsWith("tiny_dense ") || line.startsWith("tiny"), line);
            assertTrue(line.contains(" ok "), line);
        }
    }

    @Test
    void tinyConvModelAgreesWithOnnxRuntimeAtOneAndTwoThreads() throws Exception {
        try (StandaloneEngine e = TestEngines.engine()) {
            try (Model m = e.build(e.parse(tiny("tiny_conv")))) {
                byte[] onnx = SideBySide.resource("onnx/tiny_conv.onnx");
                for (int threads : new int[] {1, 2}) {
                    // same padding with an even kernel (asymmetric, TensorFlow style), pooling, valid conv, dense
                    SideBySide.Row r = SideBySide.compare(m, "tiny_conv", onnx, 3, threads, 1, 0, 5,
                            OrtModel.Weights.INPUTS);
                    assertTrue(r.agreement().ok(Agreement.TOLERANCE), r.agreement().toString());
                }
                // the same weights embedded as ONNX initializers give the same output
                SideBySide.Row r = SideBySide.compare(m, "tiny_conv", onnx, 3, 1, 1, 0, 5, OrtModel.Weights.CONSTANTS);
                assertTrue(r.agreement().ok(Agreement.TOLERANCE), r.agreement().toString());
            }
        }
    }

    /** The batch of {@link #timedRunsAreTakenInRoundsAcrossThreadCounts}. */
    private static final int BATCH = 2048;

    /** Rounds: every (engine, thread count) pair gets its share of timed runs in every round. */
    @Test
    void timedRunsAreTakenInRoundsAcrossThreadCounts() throws Exception {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(tiny("tiny_conv")))) {
            // a batch whose pooled buffers (about 1.5 MB, in groups of samples) stand well above the
            // heap's accounting noise (at batch 2 they were 2 KB, and the live check below flaky)
            SideBySide.Comparison c = SideBySide.compare(m, "tiny_conv", SideBySide.resource("onnx/tiny_conv.onnx"),
                    BATCH, new int[] {1, 2}, 5, 3, 0, 5, OrtModel.Weights.INPUTS);
            assertEquals(2, c.rows().size());
            for (int i = 0; i < 2; i++) {
                SideBySide.Row r = c.rows().get(i);
                assertEquals(i + 1, r.threads());
                assertTrue(r.agreement().ok(Agreement.TOLERANCE), r.agreement().toString());
                // ceil(5 / 3) = 2 runs per round, 3 rounds
                assertEquals(6, r.cnnkit().timesMs().length);
                assertEquals(6, r.ort().timesMs().length);
                assertEquals(3, c.roundMediansCnnkit()[i].length);
                assertEquals(3, c.roundMediansOrt()[i].length);
                for (int round = 0; round < 3; round++) {
                    double[] mine = java.util.Arrays.copyOfRange(r.cnnkit().timesMs(), 2 * round, 2 * round + 2);
                    assertEquals(io.cnnkit.launcher.bench.Stats.median(mine), c.roundMediansCnnkit()[i][round], 1e-12);
                }
            }
            String line = SideBySide.scaling(c);
            assertTrue(line.matches("tiny_conv scaling 1->2 threads: ort x[0-9.]+ \\(rounds [0-9.]+-[0-9.]+\\),"
                    + " cnnkit x[0-9.]+ \\(rounds [0-9.]+-[0-9.]+\\);"), line);
            // the headline: ONNX Runtime's better thread count against cnnkit at its default (here 2)
            double best = Math.min(c.rows().get(0).ort().medianMs(), c.rows().get(1).ort().medianMs());
            assertEquals(best / c.at(2).cnnkit().medianMs(), c.ratioToOrtBest(2), 1e-12);
            Case tc = new Case("tiny_conv", BATCH, "tiny", "onnx/tiny_conv.onnx", x -> m);
            SideBySide.Result res = new SideBySide.Result(tc, c, 2);
            String vs = SideBySide.versusBest(res);
            assertTrue(vs.matches("tiny_conv vs ORT's best: ort [0-9.]+ ms at [12] thr, cnnkit [0-9.]+ ms at 2 thr"
                    + " \\(default\\), ratio [0-9.]+"), vs);
            String table = SideBySide.summary(java.util.List.of(res), OrtModel.Weights.CONSTANTS);
            assertTrue(table.startsWith("summary (ONNX Runtime: weights as initializers"), table);
            assertTrue(table.contains("\n| tiny_conv | " + BATCH + " | "), table);
            // the run peak comes from the library run made before anything else ran the model,
            // and survives the later rounds
            assertTrue(c.at(2).cnnkit().runPeakBytes() >= c.at(2).cnnkit().memory().weightsBytes(), table);
            // its pooled buffers were made in that run, so what the runs keep counts them: more than the weights
            assertTrue(c.at(2).cnnkit().liveBytes() > c.at(2).cnnkit().memory().weightsBytes(), table);
            assertTrue(table.contains(String.format(java.util.Locale.ROOT, " | %.1f | ", c.at(2).cnnkit().runPeakMb())),
                    table);
            assertTrue(SideBySide.summary(java.util.List.of(res), OrtModel.Weights.INPUTS)
                    .contains("weights as graph inputs fed every run (--ort-weights inputs: NOT how a deployed model runs)"));
        }
    }

    /** The ONNX graphs of W1..W4 take exactly the weights of their descriptions (no runs). */
    @Test
    void workloadGraphsMatchTheirDescriptions() throws Exception {
        try (StandaloneEngine e = TestEngines.engine()) {
            for (Workload w : Workload.ALL) {
                try (Model m = e.build(e.parse(w.description())); OrtModel ort = new OrtModel(SideBySide.onnx(w), m, 1)) {
                    assertFalse(m.weights().isEmpty(), w.name());
                }
            }
        }
    }

    @Test
    void aGraphOfAnotherModelIsRefused() throws Exception {
        try (StandaloneEngine e = TestEngines.engine();
                Model m = e.build(e.parse(tiny("tiny_dense").replace("\"units\": 6", "\"units\": 7")))) {
            var ex = assertThrows(IllegalArgumentException.class,
                    () -> new OrtModel(SideBySide.resource("onnx/tiny_dense.onnx"), m, 1));
            assertTrue(ex.getMessage().contains("dense_1/kernel") && ex.getMessage().contains("shape"), ex.getMessage());
        }
    }

    @Test
    void aWrongWeightIsCaught() throws Exception {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(tiny("tiny_dense")));
                OrtModel ort = new OrtModel(SideBySide.resource("onnx/tiny_dense.onnx"), m, 1)) {
            Tensor input = Bench.randomInput(m.inputShape(), 2, 3);
            Tensor bias = m.weights().get("dense_2").get("bias");
            bias.data()[0] += 1f;
            m.setWeights("dense_2", Map.of("bias", bias));
            Agreement a = Agreement.of(ort.predict(input), m.predict(input, RunOptions.DEFAULT.withThreads(1)));
            assertFalse(a.ok(Agreement.TOLERANCE), a.toString());
        }
    }

    @Test
    void weightsEmbeddedAsConstantsLeaveOnlyTheImageInput() throws Exception {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(tiny("tiny_dense")));
                OrtModel inputs = new OrtModel(SideBySide.resource("onnx/tiny_dense.onnx"), m, 1, OrtModel.Weights.INPUTS);
                OrtModel constants = new OrtModel(SideBySide.resource("onnx/tiny_dense.onnx"), m, 1,
                        OrtModel.Weights.CONSTANTS)) {
            Tensor input = Bench.randomInput(m.inputShape(), 2, 9);
            Tensor a = inputs.predict(input);
            Tensor b = constants.predict(input);
            assertTrue(a.contentEquals(b) || Agreement.of(a, b).maxRelDiff() < 1e-6, Agreement.of(a, b).toString());
            assertTrue(Agreement.of(a, m.predict(input, RunOptions.DEFAULT.withThreads(1))).ok(Agreement.TOLERANCE));
        }
    }

    @Test
    void embeddingAWeightTheGraphDoesNotTakeIsAnError() {
        var ex = assertThrows(IllegalArgumentException.class, () -> OnnxConstants.embed(
                SideBySide.resource("onnx/tiny_dense.onnx"), Map.of("dense_9/kernel", Tensor.zeros(2, 2))));
        assertTrue(ex.getMessage().contains("dense_9/kernel"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnnxConstants.embed(new byte[] {8, 8}, Map.of()));
    }

    @Test
    void convKernelsAreTransposedToOnnxLayout() {
        int kh = 2;
        int kw = 3;
        int cin = 4;
        int cout = 5;
        Tensor k = Tensor.zeros(kh, kw, cin, cout);
        for (int i = 0; i < k.size(); i++) {
            k.data()[i] = i;
        }
        Tensor o = OrtModel.toOnnxLayout(k);
        assertTrue(o.hasShape(cout, cin, kh, kw), o.shapeString());
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < cin; i++) {
                    for (int c = 0; c < cout; c++) {
                        assertEquals(k.get(y, x, i, c), o.get(c, i, y, x));
                    }
                }
            }
        }
        Tensor dense = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertTrue(OrtModel.toOnnxLayout(dense).contentEquals(dense));
    }

    @Test
    void depthwiseKernelsBecomeGroupedConvKernels() {
        // (kh, kw, in, multiplier) = (3, 2, 4, 2) -> (in * multiplier, 1, kh, kw)
        Tensor k = Tensor.zeros(3, 2, 4, 2);
        for (int i = 0; i < k.size(); i++) {
            k.data()[i] = i;
        }
        Tensor o = OrtModel.toOnnxLayout("depthwise_conv2d", "depthwise_kernel", k);
        assertTrue(o.hasShape(8, 1, 3, 2), o.shapeString());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 2; x++) {
                for (int c = 0; c < 4; c++) {
                    for (int j = 0; j < 2; j++) {
                        assertEquals(k.get(y, x, c, j), o.get(c * 2 + j, 0, y, x));
                    }
                }
            }
        }
        assertTrue(OrtModel.toOnnxLayout("conv2d", "kernel", k).contentEquals(OrtModel.toOnnxLayout(k)));
        assertThrows(IllegalArgumentException.class, () -> OrtModel.toOnnxLayout("conv2d_transpose", "kernel", k));
    }

    /**
     * R1..R4's graphs (make_onnx_keras.py, in the shape tf2onnx exports: transpose at the input,
     * Conv with pads, grouped Conv, BatchNormalization, Relu, Add, AveragePool, Reshape, MatMul,
     * Softmax) with the trained weights cnnkit loaded from the same .h5, as initializers: ONNX
     * Runtime and cnnkit agree at 1 and 2 threads and at the cases' batches.
     */
    @Test
    void realNetworksAgreeWithOnnxRuntime() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("..", "..", "shared", "keras-real");
        String prop = System.getProperty("cnnkit.kerasReal");
        if (prop != null && !prop.isBlank()) {
            dir = java.nio.file.Path.of(prop);
        }
        io.cnnkit.testkit.RealFiles.assumePresent(java.nio.file.Files.isDirectory(dir), dir + " missing");
        try (StandaloneEngine e = TestEngines.engine()) {
            for (String name : new String[] {"R1", "R2", "R3", "R4"}) {
                Case c = Case.named(name, dir);
                try (Model m = c.build().apply(e)) {
                    assertEquals(name, m.name());
                    // fewer samples than the case's batch keep the test quick; the batch dimension is open in the graph
                    int batch = Math.min(c.batch(), 4);
                    SideBySide.Comparison cmp = SideBySide.compare(m, name, SideBySide.resource(c.onnx()), batch,
                            new int[] {1, 2}, 1, 1, 0, 3, OrtModel.Weights.CONSTANTS);
                    for (SideBySide.Row r : cmp.rows()) {
                        assertTrue(r.agreement().ok(Agreement.TOLERANCE), name + ": " + r.agreement());
                        assertTrue(r.cnnkit().memory().weightsBytes() > 0, name);
                    }
                    assertTrue(cmp.ratioToOrtBest(2) > 0);
                }
            }
        }
    }

    @Test
    void unknownWorkloadsAndAMissingFolderAreNamed() {
        var ex = assertThrows(IllegalArgumentException.class, () -> Case.named("R9", java.nio.file.Path.of(".")));
        assertTrue(ex.getMessage().contains("R9") && ex.getMessage().contains("R4"), ex.getMessage());
        Case r1 = Case.named("r1", java.nio.file.Path.of("no-such-dir"));
        try (StandaloneEngine e = TestEngines.engine()) {
            ex = assertThrows(IllegalArgumentException.class, () -> r1.build().apply(e));
            assertTrue(ex.getMessage().contains("k2-vww96-mobilenet.h5") && ex.getMessage().contains("--keras-real"),
                    ex.getMessage());
        }
    }

    @Test
    void agreementIsRelativeToTheLargestOutputAndRejectsAllZero() {
        Tensor r = Tensor.wrap(new float[] {10f, -2f, 0f}, 3);
        Agreement a = Agreement.of(r, Tensor.wrap(new float[] {10f, -2.005f, 0.001f}, 3));
        assertEquals(0.005 / 10, a.maxRelDiff(), 1e-6);
        assertTrue(a.ok(1e-3));
        assertFalse(Agreement.of(r, Tensor.wrap(new float[] {10f, -2.5f, 0f}, 3)).ok(1e-3));
        Tensor zeros = Tensor.zeros(3);
        assertFalse(Agreement.of(zeros, zeros.copy()).ok(1e-3), "an all-zero reference proves nothing");
        assertThrows(IllegalArgumentException.class, () -> Agreement.of(r, Tensor.zeros(4)));
    }

    /** A tiny workload of the test resources (workloads/NAME.json, with onnx/NAME.onnx beside it). */
    static String tiny(String name) {
        return new String(SideBySide.resource("workloads/" + name + ".json"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
