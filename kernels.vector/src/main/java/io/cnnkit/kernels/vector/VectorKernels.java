package io.cnnkit.kernels.vector;

import java.util.Optional;

import io.cnnkit.engine.kernel.DepthwiseMicroKernel;
import io.cnnkit.engine.kernel.GemmMicroKernel;
import io.cnnkit.engine.kernel.KernelBackend;

/**
 * The Vector API kernel backend: the GEMM micro-kernel (conv2d, pointwise, dense) and the
 * depthwise one. It needs JDK 17's incubating module: the JVM flag
 * {@code --add-modules jdk.incubator.vector}, and in OSGi the system bundle exporting the package
 * ({@code org.osgi.framework.system.packages.extra=jdk.incubator.vector}). Without them it
 * reports why ({@link #unavailableReason()}) and registers nothing. On a plain class path the
 * layer providers find it through META-INF/services.
 */
public final class VectorKernels implements KernelBackend {
    /** Above the layers' own scalar kernels (which are no service). */
    public static final int RANKING = 100;
    static final String MODULE = "jdk.incubator.vector";

    /** For ServiceLoader; cheap: touches no Vector API class. */
    public VectorKernels() {
    }

    @Override
    public String name() {
        // the vector classes may only be touched when the module is usable
        return unavailableReason().isPresent() ? "vector" : "vector" + VectorGemm.S.vectorBitSize();
    }

    @Override
    public int ranking() {
        return RANKING;
    }

    /**
     * Why the Vector API cannot be used here: the module is not in the boot layer (the JVM was
     * started without {@code --add-modules jdk.incubator.vector}) or this class's loader does not
     * see it (in OSGi: the system bundle does not export the package).
     */
    @Override
    public Optional<String> unavailableReason() {
        return UNAVAILABLE;
    }

    /** Fixed for the JVM's life: the boot layer's modules and this class's loader do not change. */
    private static final Optional<String> UNAVAILABLE = check();

    private static Optional<String> check() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Optional.of("the JVM runs without the module " + MODULE + "; start it with --add-modules " + MODULE);
        }
        try {
            Class.forName(MODULE + ".FloatVector", false, VectorKernels.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("the module " + MODULE + " is present but not visible to this bundle (" + e
                    + "); export its package from the system bundle with "
                    + "org.osgi.framework.system.packages.extra=" + MODULE);
        }
        return Optional.empty();
    }

    @Override
    public GemmMicroKernel gemm() {
        requireAvailable();
        return VectorGemm.INSTANCE;
    }

    @Override
    public DepthwiseMicroKernel depthwise() {
        requireAvailable();
        return VectorDepthwise.INSTANCE;
    }

    private void requireAvailable() {
        unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("the Vector API kernels cannot run here: " + reason);
        });
    }

    @Override
    public String toString() {
        return name();
    }
}
