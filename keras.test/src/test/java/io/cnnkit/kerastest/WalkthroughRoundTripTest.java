package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;

/**
 * The walkthrough's girl.h5 workflow: the seed model's weights saved once and loaded by name
 * into every truncated model (and an extended one); each shared layer's output must be
 * bit-identical to the full model's traced stage.
 */
class WalkthroughRoundTripTest {
    static final String SEED_MODEL = "input(64, 64, 3) | conv2d(3, 3, name=conv_1) | max_pooling2d(3) | relu"
            + " | conv2d(3, 3, name=conv_2) | max_pooling2d(2) | relu | conv2d(3, 3, name=conv_3) | relu"
            + " | conv2d(3, 3, name=conv_4) | relu | flatten | dense(8, activation=relu, name=dens_1)";

    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = KerasReal.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void truncatedModelsReuseTheSavedWeights(@TempDir Path dir) throws Exception {
        ModelDescription full = engine.parse(SEED_MODEL);
        assertEquals(12, full.layers().size());
        Model model = engine.build(full);
        Path h5 = dir.resolve("girl.h5");
        KerasWeights.save(model, h5);
        assertTrue(Files.size(h5) > 0);
        Tensor x = KerasReal.input(64, 64, 3);
        List<Stage> stages = model.trace(x);
        // 64 -conv-> 62 -pool 3-> 20 -conv-> 18 -pool 2-> 9 -conv-> 7 -conv-> 5; 5*5*3 = 75 -> dens_1 8
        assertEquals("conv_4", stages.get(9).name());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 5, 5, 3}, stages.get(9).output().shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 8}, stages.get(12).output().shape());

        for (int n = 1; n <= full.layers().size(); n++) {
            // Another seed: without loading, the truncated model's conv weights would differ.
            Model cut = engine.build(full.prefix(n).withName("cut_" + n).withSeed(4242));
            boolean hasWeights = cut.layers().stream().anyMatch(l -> !l.weightShapes().isEmpty());
            if (hasWeights) {
                assertFalse(cut.trace(x).get(n).output().contentEquals(stages.get(n).output()),
                        "prefix " + n + " must start from other weights, or the test proves nothing");
            }
            LoadReport r = KerasWeights.load(cut, h5, LoadOptions.BY_NAME);
            for (LayerInfo li : cut.layers()) {
                LoadReport.Status want = li.weightShapes().isEmpty() ? LoadReport.Status.NO_WEIGHTS
                        : LoadReport.Status.LOADED;
                assertEquals(want, r.entries().stream().filter(e -> e.layer().equals(li.name())).findFirst()
                        .orElseThrow().status(), "prefix " + n + " layer " + li.name() + "\n" + r.format());
            }
            List<Stage> got = cut.trace(x);
            assertEquals(n + 1, got.size());
            for (int i = 1; i <= n; i++) {
                assertEquals(stages.get(i).name(), got.get(i).name());
                assertTrue(stages.get(i).output().contentEquals(got.get(i).output()),
                        "prefix " + n + " stage " + i + " '" + got.get(i).name() + "' differs from the full model");
            }
            cut.close();
        }

        // Extended: a layer the file lacks is left alone (ABSENT), the shared ones are identical.
        Model longer = engine.build(full.extend(List.of(new LayerSpec(0, "dense", "dens_2",
                java.util.Map.of("units", 2)))).withName("longer").withSeed(7));
        LoadReport r = KerasWeights.load(longer, h5, LoadOptions.BY_NAME);
        assertEquals(LoadReport.Status.ABSENT, r.entries().stream().filter(e -> e.layer().equals("dens_2"))
                .findFirst().orElseThrow().status(), r.format());
        assertEquals(5, r.count(LoadReport.Status.LOADED), r.format());
        List<Stage> got = longer.trace(x);
        for (int i = 1; i <= 12; i++) {
            assertTrue(stages.get(i).output().contentEquals(got.get(i).output()), "extended model stage " + i);
        }
        assertEquals(2, got.get(13).output().dim(1));
    }
}
