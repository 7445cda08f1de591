package io.cnnkit.reliability;

import java.nio.file.Path;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.KerasWeights;

/**
 * The child JVM of {@link KillDuringSaveTest}: saves a big model's weights to the same file
 * over and over, printing "saved N" after each, until it is killed.
 * Arguments: FILE SEED.
 */
public final class SaveLoop {
    /** flatten 32x32x16 -> dense 256: a 16 MB kernel, so that a save takes a while. */
    static String model(long seed) {
        return "{\"name\": \"big\", \"input_shape\": [32, 32, 16], \"seed\": " + seed + ", \"layers\": ["
                + "{\"type\": \"flatten\", \"name\": \"flat\"}, {\"type\": \"dense\", \"name\": \"fc\", \"units\": 256}]}";
    }

    private SaveLoop() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        StandaloneEngine engine = Corpus.engine();
        Model m = engine.build(engine.parse(model(Long.parseLong(args[1]))));
        System.out.println("ready");
        System.out.flush();
        for (int i = 1;; i++) {
            KerasWeights.save(m, file);
            System.out.println("saved " + i);
            System.out.flush();
        }
    }
}
