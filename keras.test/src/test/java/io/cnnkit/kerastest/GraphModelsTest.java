package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.Golden;

/**
 * Real Keras Functional models with branches, skips and several outputs, built from their own
 * architecture, loaded by layer name, and compared with the independent PyTorch graph forward
 * pass of cnf/golden/keras_graph.py: every output element to relative 1e-5 (plus 1e-6 absolute
 * for values near zero), every node's shape, sum, |sum|, min, max and sampled values (see
 * {@link KerasReal#compareStats}), Keras's
 * parameter count, and bit-identical results for 1 and 2 threads.
 */
class GraphModelsTest {
    static final double RTOL = 1e-5;
    static final double ATOL = 1e-6;
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k2-resnet8-cifar10", "k3-resnet8-cifar10", "k2-mtcnn-12net", "k2-donkeycar-2heads",
        "k2-kws-mobilenetv2", "k2-fer-mini-xception"})
    void graphEqualsPyTorch(String name) {
        JsonNode golden = golden(name);
        Path h5 = KerasReal.file(golden.get("file").asText());
        Model m = engine.build(engine.parse(KerasReal.architecture(name, h5)));
        try {
            LoadReport report = KerasWeights.load(m, h5, LoadOptions.BY_NAME);
            for (LayerInfo li : m.layers()) {
                LoadReport.Entry e = report.entries().stream().filter(x -> x.layer().equals(li.name())).findFirst()
                        .orElseThrow(() -> new AssertionError(name + ": no report entry for " + li.name()));
                assertEquals(li.weightShapes().isEmpty() ? LoadReport.Status.NO_WEIGHTS : LoadReport.Status.LOADED,
                        e.status(), name + " layer " + li.name() + "\n" + report.format());
            }
            assertEquals(golden.get("params").asLong(), m.summary().totalParams(),
                    name + ": parameter count as Keras's\n" + m.summary().format());
            assertTrue(m.summary().format().contains("Connected to"), m.summary().format());

            JsonNode shape = golden.get("input_shape");
            Tensor x = KerasReal.input(shape.get(0).asInt(), shape.get(1).asInt(), shape.get(2).asInt());
            Map<String, Tensor> trace = new LinkedHashMap<>();
            for (Stage s : m.trace(x)) {
                trace.put(s.name(), s.output());
            }
            List<String> keras = new ArrayList<>();
            for (JsonNode w : golden.get("stages")) {
                String node = w.get("name").asText();
                keras.add(node);
                Tensor t = trace.get(node);
                String where = name + " node '" + node + "' (" + w.get("keras_class").asText() + ")";
                if (t == null) {
                    fail(where + ": not in the trace " + trace.keySet());
                }
                assertArrayEquals(RealModelsTest.ints(w.get("shape")), t.shape(), where + " shape");
                KerasReal.compareStats(where, w, t, RTOL, ATOL);
            }
            assertEquals(keras.size(), trace.size(), name + ": one stage per Keras layer (input included)");

            Map<String, Tensor> out = m.predictAll(x);
            List<String> names = new ArrayList<>();
            for (JsonNode o : golden.get("outputs")) {
                String node = o.get("name").asText();
                names.add(node);
                Tensor expected = Golden.tensor(o.get("expected"));
                Approx.assertRelClose(name + " output '" + node + "'", expected, out.get(node), RTOL, ATOL);
                // predict runs the optimised plan (BatchNormalization folded, activations fused).
                Approx.assertRelClose(name + " '" + node + "': optimised predict vs trace", trace.get(node),
                        out.get(node), RTOL, ATOL);
            }
            assertEquals(names, List.copyOf(out.keySet()), name + ": outputs in Keras's order");
            assertEquals(names, m.outputNames());

            Map<String, Tensor> one = m.predictAll(x, RunOptions.DEFAULT.withThreads(1));
            Map<String, Tensor> two = m.predictAll(x, RunOptions.DEFAULT.withThreads(2));
            for (String node : names) {
                assertTrue(one.get(node).contentEquals(two.get(node)), name + " '" + node + "': 1 vs 2 threads");
            }
            System.out.printf("[keras-graph] %-22s %d nodes, outputs %s, params %,d%n", name, trace.size(), names,
                    m.summary().totalParams());
        } finally {
            m.close();
        }
    }

    /** One model's document of keras_graph.json. */
    static JsonNode golden(String name) {
        JsonNode root = KerasReal.resource("/golden/keras_graph.json");
        if (root.path("format_version").asInt() != 1) {
            throw new IllegalStateException("keras_graph.json: unexpected format_version " + root.get("format_version"));
        }
        JsonNode m = root.get("models").get(name);
        if (m == null) {
            throw new IllegalStateException("keras_graph.json has no model " + name + "; rerun cnf/golden/keras_graph.py");
        }
        return m;
    }
}
