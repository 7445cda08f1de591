package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;

/**
 * Weights by name on graph models work as on chains: a real ResNet-8's weights saved in the Keras
 * layout load back by name and by order into a model with other initial weights and give the same
 * outputs; a model extended by a branch reuses them by name; skip_mismatch skips a changed branch.
 */
class GraphWeightsTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static Map<String, Tensor> run(Model m) {
        return m.predictAll(KerasReal.input(32, 32, 3));
    }

    private static void assertSameOutputs(Map<String, Tensor> a, Map<String, Tensor> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        a.forEach((k, v) -> assertTrue(v.contentEquals(b.get(k)), what + ": output " + k));
    }

    @Test
    void resnetSavesAndLoadsByNameAndByOrder(@TempDir Path dir) {
        Path h5 = KerasReal.file("k2-resnet8-cifar10.h5");
        String arch = KerasReal.architecture("k2-resnet8-cifar10", h5);
        try (Model trained = engine.build(engine.parse(arch))) {
            KerasWeights.load(trained, h5, LoadOptions.BY_NAME);
            Path saved = dir.resolve("resnet8.h5");
            KerasWeights.save(trained, saved);
            for (LoadOptions how : List.of(LoadOptions.BY_NAME, LoadOptions.BY_ORDER)) {
                try (Model fresh = engine.build(engine.parse(arch).withSeed(5))) {
                    assertFalse(run(fresh).get("dense").contentEquals(run(trained).get("dense")), "other initial weights");
                    LoadReport r = KerasWeights.load(fresh, saved, how);
                    assertEquals(0, r.entries().stream().filter(e -> e.status() == LoadReport.Status.SKIPPED_MISMATCH)
                            .count(), r.format());
                    assertSameOutputs(run(trained), run(fresh), "loaded " + (how.byName() ? "by name" : "by order"));
                }
            }
        }
    }

    @Test
    void aBranchAddedOrChangedIsLeftAloneOrSkipped(@TempDir Path dir) {
        String base = "input(8, 8, 3) | conv2d(4, 3, padding=same, name=trunk) | conv2d(4, 3, padding=same, name=a)"
                + " | add(@trunk, name=sum) | flatten | dense(3, name=head)";
        try (Model m = engine.build(engine.parse(base))) {
            Path w = dir.resolve("w.h5");
            KerasWeights.save(m, w);
            // A second head: the shared layers load by name, the new head keeps its initial weights.
            String twoHeads = base + " ; @sum | global_average_pooling2d | dense(2, name=head2)";
            try (Model m2 = engine.build(engine.parse(twoHeads).withSeed(9))) {
                LoadReport r = KerasWeights.load(m2, w, LoadOptions.BY_NAME);
                assertEquals(List.of("head", "head2"), m2.outputNames());
                assertTrue(r.format().contains("head2"), r.format());
                Tensor x = KerasReal.input(8, 8, 3);
                assertTrue(m.predict(x).contentEquals(m2.predictAll(x).get("head")), "the shared path is identical");
            }
            // Branch 'a' with another filter count: an error naming it, or skipped with skip_mismatch.
            String changed = base.replace("conv2d(4, 3, padding=same, name=a) | add(@trunk, name=sum)",
                    "conv2d(2, 3, padding=same, name=a) | concatenate(@trunk, name=sum)");
            try (Model m3 = engine.build(engine.parse(changed))) {
                RuntimeException e = assertThrows(RuntimeException.class, () -> KerasWeights.load(m3, w,
                        LoadOptions.BY_NAME));
                assertTrue(e instanceof CnnIoException || e instanceof ModelException, e.toString());
                assertTrue(e.getMessage().contains("'a'"), e.getMessage());
                LoadReport r = KerasWeights.load(m3, w, new LoadOptions(true, true));
                assertTrue(r.entries().stream().anyMatch(x -> x.layer().equals("a")
                        && x.status() == LoadReport.Status.SKIPPED_MISMATCH), r.format());
            }
        }
    }
}
