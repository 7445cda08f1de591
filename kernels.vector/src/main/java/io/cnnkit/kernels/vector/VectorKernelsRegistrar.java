package io.cnnkit.kernels.vector;

import java.util.Hashtable;
import java.util.logging.Logger;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

import io.cnnkit.engine.kernel.KernelBackend;

/**
 * Registers {@link VectorKernels} (service.ranking {@value VectorKernels#RANKING}) only when the
 * Vector API is usable; otherwise logs why and registers nothing, leaving the layers' scalar
 * kernels in charge. Registers by hand because a declarative service would be registered before
 * anyone could check the JVM. A JVM started with {@code -D}{@value #KERNELS}{@code =scalar} was
 * left without the module on purpose (./cnnkit does so for one-pass and non-computing commands):
 * nothing is logged then, and java.util.logging is not started for it (about 5 ms of a command).
 */
@Component(immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class VectorKernelsRegistrar {
    /** The system property naming the kernels a JVM was started for ({@code scalar}: no Vector API on purpose). */
    public static final String KERNELS = "cnnkit.kernels";

    private ServiceRegistration<KernelBackend> registration;

    public VectorKernelsRegistrar() {
        // DS needs a public no-arg constructor.
    }

    @Activate
    void activate(BundleContext context) {
        VectorKernels backend = new VectorKernels();
        var reason = backend.unavailableReason();
        if (reason.isPresent()) {
            if (!"scalar".equals(System.getProperty(KERNELS))) {
                Logger.getLogger(VectorKernelsRegistrar.class.getName())
                        .info("cnnkit Vector API kernels not registered: " + reason.get());
            }
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(KernelBackend.NAME, backend.name());
        props.put(Constants.SERVICE_RANKING, backend.ranking());
        registration = context.registerService(KernelBackend.class, backend, props);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
            registration = null;
        }
    }
}
