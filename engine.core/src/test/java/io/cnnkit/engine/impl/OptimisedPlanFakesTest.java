package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.PlanOptimisation;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Fakes;

/**
 * Plug-ins that declare none of the optimisation capabilities (the engine's test layers) are run
 * as built: the optimised plan is the plan, predict is bit for bit the trace. The rules themselves
 * are tested with the real layer bundles in keras.test (OptimisedPlanTest, OptimisedRealFilesTest).
 */
class OptimisedPlanFakesTest {
    @Test
    void layersWithoutCapabilitiesAreNotOptimised() {
        try (StandaloneEngine engine = Fakes.graphEngine();
                Model m = engine.build(engine.parse("{\"input_shape\":[6,6,2],\"layers\":["
                        + "{\"type\":\"conv2d\",\"filters\":3,\"kernel_size\":3,\"name\":\"c\"},"
                        + "{\"type\":\"activation\",\"activation\":\"relu\",\"name\":\"r\"},"
                        + "{\"type\":\"dropout\",\"rate\":0.5,\"name\":\"d\"},"
                        + "{\"type\":\"conv2d\",\"filters\":3,\"kernel_size\":1,\"name\":\"e\",\"inputs\":[\"c\"]},"
                        + "{\"type\":\"add\",\"inputs\":[\"d\",\"e\"],\"name\":\"sum\"}]}"))) {
            PlanOptimisation o = m.optimisation();
            assertEquals(new PlanOptimisation(5, 5, java.util.Map.of(), java.util.Map.of(), java.util.Map.of()), o);
            assertEquals("optimised plan: 5 nodes, nothing folded, fused or dropped", o.format());
            Random r = new Random(9);
            Tensor x = Tensor.zeros(2, 6, 6, 2);
            for (int i = 0; i < x.size(); i++) {
                x.data()[i] = (float) r.nextGaussian();
            }
            List<Stage> t = m.trace(x);
            assertTrue(t.get(t.size() - 1).output().contentEquals(m.predict(x)));
        }
    }
}
