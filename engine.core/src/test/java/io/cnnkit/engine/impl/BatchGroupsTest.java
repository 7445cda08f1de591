package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.FakeLayer;
import io.cnnkit.engine.fakes.Fakes;

/**
 * predict runs a batch in groups of samples up to the first layer with many weights, the rest on
 * the whole batch: the layers see the group sizes the plan gives, values read after the groups
 * (a model output inside them, the input of the heavy layer) come out whole, and the results are
 * the trace's (which runs the whole batch) at every thread count.
 */
class BatchGroupsTest {
    /** 32x32x8 input: 8192 floats a sample, the largest activation, so 16 samples a group. */
    private static final int PER_GROUP = PlanExecutor.GROUP_FLOATS / (32 * 32 * 8);
    private final StandaloneEngine engine = Fakes.graphEngine();
    /** Batch sizes each probe saw, by probe name. */
    private final Map<String, List<Integer>> seen = Collections.synchronizedMap(new LinkedHashMap<>());

    @AfterEach
    void close() {
        engine.close();
    }

    /** A weightless "probe" layer of its input's shape running {@code forward}, given the layer's name. */
    static LayerProvider probe(java.util.function.Function<String, FakeLayer.Forward> forward) {
        return new LayerProvider() {
            @Override
            public String type() {
                return "probe";
            }

            @Override
            public Set<String> parameters() {
                return Set.of();
            }

            @Override
            public Layer create(LayerSpec spec, Shape in, BuildContext context) {
                return FakeLayer.sameShape(spec, "probe", in, forward.apply(spec.name()));
            }
        };
    }

    /** Copies its input and notes the batch size it ran on. */
    private LayerProvider recordingProbe() {
        return probe(name -> (x, y, ctx) -> {
            seen.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add(x.dim(0));
            System.arraycopy(x.data(), x.offset(), y.data(), y.offset(), x.size());
        });
    }

    private static String node(String type, String name, String extra, String... inputs) {
        return "{\"type\": \"" + type + "\", \"name\": \"" + name + "\"" + extra
                + (inputs.length == 0 ? "" : ", \"inputs\": [\"" + String.join("\", \"", inputs) + "\"]") + "}";
    }

    private static String conv(String name, String... inputs) {
        return node("conv2d", name, ", \"filters\": 3, \"kernel_size\": 3, \"padding\": \"same\"", inputs);
    }

    /**
     * stem, a probe, a skip (add) and a conv head (a model output inside the groups), then a dense
     * layer of 3072 x 100 weights (more than HEAVY_WEIGHTS: it and what follows run on the whole
     * batch) reading the flattened sum, and a probe after it.
     */
    private Model model() {
        engine.register(recordingProbe());
        String g = "{\"name\": \"groups\", \"input_shape\": [32, 32, 8], \"seed\": 5, \"outputs\": [\"head\", \"late\"], "
                + "\"layers\": [" + String.join(", ", conv("stem"), node("probe", "early", "", "stem"), conv("a", "early"),
                        node("add", "sum", "", "a", "early"), conv("head", "sum"), node("flatten", "flat", "", "sum"),
                        node("dense", "big", ", \"units\": 100", "flat"), node("probe", "late", "", "big"))
                + "]}";
        return engine.build(engine.parse(g));
    }

    private static Tensor batch(int n) {
        Random r = new Random(11);
        Tensor t = Tensor.zeros(n, 32, 32, 8);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    private static Map<String, Tensor> byName(List<Stage> stages) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Stage s : stages) {
            out.put(s.name(), s.output());
        }
        return out;
    }

    @Test
    void groupsUpToTheHeavyLayerThenTheWholeBatch() {
        assertEquals(16, PER_GROUP, "test sized for 16 samples a group");
        try (Model m = model()) {
            Tensor x = batch(70);
            Map<String, Tensor> trace = byName(m.trace(x));
            assertEquals(List.of(70), seen.get("early"), "trace runs the whole batch");
            for (int threads = 1; threads <= 3; threads++) {
                seen.clear();
                Map<String, Tensor> out = m.predictAll(x, RunOptions.DEFAULT.withThreads(threads));
                List<Integer> groups = new ArrayList<>(seen.get("early"));
                Collections.sort(groups);
                assertEquals(List.of(6, 16, 16, 16, 16), groups, threads + " threads: groups of 16 samples");
                assertEquals(List.of(70), seen.get("late"), threads + " threads: after the heavy layer, the whole batch");
                // naive kernels: each sample's chain is fixed, so grouping changes no bit
                assertArrayEquals(trace.get("head").toArray(), out.get("head").toArray(), "grouped model output");
                assertArrayEquals(trace.get("late").toArray(), out.get("late").toArray(), "whole-batch output");
                assertArrayEquals(new int[] {70, 32, 32, 3}, out.get("head").shape());
            }
        }
    }

    @Test
    void aBatchThatFitsOneGroupRunsWhole() {
        try (Model m = model()) {
            Tensor x = batch(PER_GROUP);
            Map<String, Tensor> out = m.predictAll(x, RunOptions.DEFAULT.withThreads(2));
            assertEquals(List.of(PER_GROUP), seen.get("early"));
            assertArrayEquals(byName(m.trace(x)).get("late").toArray(), out.get("late").toArray());
        }
    }

    @Test
    void repeatedRunsReuseGroupBuffersAndGiveTheSameResult() {
        try (Model m = model()) {
            Tensor x = batch(40);
            Map<String, Tensor> first = m.predictAll(x, RunOptions.DEFAULT.withThreads(2));
            for (int run = 0; run < 5; run++) {
                Map<String, Tensor> again = m.predictAll(x, RunOptions.DEFAULT.withThreads(run % 2 + 1));
                assertTrue(first.get("head").contentEquals(again.get("head")), "run " + run);
                assertTrue(first.get("late").contentEquals(again.get("late")), "run " + run);
                // the caller keeps its outputs: a later run does not write into them
                assertTrue(first.get("head").data() != again.get("head").data());
            }
            // another batch size after a grouped one: groups worked out again
            Tensor y = batch(21);
            assertArrayEquals(byName(m.trace(y)).get("head").toArray(), m.predictAll(y).get("head").toArray());
        }
    }

    @Test
    void aFailingLayerInAGroupFailsTheRunWithItsMessage() {
        engine.register(probe(name -> (x, y, ctx) -> {
            throw new ModelException("probe '" + name + "' refuses a batch of " + x.dim(0));
        }));
        String g = "{\"name\": \"fails\", \"input_shape\": [32, 32, 8], \"layers\": [" + conv("stem") + ", "
                + node("probe", "early", "") + "]}";
        try (Model m = engine.build(engine.parse(g))) {
            ModelException e = assertThrows(ModelException.class,
                    () -> m.predict(batch(70), RunOptions.DEFAULT.withThreads(2)));
            assertTrue(e.getMessage().contains("refuses a batch of 16") || e.getMessage().contains("refuses a batch of 6"),
                    e.getMessage());
        }
    }
}
