package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.PlanOptimisation;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.testkit.Approx;

/**
 * Every real Keras file that runs: the optimised plan of predictAll (BatchNormalization folded,
 * activations fused, dropout left out) against trace, which runs every Keras layer as built, on
 * the deterministic input of the golden fixtures: every output element to relative 1e-5 (plus
 * 1e-6 absolute), the rules fired where the file has something to fold, and bit-identical results
 * for 1 to 4 threads.
 */
class OptimisedRealFilesTest {
    static final double RTOL = 1e-5;
    /** Files whose outputs are recorded in keras_graph.json (the rest in keras_real.json). */
    static final Set<String> GRAPHS = Set.of("k2-resnet8-cifar10", "k3-resnet8-cifar10", "k2-mtcnn-12net",
            "k2-donkeycar-2heads", "k2-kws-mobilenetv2", "k2-fer-mini-xception");
    /**
     * BatchNormalizations that follow a conv, depthwise, separable or dense layer with a linear
     * activation and are its only reader: every one of them in these files. (k2-jettagger-conv2d-bn's
     * batch norms come first or after a relu conv and a dropout: nothing to fold into.)
     */
    static final Map<String, Integer> FOLDED = Map.of("k2-vww96-mobilenet", 27, "k2-resnet8-cifar10", 7,
            "k3-resnet8-cifar10", 7, "k2-kws-mobilenetv2", 52, "k2-fer-mini-xception", 14);
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /** Every real Keras file that runs. */
    static java.util.stream.Stream<String> files() {
        return java.util.stream.Stream.of("k2-vww96-mobilenet", "k2-jettagger-conv2d-bn", "k2-conv2d-sigmoid",
                "k2-mtcnn-12net", "k2-donkeycar-2heads", "k2-resnet8-cifar10", "k3-resnet8-cifar10", "k2-kws-mobilenetv2",
                "k2-fer-mini-xception", "k1-tf-conv2d-reshape", "k2-conv-avgpool-gap", "k2-convtranspose-crop-gmp",
                "k1-th-mnist-cnn");
    }

    /** The file's model with its weights. */
    private static Model loaded(String name) {
        Path h5 = KerasReal.file(name + ".h5");
        Model m = engine.build(engine.parse(KerasReal.architecture(name, h5)));
        KerasWeights.load(m, h5, LoadOptions.BY_NAME);
        return m;
    }

    /** The golden fixtures' deterministic input for the file's input shape, batch 1. */
    private static Tensor input(String name) {
        JsonNode shape = (GRAPHS.contains(name) ? GraphModelsTest.golden(name) : KerasReal.golden(name + ".h5"))
                .get("input_shape");
        return KerasReal.input(shape.get(0).asInt(), shape.get(1).asInt(), shape.get(2).asInt());
    }

    @ParameterizedTest
    @MethodSource("files")
    void optimisedPredictEqualsTrace(String name) {
        try (Model m = loaded(name)) {
            PlanOptimisation o = m.optimisation();
            Tensor x = input(name);
            Map<String, Tensor> trace = new LinkedHashMap<>();
            for (Stage s : m.trace(x)) {
                trace.put(s.name(), s.output());
            }
            Map<String, Tensor> out = m.predictAll(x, RunOptions.DEFAULT.withThreads(1));
            assertEquals(m.outputNames(), List.copyOf(out.keySet()), name);
            double worst = 0;
            for (String node : m.outputNames()) {
                Approx.assertClose(name + " output '" + node + "': optimised predict vs trace (" + o.format() + ")",
                        trace.get(node), out.get(node), RTOL);
                worst = Math.max(worst, Approx.maxRelDiff(trace.get(node), out.get(node)));
            }
            for (int threads = 2; threads <= 4; threads++) {
                Map<String, Tensor> more = m.predictAll(x, RunOptions.DEFAULT.withThreads(threads));
                for (String node : m.outputNames()) {
                    assertTrue(out.get(node).contentEquals(more.get(node)), name + " '" + node + "': 1 vs " + threads
                            + " threads");
                }
            }
            assertEquals(FOLDED.getOrDefault(name, 0), o.folded().getOrDefault("batch_normalization", 0),
                    name + ": batch norms folded: " + o.format());
            System.out.printf("[optimised] %-24s %s; largest rel diff vs trace %.3g%n", name, o.format(), worst);
        }
    }

    /**
     * A batch of 20 different samples: predict runs it in groups of samples (as many as the
     * network's largest activation allows, here 3 for the MobileNets and 8 for ResNet-8), the
     * groups side by side at 2 or more threads. Each sample's outputs are those of the sample run
     * alone (relative 1e-5), and the same bits at 1 to 3 threads.
     */
    @ParameterizedTest
    @MethodSource("files")
    void batchInGroupsEqualsEachSampleAlone(String name) {
        int batch = 20;
        try (Model m = loaded(name)) {
            Tensor one = input(name);
            int per = one.size();
            int[] dims = one.shape();
            dims[0] = batch;
            Tensor x = Tensor.zeros(dims);
            for (int s = 0; s < batch; s++) {
                for (int i = 0; i < per; i++) {
                    // a different sample each: scaled and shifted along the image
                    x.data()[s * per + i] = one.data()[(i + 7 * s) % per] * (1f - 0.03f * s);
                }
            }
            Map<String, Tensor> all = m.predictAll(x, RunOptions.DEFAULT.withThreads(1));
            for (int s = 0; s < batch; s++) {
                Tensor sample = Tensor.wrap(java.util.Arrays.copyOfRange(x.data(), s * per, (s + 1) * per), one.shape());
                Map<String, Tensor> alone = m.predictAll(sample, RunOptions.DEFAULT.withThreads(1));
                for (String node : m.outputNames()) {
                    Tensor got = all.get(node).sample(s);
                    Tensor want = alone.get(node);
                    Approx.assertClose(name + " output '" + node + "' sample " + s + " of a batch vs alone",
                            want.reshape(got.shape()), got, RTOL);
                }
            }
            for (int threads = 2; threads <= 3; threads++) {
                Map<String, Tensor> more = m.predictAll(x, RunOptions.DEFAULT.withThreads(threads));
                for (String node : m.outputNames()) {
                    assertTrue(all.get(node).contentEquals(more.get(node)), name + " '" + node + "' batch of " + batch
                            + ": 1 vs " + threads + " threads");
                }
            }
        }
    }
}
