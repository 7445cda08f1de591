package io.cnnkit.layers.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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

/** Every case of dense.json (PyTorch) through a real engine, weights set with Model.setWeights. */
class DenseGoldenTest {
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
        return Golden.load(DenseGoldenTest.class, "dense.json").stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    private static void run(Golden.Case c) {
        try (Model m = Harness.build(engine, Harness.inputShape(c), Harness.spec(c.layer()).withName("layer"))) {
            if (!c.weights().isEmpty()) {
                assertEquals(List.copyOf(c.weights().keySet()), List.copyOf(m.layers().get(0).weightShapes().keySet()),
                        c.name() + ": weight names in Keras order");
                m.setWeights("layer", c.weights());
            }
            for (int threads : new int[] {1, 2}) {
                Tensor y = m.predict(c.input(), RunOptions.DEFAULT.withThreads(threads));
                Approx.assertClose(c.name() + " threads " + threads, c.expected(), y, 1e-5);
            }
            assertEquals(Shape.ofSample(c.expected()), m.layers().get(0).outputShape(), c.name());
        }
    }
}
