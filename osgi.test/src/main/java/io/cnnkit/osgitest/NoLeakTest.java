package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceRegistration;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.osgitest.plugin.TestGain;
import io.cnnkit.osgitest.plugin.TestScaleProvider;

/**
 * After a provider and an activation leave, nothing (engine, model handle, SCR, framework)
 * keeps them or the layer objects they built: the model stays open and must not pin them.
 */
class NoLeakTest {
    private final Fixtures f = new Fixtures();

    @AfterEach
    void cleanUp() {
        f.close();
    }

    @Test
    void unregisteredProviderActivationAndTheirLayersAreCollected() throws InterruptedException {
        List<Model> keep = new ArrayList<>();
        Map<String, WeakReference<?>> refs = useAndUnregister(keep);
        Model m = keep.get(0);
        assertFalse(m.isAvailable(), "the model must be unavailable once both services left");

        List<String> alive = Osgi.stillReachable(refs);
        if (!alive.isEmpty()) {
            throw new AssertionError("still reachable " + Osgi.TIMEOUT.toSeconds()
                    + " s after unregistering (and System.gc()): " + alive + "; model " + m);
        }
    }

    /** Everything strong stays in this frame, which is gone when it returns. */
    private Map<String, WeakReference<?>> useAndUnregister(List<Model> keep) {
        TestScaleProvider provider = new TestScaleProvider(0f);
        TestGain gain = new TestGain(3f);
        ServiceRegistration<LayerProvider> pReg = Osgi.register(provider, 0);
        ServiceRegistration<Activation> aReg = Osgi.register(gain, 0);
        Osgi.await(() -> f.engine.layerTypes().contains(TestScaleProvider.TYPE)
                && f.engine.activations().contains(TestGain.NAME), () -> "services never bound");
        Model m = f.build("leak", TestGain.NAME);
        keep.add(m);
        assertArrayEquals(Fixtures.expected(0f, 3f), Fixtures.run(m));

        Map<String, WeakReference<?>> refs = new LinkedHashMap<>();
        refs.put("layer provider", new WeakReference<>(provider));
        refs.put("layer built by it", provider.lastLayer());
        refs.put("activation", new WeakReference<>(gain));
        refs.put("configured activation held by the layer", gain.lastConfigured());
        refs.values().forEach(r -> assertNotNull(r.get()));

        pReg.unregister();
        aReg.unregister();
        Osgi.await(() -> !m.isAvailable(), () -> "model still available");
        return refs;
    }
}
