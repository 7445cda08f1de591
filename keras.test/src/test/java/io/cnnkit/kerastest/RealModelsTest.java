package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.Golden;

/**
 * The real Keras files whose graph is a chain of layers cnnkit has: built from their own
 * architecture (model_config, or the .json beside a weights-only file), weights loaded by layer
 * name, run on the deterministic input and compared with the independent PyTorch forward pass of
 * cnf/golden/keras_real.py (expected output, and shape/sum/|sum|/min/max/sampled values of every
 * stage). Tolerance: relative 1e-5 plus 1e-6 absolute (Approx; stage summaries as
 * {@link KerasReal#compareStats}), as the engine runs in float32 against a float64 reference; the
 * largest differences are printed.
 */
class RealModelsTest {
    static final double RTOL = 1e-5;
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void mobilenetVww96() {
        Path h5 = KerasReal.file("k2-vww96-mobilenet.h5");
        Model m = buildAndCompare("k2-vww96-mobilenet", h5, List.of());
        // 14 Conv2D, 13 DepthwiseConv2D, 27 BatchNormalization, 1 Dense.
        assertEquals(55, m.layers().stream().filter(l -> !l.weightShapes().isEmpty()).count());
        assertEquals("depthwise_conv2d", m.layers().stream().filter(l -> l.name().equals("depthwise_conv2d"))
                .findFirst().orElseThrow().type());
        // Each output element has one fixed summation order: bit-identical for 1, 2 and 3 threads.
        Tensor x = KerasReal.input(96, 96, 3);
        Tensor one = m.predict(x, RunOptions.DEFAULT.withThreads(1));
        for (int threads : new int[] {2, 3}) {
            assertTrue(one.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(threads))), threads + " threads");
        }
    }

    @Test
    void jetTaggerConv2dBn() {
        // A weights-only file: the architecture is the .json beside it in hls4ml.
        Path h5 = KerasReal.file("k2-jettagger-conv2d-bn.h5");
        buildAndCompare("k2-jettagger-conv2d-bn", h5, List.of());
    }

    @Test
    void conv2dSigmoidWithPythonFunctionInitializer() {
        // kernel_initializer {"class_name": "function", "config": "random_kernel"}: only the function's
        // name was saved. The model builds; its kernel is NaN until the file's weights replace it.
        Path h5 = KerasReal.file("k2-conv2d-sigmoid.h5");
        Model unloaded = engine.build(engine.parse(KerasReal.architecture("k2-conv2d-sigmoid", h5)));
        Tensor kernel = unloaded.weights().get("conv2d").get("kernel");
        for (float v : kernel.toArray()) {
            assertTrue(Float.isNaN(v), "an unreproducible initializer must not make up numbers: " + kernel);
        }
        assertEquals(0f, unloaded.weights().get("conv2d").get("bias").get(0), "bias_initializer Zeros is known");
        ModelException noWeights = assertThrows(ModelException.class, () -> unloaded.predict(KerasReal.input(5, 5, 1)));
        assertTrue(noWeights.getMessage().contains("'conv2d/kernel'"), noWeights.getMessage());
        unloaded.close();
        buildAndCompare("k2-conv2d-sigmoid", h5, List.of());
    }

    @Test
    void mtcnnPnetOneHead() {
        // Two heads on one trunk (GraphModelsTest runs both). A user may also drop the conv4-2 head by
        // hand: the rest is a chain, and by-name loading then ignores the file's conv4-2 weights.
        Path h5 = KerasReal.file("k2-mtcnn-12net.h5");
        Model m = buildAndCompare("k2-mtcnn-12net", h5, List.of("conv4-2"));
        // Fully convolutional: any input size runs; 12x12 gives one face score.
        Tensor out = m.predict(KerasReal.input(12, 12, 3));
        assertArrayEquals(new int[] {1, 1, 1, 2}, out.shape());
        assertEquals(1.0, out.get(0, 0, 0, 0) + out.get(0, 0, 0, 1), 1e-6, "softmax over the two classes");
    }

    @Test
    void theanoOrderedKeras1RunsConverted() {
        // Keras 1, dim_ordering "th": input (1, 28, 28) read as (28, 28, 1), kernels (out, in, kh, kw)
        // transposed and flipped at load, a permute before flatten_1 keeps Keras's (C, H, W) order.
        Path h5 = KerasReal.file("k1-th-mnist-cnn.h5");
        Model m = buildAndCompare("k1-th-mnist-cnn", h5, List.of());
        assertEquals(io.cnnkit.engine.api.Shape.of(28, 28, 1), m.inputShape());
        assertArrayEquals(new int[] {3, 3, 1, 4}, m.layers().get(0).weightShapes().get("kernel"));
        String summary = m.summary().format();
        assertTrue(summary.contains("Note: converted from channels_first (layer 1 'convolution2d_1' uses dim_ordering "
                + "\"th\" (Theano)) to channels_last"), summary);
        assertTrue(summary.contains("Theano kernels (out, in, kh, kw) are transposed and flipped"), summary);
        LoadReport r = KerasWeights.load(m, h5, LoadOptions.BY_NAME);
        assertTrue(r.format().contains("Theano kernel (out, in, kh, kw) transposed to (kh, kw, in, out) and flipped"),
                r.format());
    }

    @Test
    void kerasOneConvolutionReshapeConvolution() {
        // Keras 1.2.2 (Convolution2D, nb_row 3 x nb_col 2, weights convolution2d_1_W:0; Reshape target_shape).
        Path h5 = KerasReal.file("k1-tf-conv2d-reshape.h5");
        Model m = buildAndCompare("k1-tf-conv2d-reshape", h5, List.of());
        assertArrayEquals(new int[] {3, 2, 5, 6}, m.layers().get(0).weightShapes().get("kernel"));
    }

    @Test
    void convTanhDropoutPaddingUpSamplingCroppingAveragePooling() {
        Path h5 = KerasReal.file("k2-conv-avgpool-gap.h5");
        buildAndCompare("k2-conv-avgpool-gap", h5, List.of());
    }

    @Test
    void convTransposeCroppingGlobalMaxPooling() {
        Path h5 = KerasReal.file("k2-convtranspose-crop-gmp.h5");
        Model m = buildAndCompare("k2-convtranspose-crop-gmp", h5, List.of());
        assertArrayEquals(new int[] {3, 3, 4, 3}, m.layers().get(0).weightShapes().get("kernel"),
                "Conv2DTranspose kernel (kh, kw, out, in)");
    }

    /**
     * Builds the model from the file's architecture (minus {@code drop}), loads by name, checks
     * the load report, the parameter count against Keras's (sum of the file's weight sizes) and
     * compares every stage with the golden fixture.
     */
    static Model buildAndCompare(String name, Path h5, List<String> drop) {
        String file = h5.getFileName().toString();
        JsonNode golden = KerasReal.golden(file);
        List<String> goldenDrop = new ArrayList<>();
        golden.get("dropped_layers").forEach(n -> goldenDrop.add(n.asText()));
        assertEquals(goldenDrop, drop, name + ": the layers the fixture left out");
        String arch = KerasReal.architecture(name, h5);
        if (!drop.isEmpty()) {
            String last = golden.get("stages").get(golden.get("stages").size() - 1).get("name").asText();
            arch = KerasReal.withoutLayers(arch, drop, last);
        }
        Model m = engine.build(engine.parse(arch));
        LoadReport report = KerasWeights.load(m, h5, LoadOptions.BY_NAME);
        for (LayerInfo li : m.layers()) {
            LoadReport.Entry e = report.entries().stream().filter(x -> x.layer().equals(li.name())).findFirst()
                    .orElseThrow(() -> new AssertionError("no report entry for " + li.name() + "\n" + report.format()));
            LoadReport.Status want = li.weightShapes().isEmpty() ? LoadReport.Status.NO_WEIGHTS
                    : LoadReport.Status.LOADED;
            assertEquals(want, e.status(), name + " layer " + li.name() + "\n" + report.format());
        }
        assertEquals(golden.get("keras_params").asLong(), m.summary().totalParams(),
                name + ": parameter count as Keras's (sum of the file's weight sizes)\n" + m.summary().format());
        assertEquals(golden.get("keras_non_trainable").asLong(), m.summary().nonTrainableParams(),
                name + ": non-trainable params (BatchNormalization moving statistics)\n" + m.summary().format());

        JsonNode shape = golden.get("input_shape");
        Tensor x = KerasReal.input(shape.get(0).asInt(), shape.get(1).asInt(), shape.get(2).asInt());
        List<Stage> stages = m.trace(x).stream()
                .filter(st -> !st.name().endsWith("_channels_first_order")) // a channels_first conversion's own node
                .toList();
        JsonNode want = golden.get("stages");
        assertEquals(want.size(), stages.size() - 1, name + ": stage count (input excluded)");
        double worstStage = 0;
        for (int i = 0; i < want.size(); i++) {
            JsonNode w = want.get(i);
            Stage s = stages.get(i + 1);
            String where = name + " stage " + (i + 1) + " '" + s.name() + "' (" + w.get("keras_class").asText() + ")";
            assertEquals(w.get("name").asText(), s.name(), where);
            assertArrayEquals(ints(w.get("shape")), s.output().shape(), where + " shape");
            assertTrue(KerasReal.allFinite(s.output()), where + ": non-finite values");
            worstStage = Math.max(worstStage, KerasReal.compareStats(where, w, s.output(), RTOL, Approx.ATOL));
        }
        double worstPenultimate = 0;
        if (!golden.get("penultimate").isNull()) {
            JsonNode p = golden.get("penultimate");
            Stage s = stages.get(stages.size() - 2);
            assertEquals(p.get("name").asText(), s.name());
            Tensor e = Golden.tensor(p);
            Approx.assertClose(name + " stage '" + s.name() + "' (whole tensor)", e, s.output(), RTOL);
            worstPenultimate = Approx.maxRelDiff(e, s.output());
        }
        Tensor expected = Golden.tensor(golden.get("expected"));
        Tensor got = stages.get(stages.size() - 1).output();
        Approx.assertClose(name + " output", expected, got, RTOL);
        // predict runs the optimised plan (BatchNormalization folded into the weights before it).
        Tensor predicted = m.predict(x);
        Approx.assertClose(name + ": optimised predict vs trace", got, predicted, RTOL);
        Approx.assertClose(name + " output of predict", expected, predicted, RTOL);
        RESULTS.put(name, String.format("output %s, largest rel diff: output %.3g, '%s' %.3g, stage summaries %.3g of the tolerance;"
                + " params %,d (non-trainable %,d)", got.shapeString(), Approx.maxRelDiff(expected, got),
                golden.get("penultimate").isNull() ? "-" : stages.get(stages.size() - 2).name(), worstPenultimate, worstStage, m.summary().totalParams(),
                m.summary().nonTrainableParams()));
        System.out.printf("[keras-real] %-24s %s%n", name, RESULTS.get(name));
        return m;
    }

    static final Map<String, String> RESULTS = new HashMap<>();

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
