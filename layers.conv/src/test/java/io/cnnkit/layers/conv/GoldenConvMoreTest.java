package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.Golden;

/**
 * Every case of golden/conv_more.json (cnf/golden/layers_conv.py, PyTorch in float64):
 * separable_conv2d, conv2d_transpose, up_sampling2d, cropping2d and asymmetric zero_padding2d,
 * through a real engine as {@link GoldenConvTest} does, at 1 and 2 threads (bit-identical), each
 * within relative 1e-5 plus absolute 1e-6 of PyTorch.
 */
class GoldenConvMoreTest {
    private static final List<Golden.Case> CASES = Golden.load(GoldenConvMoreTest.class, "conv_more.json");
    /**
     * Per layer type the largest |diff|, |diff| / |expected| and share of the tolerance used
     * (|diff| / (1e-5 |expected| + 1e-6)), printed after the run for the record.
     */
    private static final Map<String, double[]> WORST = new TreeMap<>();

    @TestFactory
    Stream<DynamicTest> goldenCases() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    @Test
    void everyNewTypeHasCases() {
        Map<String, Long> byType = CASES.stream().collect(Collectors.groupingBy(c -> (String) c.layer().get("type"),
                TreeMap::new, Collectors.counting()));
        assertEquals(List.of("conv2d_transpose", "cropping2d", "separable_conv2d", "up_sampling2d", "zero_padding2d"),
                List.copyOf(byType.keySet()), byType.toString());
        assertTrue(byType.values().stream().allMatch(n -> n >= 2), byType.toString());
    }

    private static void run(Golden.Case c) {
        try (StandaloneEngine e = TestModels.engine()) {
            assertTrue(c.inputShape().size() == 3, c.name() + ": fixture without input_shape");
            Model m = TestModels.build(e, c.inputShape(), c.layer());
            if (!c.weights().isEmpty()) {
                m.setWeights((String) c.layer().get("name"), c.weights());
            }
            Tensor y1 = m.predict(c.input(), RunOptions.DEFAULT.withThreads(1));
            Tensor y2 = m.predict(c.input(), RunOptions.DEFAULT.withThreads(2));
            Approx.assertRelClose(c.name(), c.expected(), y1, 1e-5, 1e-6);
            assertTrue(y1.contentEquals(y2), c.name() + ": 1 and 2 threads differ");
            record(String.valueOf(c.layer().get("type")), c.expected(), y1);
        }
    }

    private static synchronized void record(String type, Tensor expected, Tensor actual) {
        double[] w = WORST.computeIfAbsent(type, t -> new double[3]);
        for (int i = 0; i < expected.size(); i++) {
            double ev = expected.data()[expected.offset() + i];
            double d = Math.abs(ev - actual.data()[actual.offset() + i]);
            w[0] = Math.max(w[0], d);
            if (ev != 0) {
                w[1] = Math.max(w[1], d / Math.abs(ev));
            }
            w[2] = Math.max(w[2], d / (1e-5 * Math.abs(ev) + 1e-6));
        }
    }

    @AfterAll
    static void report() {
        WORST.forEach((type, w) -> System.out.printf("conv_more.json %-17s largest |diff| %.3g, largest relative %.3g,"
                + " tolerance used %.2f%n", type, w[0], w[1], w[2]));
    }
}
