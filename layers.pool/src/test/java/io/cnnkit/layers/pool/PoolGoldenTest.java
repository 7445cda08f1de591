package io.cnnkit.layers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.Golden;

/** Every case of pool.json (PyTorch with explicit TF same padding) through a real engine. */
class PoolGoldenTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Harness.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @TestFactory
    Stream<DynamicTest> golden() {
        return Golden.load(PoolGoldenTest.class, "pool.json").stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    private static void run(Golden.Case c) {
        // Fixed sizes and an open-size model must agree.
        Shape fixed = Harness.inputShape(c);
        Shape open = Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, fixed.dim(2));
        for (Shape in : new Shape[] {fixed, open}) {
            try (Model m = Harness.build(engine, in, Harness.spec(c.layer()))) {
                for (int threads : new int[] {1, 2}) {
                    Tensor y = m.predict(c.input(), RunOptions.DEFAULT.withThreads(threads));
                    Approx.assertClose(c.name() + " input " + in + " threads " + threads, c.expected(), y, 1e-5);
                }
                if (in == fixed) {
                    // The built shape (summary) is the shape forward produced.
                    assertEquals(Shape.ofSample(c.expected()), m.layers().get(0).outputShape(), c.name());
                }
            }
        }
    }
}
