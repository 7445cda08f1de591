package io.cnnkit.layers.merge;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationFusable;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Activations;
import io.cnnkit.testkit.ShuffledContext;

/**
 * The element-wise merges take a following activation into their kernel (the optimised plan's
 * add + relu): the fused layer gives bit for bit the merge followed by the function, with equal
 * shapes and with broadcasting, under shuffled chunkings; a second activation or a row-wise one
 * (softmax) is refused.
 */
class FusedActivationTest {
    @Test
    void fusedActivationEqualsTheMergeThenTheFunction() {
        Random r = new Random(4);
        Activation relu = new Activations.Relu();
        Activation tanh = new Activations.Tanh();
        List<List<Shape>> cases = List.of(List.of(Shape.of(9, 9, 70), Shape.of(9, 9, 70)),
                List.of(Shape.of(5, 4, 3), Shape.of(5, 4, 3), Shape.of(5, 4, 3)),
                List.of(Shape.of(6, 5, 8), Shape.of(1, 1, 8)));
        for (String type : List.of("add", "subtract", "multiply", "average", "maximum", "minimum")) {
            for (List<Shape> shapes : cases) {
                if (type.equals("subtract") && shapes.size() != 2) {
                    continue;
                }
                for (Activation fn : List.of(relu, tanh)) {
                    MultiInputLayer m = Fixtures.build(Fixtures.spec(type), shapes);
                    List<Tensor> in = shapes.stream().map(s -> Fixtures.random(r, s.withBatch(2))).toList();
                    Tensor want = Fixtures.run(m, in, new ShuffledContext(1));
                    fn.apply(want.data(), 0, want.data(), 0, want.size(), want.dim(-1));
                    MultiInputLayer fused = (MultiInputLayer) ((ActivationFusable) m).fuseActivation(fn);
                    assertTrue(want.contentEquals(Fixtures.run(fused, in, new ShuffledContext(2))),
                            type + " " + shapes + " + " + fn.name());
                    assertNull(((ActivationFusable) fused).fuseActivation(fn), "one activation per kernel");
                    assertNull(((ActivationFusable) m).fuseActivation(new Activations.Softmax()), "softmax");
                }
            }
        }
    }
}
