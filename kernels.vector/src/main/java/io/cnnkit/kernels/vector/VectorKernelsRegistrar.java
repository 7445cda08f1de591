package io.cnnkit.kernels.vector;

import java.util.Hashtable;
import java.util.logging.Logger;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import io.cnnkit.engine.kernel.KernelBackend;

/**
 * Registers {@link VectorKernels} (service.ranking {@value VectorKernels#RANKING}) only when the
 * Vector API is usable; otherwise logs why and registers nothing, leaving the layers' scalar
 * kernels in charge. Registers by hand because a declarative service would be registered before
 * anyone could check the JVM.
 */
@Component(immediate = true)
public final class VectorKernelsRegistrar {
    private static final Logger LOG = Logger.getLogger(VectorKernelsRegistrar.class.getName());

    private ServiceRegistration<KernelBackend> registration;

    public VectorKernelsRegistrar() {
        // DS needs a public no-arg constructor.
    }

    @Activate
    void activate(BundleContext context) {
        VectorKernels backend = new VectorKernels();
        var reason = backend.unavailableReason();
        if (reason.isPresent()) {
            LOG.info("cnnkit Vector API kernels not registered: " + reason.get());
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
