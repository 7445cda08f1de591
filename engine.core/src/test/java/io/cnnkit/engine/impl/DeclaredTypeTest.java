package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationName;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.FakeLayer;

/**
 * A provider declares its layer type and Keras classes once, with {@link LayerType} (an
 * activation its name with {@link ActivationName}): on a plain classpath the API's default
 * methods read the annotation, in OSGi the engine reads the service properties; overrides that
 * disagree are refused with the class named: at registration, or in OSGi when first used.
 */
class DeclaredTypeTest {
    /** A layer plug-in as a bundle writes it now: no type(), no kerasClasses(). */
    @LayerType(layer_type = "twice", keras_class = {"Twice", "OldTwice"})
    public static class Twice implements LayerProvider {
        @Override
        public Set<String> parameters() {
            return Set.of();
        }

        @Override
        public Layer create(LayerSpec spec, Shape in, BuildContext context) {
            return FakeLayer.sameShape(spec, spec.type(), in, (x, y, ctx) -> {
                float[] v = x.toArray();
                for (int i = 0; i < v.length; i++) {
                    y.data()[y.offset() + i] = 2 * v[i];
                }
            });
        }
    }

    /** A subclass is the same layer type unless it declares its own. */
    public static class TwiceSubclass extends Twice {
    }

    @LayerType(layer_type = "thrice", keras_class = "Thrice")
    public static class Thrice extends Twice {
    }

    @ActivationName(activation = "negate")
    public static class Negate implements Activation {
        @Override
        public float apply(float x) {
            return -x;
        }
    }

    /** An override that contradicts the annotation. */
    @LayerType(layer_type = "declared", keras_class = "Declared")
    public static class WrongType extends Twice {
        @Override
        public String type() {
            return "overridden";
        }
    }

    @LayerType(layer_type = "declared", keras_class = "Declared")
    public static class WrongKeras extends Twice {
        @Override
        public List<String> kerasClasses() {
            return List.of("Other");
        }
    }

    @ActivationName(activation = "declared")
    public static class WrongName extends Negate {
        @Override
        public String name() {
            return "overridden";
        }
    }

    /** Neither annotated nor overriding type(): nothing says what it is. */
    public static class Anonymous implements LayerProvider {
        @Override
        public Set<String> parameters() {
            return Set.of();
        }

        @Override
        public Layer create(LayerSpec spec, Shape in, BuildContext context) {
            throw new UnsupportedOperationException();
        }
    }

    /** A provider written before 1.4: overrides, no annotation (ServiceLoaderTest's fakes are too). */
    public static class OldStyle extends Anonymous {
        @Override
        public String type() {
            return "old_style";
        }
    }

    static final String KERAS_JSON = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"m\", \"layers\": ["
            + "{\"class_name\": \"%s\", \"config\": {\"name\": \"t1\", \"batch_input_shape\": [null, 2, 2, 1]}}]}}";

    @Test
    void defaultMethodsReadTheAnnotation() {
        Twice p = new Twice();
        assertEquals("twice", p.type());
        assertEquals(List.of("Twice", "OldTwice"), p.kerasClasses());
        assertEquals("twice", new TwiceSubclass().type());
        assertEquals("thrice", new Thrice().type());
        assertEquals(List.of("Thrice"), new Thrice().kerasClasses());
        assertEquals("negate", new Negate().name());
        assertEquals("old_style", new OldStyle().type());
        assertEquals(List.of(), new OldStyle().kerasClasses(), "no annotation: no Keras classes, as before 1.4");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Anonymous().type());
        assertTrue(e.getMessage().contains(Anonymous.class.getName()) && e.getMessage().contains("@LayerType"),
                e.getMessage());
    }

    @Test
    void plainClasspathEngineKeysByTheAnnotation() {
        try (StandaloneEngine e = Engines.standalone()) {
            e.register(new Twice());
            e.register(new Negate());
            e.register(new OldStyle());
            assertEquals(List.of("old_style", "twice"), e.layerTypes());
            assertEquals(List.of("negate"), e.activations());
            // The Keras reader finds the provider by either declared class, Keras 1 name included.
            for (String cls : List.of("Twice", "OldTwice")) {
                ModelDescription d = e.parse(KERAS_JSON.formatted(cls));
                assertEquals(List.of("twice"), d.layers().stream().map(LayerSpec::type).toList());
            }
            try (Model m = e.build(e.parse("input(2, 2, 1) | twice"))) {
                Tensor y = m.predict(Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 2, 2, 1));
                assertEquals(8f, y.toArray()[3]);
            }
        }
    }

    @Test
    void disagreeingOverridesAreRefusedNamingTheClass() {
        try (StandaloneEngine e = Engines.standalone()) {
            IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> e.register(new WrongType()));
            assertContains(t.getMessage(), WrongType.class.getName(), "'declared'", "'overridden'");
            IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> e.register(new WrongKeras()));
            assertContains(k.getMessage(), WrongKeras.class.getName(), "Declared", "Other");
            IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> e.register(new WrongName()));
            assertContains(n.getMessage(), WrongName.class.getName(), "'declared'", "'overridden'");
            IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> e.register(new Anonymous()));
            assertContains(a.getMessage(), Anonymous.class.getName(), "@LayerType");
            assertEquals(List.of(), e.layerTypes());
            assertEquals(List.of(), e.activations());
        }
    }

    /** A layer that applies the activation its "activation" parameter names (to reach activations in a build). */
    @LayerType(layer_type = "act", keras_class = "Act")
    public static class Act implements LayerProvider {
        @Override
        public Set<String> parameters() {
            return Set.of("activation");
        }

        @Override
        public Layer create(LayerSpec spec, Shape in, BuildContext context) {
            Activation a = context.activation(spec, spec.params().get("activation"));
            return FakeLayer.sameShape(spec, spec.type(), in, (x, y, ctx) -> {
                float[] v = x.toArray();
                for (int i = 0; i < v.length; i++) {
                    y.data()[y.offset() + i] = a.apply(v[i]);
                }
            });
        }
    }

    /** DS's service objects of one component: counts the objects made. */
    static final class Objects<S> implements ComponentServiceObjects<S> {
        private final S service;
        int made;

        Objects(S service) {
            this.service = service;
        }

        @Override
        public S getService() {
            made++;
            return service;
        }

        @Override
        public void ungetService(S s) {
        }

        @Override
        public ServiceReference<S> getServiceReference() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void osgiEngineReadsTheServicePropertiesAndMakesProvidersOnFirstUse() {
        EngineComponent c = new EngineComponent();
        try {
            // The properties are the Keras classes the engine uses.
            Objects<LayerProvider> twice = new Objects<>(new Twice());
            Objects<LayerProvider> act = new Objects<>(new Act());
            Objects<Activation> negate = new Objects<>(new Negate());
            c.addLayerProvider(ref(Map.of(LayerProvider.TYPE, "twice", LayerProvider.KERAS_CLASS,
                    new String[] {"FromProperty"}), 1), twice);
            c.addLayerProvider(ref(Map.of(LayerProvider.TYPE, "act", LayerProvider.KERAS_CLASS, new String[] {"Act"}), 2),
                    act);
            c.addActivation(ref(Map.of(Activation.NAME, "negate"), 3), negate);
            assertEquals(List.of("act", "twice"), c.layerTypes());
            assertEquals(List.of("negate"), c.activations());
            assertEquals(0, twice.made + act.made + negate.made, "nothing is made before a model needs it");
            assertEquals(List.of("twice"), c.parse(KERAS_JSON.formatted("FromProperty")).layers().stream()
                    .map(LayerSpec::type).toList());
            assertEquals(1, twice.made);
            assertEquals(0, act.made + negate.made, "only the provider the description names is made");
            ModelException notListed = assertThrows(ModelException.class, () -> c.parse(KERAS_JSON.formatted("Twice")));
            assertContains(notListed.getMessage(), "FromProperty");
            try (Model m = c.build(c.parse("input(2, 2, 1) | act(activation='negate') | twice"))) {
                assertEquals(-4f, m.predict(Tensor.wrap(new float[] {2, 0, 0, 0}, 1, 2, 2, 1)).data()[0]);
            }
            assertEquals(List.of(1, 1, 1), List.of(twice.made, act.made, negate.made), "each made once");

            // A property that contradicts the object is a packaging error naming the class, found
            // when the provider is first used.
            Objects<LayerProvider> thrice = new Objects<>(new Thrice());
            c.addLayerProvider(ref(Map.of(LayerProvider.TYPE, "other", LayerProvider.KERAS_CLASS,
                    new String[] {"Other"}), 4), thrice);
            ModelException wrong = assertThrows(ModelException.class, () -> c.parse("input(2, 2, 1) | other"));
            assertContains(wrong.getMessage(), Thrice.class.getName(), LayerProvider.TYPE + "=other", "'thrice'",
                    "first used");
            assertThrows(ModelException.class, () -> c.parse("input(2, 2, 1) | other"), "refused at every use");
            assertEquals(1, thrice.made, "made once (DS counts each getService), checked at each use");
            c.addActivation(ref(Map.of(Activation.NAME, "other"), 5), new Objects<>(new Negate()));
            ModelException wrongName = assertThrows(ModelException.class,
                    () -> c.build(c.parse("input(2, 2, 1) | act(activation='other')")));
            assertContains(wrongName.getMessage(), Negate.class.getName(), Activation.NAME + "=other");
            // Without cnnkit.keras.class (a provider registered by hand before 1.4) the provider is
            // made at once and kerasClasses() is used.
            Objects<LayerProvider> byHand = new Objects<>(new Thrice());
            c.addLayerProvider(ref(Map.of(LayerProvider.TYPE, "thrice"), 6), byHand);
            assertEquals(1, byHand.made);
            assertEquals(List.of("thrice"), c.parse(KERAS_JSON.formatted("Thrice")).layers().stream()
                    .map(LayerSpec::type).toList());
            // Leaving by service id: the type is gone
            c.removeLayerProvider(ref(Map.of(LayerProvider.TYPE, "thrice"), 6));
            assertEquals(List.of("act", "other", "twice"), c.layerTypes());
        } finally {
            c.deactivate();
        }
    }

    /** A ServiceReference with these properties and a service id; no bundle. */
    @SuppressWarnings("unchecked")
    static <S> ServiceReference<S> ref(Map<String, Object> properties, long serviceId) {
        return (ServiceReference<S>) Proxy.newProxyInstance(DeclaredTypeTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> Constants.SERVICE_ID.equals(args[0]) ? Long.valueOf(serviceId)
                            : properties.get((String) args[0]);
                    case "getBundle" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "ServiceReference" + properties;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }
}
