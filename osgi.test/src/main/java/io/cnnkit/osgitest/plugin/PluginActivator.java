package io.cnnkit.osgitest.plugin;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.LayerProvider;

/**
 * Activator of the plug-in bundle that PluginBundleTest builds at runtime from this
 * package's class files: registers a {@link TestScaleProvider} as a layer bundle would, and
 * the {@link Cube} activation as an activation bundle would. The
 * framework unregisters it when the bundle stops.
 */
public final class PluginActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(LayerProvider.TYPE, TestScaleProvider.TYPE);
        context.registerService(LayerProvider.class, new TestScaleProvider(0f), props);
        Dictionary<String, Object> fn = new Hashtable<>();
        fn.put(Activation.NAME, Cube.NAME);
        context.registerService(Activation.class, new Cube(), fn);
    }

    @Override
    public void stop(BundleContext context) {
        // services are unregistered by the framework
    }
}
