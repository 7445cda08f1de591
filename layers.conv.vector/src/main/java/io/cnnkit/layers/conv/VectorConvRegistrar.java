package io.cnnkit.layers.conv;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.logging.Logger;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import io.cnnkit.engine.api.LayerProvider;

/**
 * Registers the vector conv2d and dense providers (service.ranking {@value VectorConv2d#RANKING},
 * so the engine swaps running models over to them) only when the Vector API is usable; otherwise it
 * logs why and registers nothing, leaving the scalar conv2d in charge. A DS component that
 * registers by hand because a declarative service would be registered before anyone could
 * check the JVM.
 */
@Component(immediate = true)
public final class VectorConvRegistrar {
    private static final Logger LOG = Logger.getLogger(VectorConvRegistrar.class.getName());

    private final List<ServiceRegistration<LayerProvider>> registrations = new ArrayList<>();

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
        register(context, VectorConv2d.provider());
        register(context, VectorConv2d.denseProvider());
    }

    private void register(BundleContext context, LayerProvider provider) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("cnnkit.layer.type", provider.type());
        props.put("cnnkit.keras.class", provider.kerasClasses().toArray(new String[0]));
        props.put("cnnkit.backend", VectorConv2d.Backend.INSTANCE.name());
        props.put(Constants.SERVICE_RANKING, VectorConv2d.RANKING);
        registrations.add(context.registerService(LayerProvider.class, provider, props));
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<LayerProvider> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }
}
