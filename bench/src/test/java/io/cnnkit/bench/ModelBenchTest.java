package io.cnnkit.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Tensor;

/** The JMH benchmark's set-up and body work (no timing here), and JMH's generated list names it. */
class ModelBenchTest {
    @Test
    void eachKernelChoicePredictsTheWorkloadAndTheVectorAndScalarOutputsAgree() {
        Tensor[] out = new Tensor[2];
        String[] kernels = {"vector", "scalar"};
        for (int i = 0; i < 2; i++) {
            ModelBench b = new ModelBench();
            b.workload = "W1";
            b.threads = 2;
            b.kernels = kernels[i];
            b.setUp();
            try {
                out[i] = b.predict();
            } finally {
                b.tearDown();
            }
        }
        assertTrue(out[0].hasShape(out[1].shape()), out[0].shapeString());
        Agreement a = Agreement.of(out[1], out[0]);
        assertTrue(a.ok(Agreement.TOLERANCE), a.toString());
    }

    @Test
    void anUnknownKernelChoiceIsRefused() {
        ModelBench b = new ModelBench();
        b.workload = "W1";
        b.threads = 1;
        b.kernels = "simd";
        var e = assertThrows(IllegalArgumentException.class, b::setUp);
        assertTrue(e.getMessage().contains("'simd'"), e.getMessage());
    }

    @Test
    void jmhListsTheBenchmark() throws Exception {
        try (InputStream in = ModelBench.class.getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertTrue(in != null, "META-INF/BenchmarkList missing: the JMH annotation processor did not run");
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(list.contains("io.cnnkit.bench.ModelBench"), list);
        }
    }
}
