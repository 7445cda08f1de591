package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.WeightFileInfo;

/**
 * Saving must give a readable file whatever the mix and order of weighted and weightless
 * layers: jHDF 0.13.0 corrupted files whose last object in its hash order was a group
 * (io.cnnkit.io.h5.JhdfFlush). Random chains, each saved, inspected and loaded by name into a
 * model with other initial weights.
 */
class SaveRoundTripTest {
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
    void randomChainsSaveAndLoadBackBitIdentical(@TempDir Path dir) {
        Random r = new Random(42);
        String[] spatial = {"conv2d(%d, %d, padding=same)", "max_pooling2d(1)", "relu", "batch_normalization",
            "depthwise_conv2d(3, padding=same)", "zero_padding2d(1)", "dropout(0.5)", "tanh"};
        for (int n = 0; n < 60; n++) {
            List<String> stages = new ArrayList<>();
            stages.add("input(6, 6, 2)");
            int layers = 1 + r.nextInt(8);
            for (int i = 0; i < layers; i++) {
                String s = spatial[r.nextInt(spatial.length)];
                stages.add(s.contains("%d") ? String.format(s, 1 + r.nextInt(3), 1 + r.nextInt(3)) : s);
            }
            if (r.nextBoolean()) {
                stages.add("flatten");
                stages.add("dense(" + (1 + r.nextInt(4)) + ")");
                if (r.nextBoolean()) {
                    stages.add("relu");
                }
            }
            String desc = String.join(" | ", stages);
            Model saved = engine.build(engine.parse(desc).withSeed(n));
            Path file = dir.resolve("m" + n + ".h5");
            KerasWeights.save(saved, file);

            WeightFileInfo info = KerasWeights.inspect(file);
            assertEquals(saved.layers().size(), info.layers().size(), desc);

            Model loaded = engine.build(engine.parse(desc).withSeed(1000 + n));
            LoadReport report = KerasWeights.load(loaded, file, LoadOptions.BY_NAME);
            Map<String, Map<String, Tensor>> want = saved.weights();
            Map<String, Map<String, Tensor>> got = loaded.weights();
            assertEquals(want.keySet(), got.keySet(), desc);
            for (var layer : want.entrySet()) {
                for (var w : layer.getValue().entrySet()) {
                    assertTrue(w.getValue().contentEquals(got.get(layer.getKey()).get(w.getKey())),
                            desc + ": " + layer.getKey() + "/" + w.getKey() + " differs after the round trip");
                }
            }
            assertEquals(want.size(), report.count(LoadReport.Status.LOADED), desc + "\n" + report.format());
            saved.close();
            loaded.close();
        }
    }
}
