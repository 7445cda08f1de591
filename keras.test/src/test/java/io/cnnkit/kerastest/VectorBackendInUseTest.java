package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.engine.kernel.KernelBackends;
import io.cnnkit.layers.conv.Conv2dProvider;

/**
 * Which kernels this module's tests run on: the layers' scalar kernels in the default run (no
 * incubator module), the Vector API backend in the {@code vector-backend} run (the pom sets
 * {@code cnnkit.test.kernels=vector} and the module), so that run cannot pass on scalar kernels
 * by mistake.
 */
class VectorBackendInUseTest {
    @Test
    void theRunUsesTheKernelsItIsFor() {
        KernelBackend backend = KernelBackends.fromServiceLoader(Conv2dProvider.class.getClassLoader());
        if ("vector".equals(System.getProperty("cnnkit.test.kernels"))) {
            assertNotNull(backend, "the vector-backend run found no usable kernel backend on the class path");
            assertTrue(backend.name().startsWith("vector") && backend.gemm().winograd(),
                    "the vector-backend run uses " + backend.name());
        } else {
            assertNull(backend, "the default run is for the scalar kernels, got " + backend);
            assertEquals(null, System.getProperty("cnnkit.test.kernels"));
        }
    }
}
