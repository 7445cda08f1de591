package io.cnnkit.layers.conv;

import java.util.Hashtable;
import java.util.logging.Logger;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import io.cnnkit.engine.api.LayerProvider;

/**
 * Registers the vector conv2d provider (service.ranking {@value VectorConv2d#RANKING}, so the
 * engine swaps running models over to it) only when the Vector API is usable; otherwise it
 * logs why and registers nothing, leaving the scalar conv2d in charge. A DS component that
 * registers by hand because a declarative service would be registered before anyone could
 * check the JVM.
 */
@Component(immediate = true)
public final class VectorConvRegistrar {
    private static final Logger LOG = Logger.getLogger(VectorConvRegistrar.class.getName());

    private ServiceRegistration<LayerProvider> registration;

    public VectorConvRegistrar() {
        // DS needs a public no-arg constructor.
    }

    @Activate
    void activate(BundleContext context) {
        var reason = VectorConv2d.unavailableReason();
        if (reason.isPresent()) {
            LOG.info("cnnkit vector conv2d not registered: " + reason.get());
            return;
        }
        LayerProvider provider = VectorConv2d.provider();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("cnnkit.layer.type", provider.type());
        props.put("cnnkit.keras.class", provider.kerasClasses().toArray(new String[0]));
        props.put("cnnkit.backend", VectorConv2d.Backend.INSTANCE.name());
        props.put(Constants.SERVICE_RANKING, VectorConv2d.RANKING);
        registration = context.registerService(LayerProvider.class, provider, props);
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
