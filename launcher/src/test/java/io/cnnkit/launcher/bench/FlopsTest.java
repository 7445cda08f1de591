package io.cnnkit.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;

class FlopsTest {
    /** W1..W4 at their batch reproduce the figures the workloads are defined by, to 3 significant digits. */
    @Test
    void workloadsMatchTheirGflopFigures() {
        try (StandaloneEngine e = TestEngines.engine()) {
            for (Workload w : Workload.ALL) {
                try (Model m = e.build(e.parse(w.description()))) {
                    double gflop = Flops.forBatch(m, w.batch()) / 1e9;
                    assertEquals(new BigDecimal(w.gflop()).round(new MathContext(3)),
                            new BigDecimal(gflop).round(new MathContext(3)), w + ": counted " + gflop + " GFLOP");
                }
            }
        }
    }

    /** Layer by layer, the counts worked out by hand in bench/README.md. */
    @Test
    void w1AndW3ByLayer() {
        try (StandaloneEngine e = TestEngines.engine()) {
            try (Model w1 = e.build(e.parse(Workload.W1.description()));
                    Model w3 = e.build(e.parse(Workload.W3.description()))) {
                assertEquals(List.of(new Flops.LayerFlops("conv_1", "conv2d", 56_159_730L),
                        new Flops.LayerFlops("conv_2", "conv2d", 6_092_982L),
                        new Flops.LayerFlops("conv_3", "conv2d", 1_445_688L),
                        new Flops.LayerFlops("conv_4", "conv2d", 1_385_100L),
                        new Flops.LayerFlops("dens_1", "dense", 410_400L)), Flops.byLayer(w1.layers()));
                assertEquals(65_493_900L, Flops.forBatch(w1, 1));
                assertEquals(41_482_240L * 64, Flops.forBatch(w3, 64));
            }
        }
    }

    @Test
    void denseCountsNeedNoConvBundle() {
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(TINY_DENSE))) {
            // flatten 4x4x2 = 32 -> dense 6 -> dense 3
            assertEquals(2L * 32 * 6 + 2L * 6 * 3, Flops.perSample(m.layers()));
            assertEquals(5 * (2L * 32 * 6 + 2L * 6 * 3), Flops.forBatch(m, 5));
        }
    }

    @Test
    void groupedConvAndDenseOnFeatureMapsFromLayerInfo() {
        // conv2d with groups 2: kernel (3, 3, 8/2, 6) on a 10x12 output
        LayerInfo conv = new LayerInfo("c", "conv2d", Shape.of(10, 12, 6), Map.of("kernel", new int[] {3, 3, 4, 6},
                "bias", new int[] {6}), List.of(), 0);
        // Keras Dense on a (5, 7, 16) map: once per position
        LayerInfo dense = new LayerInfo("d", "dense", Shape.of(5, 7, 4), Map.of("kernel", new int[] {16, 4}),
                List.of(), 0);
        LayerInfo pool = new LayerInfo("p", "max_pooling2d", Shape.of(5, 6, 6), Map.of(), List.of(), 0);
        assertEquals(2L * 3 * 3 * 4 * 6 * 10 * 12 + 2L * 16 * 4 * 35, Flops.perSample(List.of(conv, pool, dense)));
    }

    @Test
    void depthwiseSeparableAndTransposeCountTheirKernels() {
        // depthwise (3, 3, 8, 2) on a 10x12 output; separable: depthwise (3, 3, 16, 1) + pointwise (1, 1, 16, 5)
        LayerInfo dw = new LayerInfo("dw", "depthwise_conv2d", Shape.of(10, 12, 16),
                Map.of("depthwise_kernel", new int[] {3, 3, 8, 2}, "bias", new int[] {16}), List.of(), 0);
        LayerInfo sep = new LayerInfo("sep", "separable_conv2d", Shape.of(10, 12, 5), Map.of("depthwise_kernel",
                new int[] {3, 3, 16, 1}, "pointwise_kernel", new int[] {1, 1, 16, 5}), List.of(), 0);
        // transpose kernel (3, 3, 4, 5) reading sep's 10x12 output: every input position scatters a 3x3 window
        LayerInfo tr = new LayerInfo("tr", "conv2d_transpose", Shape.of(20, 24, 4), Map.of("kernel",
                new int[] {3, 3, 4, 5}), List.of(), 0, List.of("sep"));
        assertEquals(List.of(new Flops.LayerFlops("dw", "depthwise_conv2d", 2L * 3 * 3 * 8 * 2 * 120),
                new Flops.LayerFlops("sep", "separable_conv2d", 2L * 3 * 3 * 16 * 120 + 2L * 16 * 5 * 120),
                new Flops.LayerFlops("tr", "conv2d_transpose", 2L * 3 * 3 * 4 * 5 * 120)),
                Flops.byLayer(List.of(dw, sep, tr)));
    }

    @Test
    void mergeLayersCountOneOperationPerCombinedElement() {
        Shape out = Shape.of(20, 24, 4); // 1920 elements
        List<String> three = List.of("a", "b", "c");
        var layers = new java.util.ArrayList<LayerInfo>();
        for (String t : List.of("add", "subtract", "multiply", "maximum", "minimum", "average", "concatenate")) {
            layers.add(new LayerInfo(t, t, out, Map.of(), List.of(), 0, t.equals("subtract") ? List.of("a", "b") : three));
        }
        layers.add(new LayerInfo("merge", "merge", out, Map.of(), List.of(), 0, three)); // Keras 1, mode unknown: sum
        layers.add(new LayerInfo("pool", "max_pooling2d", out, Map.of(), List.of(), 0)); // not counted
        assertEquals(List.of(new Flops.LayerFlops("add", "add", 2L * 1920),
                new Flops.LayerFlops("subtract", "subtract", 1920),
                new Flops.LayerFlops("multiply", "multiply", 2L * 1920),
                new Flops.LayerFlops("maximum", "maximum", 2L * 1920),
                new Flops.LayerFlops("minimum", "minimum", 2L * 1920),
                new Flops.LayerFlops("average", "average", 3L * 1920),
                new Flops.LayerFlops("concatenate", "concatenate", 0),
                new Flops.LayerFlops("merge", "merge", 2L * 1920)), Flops.byLayer(layers));
    }

    @Test
    void keras1MergeCountsByItsMode() {
        String graph = """
                {"name": "m1", "input_shape": [4, 4, 2], "layers": [
                  {"type": "conv2d", "name": "c", "filters": 2, "kernel_size": 1, "inputs": ["input"]},
                  {"type": "merge", "name": "ave", "mode": "ave", "inputs": ["c", "input"]},
                  {"type": "merge", "name": "cat", "mode": "concat", "inputs": ["ave", "c"]}
                ], "outputs": ["cat"]}""";
        try (StandaloneEngine e = TestEngines.engine(); Model m = e.build(e.parse(graph))) {
            assertEquals(List.of(new Flops.LayerFlops("c", "conv2d", 2L * 2 * 2 * 16),
                    new Flops.LayerFlops("ave", "merge", 2L * 32), new Flops.LayerFlops("cat", "merge", 0)),
                    Flops.byLayer(m));
            assertEquals(3 * (2L * 2 * 2 * 16 + 2L * 32), Flops.forBatch(m, 3));
        }
    }

    @Test
    void openShapesAreAnErrorThatSaysWhatToDo() {
        LayerInfo conv = new LayerInfo("c", "conv2d", Shape.of(-1, -1, 6), Map.of("kernel", new int[] {3, 3, 4, 6}),
                List.of(), 0);
        var ex = assertThrows(IllegalArgumentException.class, () -> Flops.perSample(List.of(conv)));
        assertEquals(true, ex.getMessage().contains("fixed input shape"), ex.getMessage());
    }

    /** flatten 4x4x2 -> dense 6 relu -> dense 3 (the bench module's tiny_dense workload). */
    static final String TINY_DENSE = """
            {"name": "tiny_dense", "input_shape": [4, 4, 2], "seed": 7, "layers": [
              {"type": "flatten"},
              {"type": "dense", "name": "dense_1", "units": 6, "activation": "relu"},
              {"type": "dense", "name": "dense_2", "units": 3}]}""";
}
