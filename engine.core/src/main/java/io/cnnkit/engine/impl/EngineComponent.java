package io.cnnkit.engine.impl;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;

/**
 * The engine as a DS service. Layer providers and activations arrive through dynamic,
 * greedy, multiple references, so a better-ranked provider replaces the current one at
 * once and a leaving one triggers a rebuild of the models that used it. Each is registered
 * under its service properties ({@value LayerProvider#TYPE} and {@value LayerProvider#KERAS_CLASS},
 * {@value Activation#NAME}), which DS sets from the class's {@code @LayerType} / {@code @ActivationName}.
 */
// Immediate: a delayed component would be deactivated (dropping every model) whenever its last user lets go.
@Component(service = Engine.class, configurationPid = EngineComponent.PID, immediate = true)
@Designate(ocd = EngineComponent.Config.class)
public final class EngineComponent implements Engine {
    public static final String PID = "cnnkit.engine";

    @ObjectClassDefinition(name = "cnnkit engine", description = "Fork-join scheduler settings")
    public @interface Config {
        @AttributeDefinition(description = "Threads per run; 0 = available processors")
        int parallelism() default 0;
    }

    /** Created at construction so that references bound before activation are kept. */
    private final EngineImpl engine = new EngineImpl(Runtime.getRuntime().availableProcessors());

    @Activate
    void activate(Config config) {
        applyConfig(config);
    }

    @Modified
    void modified(Config config) {
        applyConfig(config);
    }

    private void applyConfig(Config config) {
        int n = config.parallelism() > 0 ? config.parallelism() : Runtime.getRuntime().availableProcessors();
        if (n != engine.parallelism()) {
            engine.setParallelism(n);
        }
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    @Reference(service = LayerProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + LayerProvider.TYPE + "=*)")
    void addLayerProvider(ServiceReference<LayerProvider> ref, ComponentServiceObjects<LayerProvider> objects) {
        // The type and Keras classes are the service properties (DS sets them from @LayerType);
        // the provider is created when a model first needs it, and checked against them then.
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        engine.addLayerProvider(new GetService<>(objects), string(ref, LayerProvider.TYPE),
                ref.getProperty(LayerProvider.KERAS_CLASS), ranking(ref), serviceId(ref), origin(ref));
    }

    void updatedLayerProvider(ServiceReference<LayerProvider> ref) {
        engine.updateLayerRanking(serviceId(ref), ranking(ref));
    }

    void removeLayerProvider(ServiceReference<LayerProvider> ref) {
        engine.removeLayerProvider(serviceId(ref));
    }

    @Reference(service = Activation.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + Activation.NAME + "=*)")
    void addActivation(ServiceReference<Activation> ref, ComponentServiceObjects<Activation> objects) {
        engine.addActivation(new GetService<>(objects), string(ref, Activation.NAME), ranking(ref), serviceId(ref),
                origin(ref));
    }

    void updatedActivation(ServiceReference<Activation> ref) {
        engine.updateActivationRanking(serviceId(ref), ranking(ref));
    }

    void removeActivation(ServiceReference<Activation> ref) {
        engine.removeActivation(serviceId(ref));
    }

    /** Gets the service object from DS each time it is asked (the engine asks on first use). */
    private static final class GetService<S> implements Supplier<S> {
        private final ComponentServiceObjects<S> objects;

        GetService(ComponentServiceObjects<S> objects) {
            this.objects = objects;
        }

        @Override
        public S get() {
            return objects.getService();
        }
    }

    /** A single-valued service property as a string, or null. */
    private static String string(ServiceReference<?> ref, String property) {
        Object p = ref.getProperty(property);
        return p == null ? null : String.valueOf(p);
    }

    private static int ranking(ServiceReference<?> ref) {
        return ref.getProperty(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    private static String origin(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        return b == null ? "unregistered" : b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]";
    }

    /** For tests and diagnostics: live fork-join threads. */
    public int liveThreads() {
        return engine.liveThreads();
    }

    @Override
    public ModelDescription parse(String text) {
        return engine.parse(text);
    }

    @Override
    public Model build(ModelDescription description) {
        return engine.build(description);
    }

    @Override
    public List<String> layerTypes() {
        return engine.layerTypes();
    }

    @Override
    public List<String> activations() {
        return engine.activations();
    }

    @Override
    public Map<String, String> providers() {
        return engine.providers();
    }

    @Override
    public List<Model> models() {
        return engine.models();
    }

    @Override
    public int parallelism() {
        return engine.parallelism();
    }
}
