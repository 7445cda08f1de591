package io.cnnkit.launcher.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.Npy;

/** Test helpers: which parts of the runtime are present on the test class path. */
final class Support {
    private Support() {
    }

    /** Whether io.image is implemented (its API stubs throw UnsupportedOperationException). */
    static boolean ioImplemented() {
        try {
            Path f = Files.createTempFile("cnnkit-probe", ".npy");
            try {
                Npy.write(Tensor.zeros(1, 1), f);
                return true;
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (UnsupportedOperationException e) {
            return false;
        } catch (Exception e) {
            return true; // implemented, failing for another reason: let the test show it
        }
    }

    static boolean has(Engine e, List<String> types, List<String> activations) {
        return e.layerTypes().containsAll(types) && e.activations().containsAll(activations);
    }
}
