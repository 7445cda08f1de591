package io.cnnkit.layers.conv;

import java.util.Optional;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Tensor;

/**
 * The Vector API conv2d backend and its providers (conv2d, and dense on the same GEMM). In OSGi
 * {@link VectorConvRegistrar} registers them; on a plain class path register them yourself with
 * a ranking above the scalar providers:
 *
 * <pre>
 * if (VectorConv2d.available()) {
 *     engine.register(VectorConv2d.provider(), VectorConv2d.RANKING);
 *     engine.register(VectorConv2d.denseProvider(), VectorConv2d.RANKING);
 * }
 * </pre>
 *
 * It needs the JVM flag {@code --add-modules jdk.incubator.vector} (JDK 17's incubating API).
 */
public final class VectorConv2d {
    /** service.ranking of the vector provider: above the scalar conv2d (0). */
    public static final int RANKING = 100;
    static final String MODULE = "jdk.incubator.vector";

    private VectorConv2d() {
    }

    /**
     * Whether the Vector API can be used here: the module is in the boot layer (the JVM was
     * started with {@code --add-modules jdk.incubator.vector}) and this class's loader sees it
     * (in OSGi: the system bundle exports the package).
     */
    public static boolean available() {
        return unavailableReason().isEmpty();
    }

    /** Why {@link #available()} is false, or empty when it is true. */
    public static Optional<String> unavailableReason() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Optional.of("the JVM runs without the module " + MODULE
                    + "; start it with --add-modules " + MODULE);
        }
        try {
            Class.forName(MODULE + ".FloatVector", false, VectorConv2d.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("the module " + MODULE + " is present but not visible to this bundle (" + e
                    + "); export its package from the system bundle with "
                    + "org.osgi.framework.system.packages.extra=" + MODULE);
        }
        return Optional.empty();
    }

    /** A dense provider computing with the vector GEMM; requires {@link #available()}. */
    public static LayerProvider denseProvider() {
        unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("the vector dense backend is unavailable: " + reason);
        });
        return io.cnnkit.layers.dense.VectorDense.provider();
    }

    /** A conv2d provider computing with the vector backend; requires {@link #available()}. */
    public static LayerProvider provider() {
        unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("the vector conv2d backend is unavailable: " + reason);
        });
        return new Conv2dProvider(Backend.INSTANCE);
    }

    /**
     * Few filters: the exact scalar kernels of layers.conv (the planar one, which C2 vectorises
     * across pixels, for one group and horizontal stride 1; it also keeps the first run of a model
     * fast, as vector code runs very slowly until C2 has compiled it); else the blocked GEMM with
     * the vector micro-kernel.
     */
    static final class Backend implements ConvBackend {
        static final Backend INSTANCE = new Backend();

        @Override
        public String name() {
            return "vector" + VectorMicroKernel.S.vectorBitSize();
        }

        @Override
        public void conv2d(Tensor x, Tensor kernel, Tensor bias, Tensor y, ConvKernels.Geometry g, Activation act,
                ExecutionContext ctx) {
            if (PlanarFewFilterConv.applies(kernel, g)) {
                PlanarFewFilterConv.conv2d(x, kernel, bias, y, g, act, ctx);
            } else if (FewFilterConv.applies(kernel, g)) {
                FewFilterConv.conv2d(x, kernel, bias, y, g, act, ctx);
            } else {
                GemmConv.conv2d(x, kernel, bias, y, g, act, ctx, VectorMicroKernel.INSTANCE);
            }
        }
    }
}
