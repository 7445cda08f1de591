package io.cnnkit.layers.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.Golden;

/**
 * Every case of dense_more.json and dense_norm.json (PyTorch, float64) through a real engine
 * with the real relu, relu6 and softmax functions: relative 1e-5 plus absolute 1e-6, and the
 * same bits at 1 and 2 threads. A case with a "keras" model JSON (Keras 1, 2 or 3 spelling) is
 * also parsed by the engine (fromKeras) and must give the same weights and the same bits.
 */
class MoreLayersGoldenTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Harness.engineWithRealActivations();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @TestFactory
    Stream<DynamicTest> shapesActivationsRescaling() {
        return cases("dense_more.json");
    }

    @TestFactory
    Stream<DynamicTest> normalizations() {
        return cases("dense_norm.json");
    }

    private static Stream<DynamicTest> cases(String file) {
        List<Golden.Case> cases = Golden.load(MoreLayersGoldenTest.class, file);
        List<JsonNode> keras = kerasModels(file);
        assertEquals(cases.size(), keras.size(), file);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Golden.Case c = cases.get(i);
            JsonNode k = keras.get(i);
            tests.add(DynamicTest.dynamicTest(c.name(), () -> run(c, k)));
        }
        return tests.stream();
    }

    /** The optional "keras" object of each case (null when absent), in file order. */
    private static List<JsonNode> kerasModels(String file) {
        try (InputStream in = MoreLayersGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                out.add(c.get("keras"));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file, e);
        }
    }

    private static void run(Golden.Case c, JsonNode keras) {
        Tensor ours;
        try (Model m = Harness.build(engine, Harness.inputShape(c), Harness.spec(c.layer()).withName("layer"))) {
            ours = check(c.name(), m, c);
        }
        if (keras != null) {
            ModelDescription d = engine.parse(keras.toString());
            try (Model m = engine.build(d)) {
                assertEquals(1, m.layers().size(), c.name() + " (Keras JSON)");
                assertEquals(Harness.spec(c.layer()).type(), m.layers().get(0).type(), c.name() + " (Keras JSON)");
                Tensor fromKeras = check(c.name() + " (Keras JSON)", m, c);
                assertTrue(ours.contentEquals(fromKeras), c.name() + ": the Keras config gives other bits");
            }
        }
    }

    private static Tensor check(String what, Model m, Golden.Case c) {
        assertEquals(List.copyOf(c.weights().keySet()), List.copyOf(m.layers().get(0).weightShapes().keySet()),
                what + ": weight names in Keras order");
        for (Map.Entry<String, Tensor> w : c.weights().entrySet()) {
            assertTrue(w.getValue().hasShape(m.layers().get(0).weightShapes().get(w.getKey())),
                    what + ": shape of " + w.getKey());
        }
        if (!c.weights().isEmpty()) {
            m.setWeights("layer", c.weights());
        }
        Tensor one = m.predict(c.input(), RunOptions.DEFAULT.withThreads(1)).copy();
        Approx.assertRelClose(what + " threads 1", c.expected(), one, 1e-5, 1e-6);
        Tensor two = m.predict(c.input(), RunOptions.DEFAULT.withThreads(2));
        assertTrue(one.contentEquals(two), what + ": 1 and 2 threads differ");
        Shape out = m.layers().get(0).outputShape();
        assertEquals(Shape.ofSample(c.expected()), out, what + ": output shape");
        return one;
    }
}
