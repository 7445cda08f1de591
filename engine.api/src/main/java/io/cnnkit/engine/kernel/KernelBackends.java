package io.cnnkit.engine.kernel;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finding a {@link KernelBackend} on a plain class path (in OSGi, bind the service instead). */
public final class KernelBackends {
    private static final System.Logger LOG = System.getLogger(KernelBackends.class.getName());

    private KernelBackends() {
    }

    /**
     * The highest-ranked backend that {@link ServiceLoader} finds through {@code loader} and that
     * can run on this JVM, or null (the layers then use their scalar kernels). A backend that
     * cannot run is logged at INFO with the reason, e.g. a JVM started without
     * {@code --add-modules jdk.incubator.vector}.
     */
    public static KernelBackend fromServiceLoader(ClassLoader loader) {
        KernelBackend best = null;
        try {
            for (KernelBackend b : ServiceLoader.load(KernelBackend.class, loader)) {
                var reason = b.unavailableReason();
                if (reason.isPresent()) {
                    LOG.log(System.Logger.Level.INFO, "cnnkit kernel backend " + b.name() + " not used: " + reason.get());
                } else if (best == null || b.ranking() > best.ranking()) {
                    best = b;
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a cnnkit kernel backend on the class path cannot be loaded: "
                    + e.getMessage() + "; remove its jar or fix the JVM options it needs", e);
        }
        return best;
    }
}
