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
        LayerInfo add = new LayerInfo("add", "add", Shape.of(20, 24, 4), Map.of(), List.of(), 0, List.of("tr", "tr"));
        assertEquals(List.of(new Flops.LayerFlops("dw", "depthwise_conv2d", 2L * 3 * 3 * 8 * 2 * 120),
                new Flops.LayerFlops("sep", "separable_conv2d", 2L * 3 * 3 * 16 * 120 + 2L * 16 * 5 * 120),
                new Flops.LayerFlops("tr", "conv2d_transpose", 2L * 3 * 3 * 4 * 5 * 120)),
                Flops.byLayer(List.of(dw, sep, tr, add)), "merge layers are elementwise: not counted");
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
