package io.cnnkit.layers.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.cnnkit.testkit.ShuffledContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.impl.Scheduler;
import io.cnnkit.testkit.Approx;

/**
 * Every case of merge.json (PyTorch in float64 with Keras 2's merge rules, see
 * cnf/golden/layers_merge.py) through the providers, run with the engine's scheduler at 1 and 2
 * threads and with shuffled chunks: within 1e-5 of PyTorch (relative, with a 1e-6 absolute
 * floor), bit-identical to the naive reference and across contexts, and the same when the layer
 * was built with open sizes.
 */
class MergeGoldenTest {
    static final double RTOL = 1e-5;
    /** Absolute floor for values near zero (sums with cancellation). */
    static final double ATOL = 1e-6;
    private static Scheduler scheduler;

    @BeforeAll
    static void start() {
        scheduler = new Scheduler(2);
    }

    @AfterAll
    static void stop() {
        scheduler.close();
    }

    @Test
    void everyTypeHasCases() {
        List<String> types = Fixtures.golden().stream().map(c -> (String) c.layer().get("type")).distinct().sorted()
                .toList();
        assertEquals(List.of("add", "average", "concatenate", "maximum", "minimum", "multiply", "subtract"), types);
    }

    @TestFactory
    Stream<DynamicTest> golden() {
        return Fixtures.golden().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    private static void run(Fixtures.Case c) {
        Tensor reference = Reference.of((String) c.layer().get("type"), c.layer().get("axis"), c.inputs());
        Approx.assertRelClose(c.name() + " reference", c.expected(), reference, RTOL, ATOL);

        MultiInputLayer layer = Fixtures.build(Fixtures.spec(c.layer()), c.sampleShapes());
        assertEquals(Shape.ofSample(c.expected()), layer.outputShape(), c.name() + " built output shape");
        assertEquals(c.sampleShapes(), layer.inputShapes());
        assertTrue(layer.weights().isEmpty() && layer.parameterCount() == 0);

        List<Shape> open = new ArrayList<>();
        for (Shape s : c.sampleShapes()) {
            open.add(Fixtures.open(s));
        }
        MultiInputLayer openLayer = Fixtures.build(Fixtures.spec(c.layer()), open);
        assertEquals(Shape.ofSample(c.expected()).rank(), openLayer.outputShape().rank(), c.name() + " open rank");

        ExecutionContext[] contexts = {scheduler.context(1), scheduler.context(2), new ShuffledContext(7)};
        for (MultiInputLayer l : new MultiInputLayer[] {layer, openLayer}) {
            for (ExecutionContext ctx : contexts) {
                String what = c.name() + (l == openLayer ? " open" : "") + " threads " + ctx.parallelism();
                Tensor y = Fixtures.run(l, c.inputs(), ctx);
                Approx.assertRelClose(what, c.expected(), y, RTOL, ATOL);
                assertTrue(reference.contentEquals(y), what + ": not bit-identical to the reference");
            }
        }
    }
}
