package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceRegistration;

import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.osgitest.plugin.TestScaleProvider;

/** A layer provider registered, removed, re-registered and outranked while a model uses it. */
class LayerHotSwapTest {
    private final Fixtures f = new Fixtures();

    @AfterEach
    void cleanUp() {
        f.close();
        Osgi.await(() -> !f.engine.layerTypes().contains(TestScaleProvider.TYPE),
                () -> "test_scale still listed after cleanup: " + f.engine.layerTypes());
    }

    @Test
    void engineSeesAProviderRegisteredAtRuntime() {
        assertFalse(f.engine.layerTypes().contains(TestScaleProvider.TYPE), "test_scale before registration");
        f.track(Osgi.register(new TestScaleProvider(0f), 0));
        Osgi.await(() -> f.engine.layerTypes().contains(TestScaleProvider.TYPE),
                () -> "layerTypes() = " + f.engine.layerTypes());
        String origin = f.engine.providers().get("layer " + TestScaleProvider.TYPE);
        assertNotNull(origin, "providers() = " + f.engine.providers());
        assertTrue(origin.contains("io.cnnkit.osgi.test"), "provider origin " + origin);

        Model m = f.build("runtime_provider", null);
        assertTrue(m.isAvailable());
        assertArrayEquals(Fixtures.expected(0f, 1f), Fixtures.run(m));
    }

    @Test
    void unregisteringMakesTheModelUnavailableAndReRegisteringRestoresIt() {
        ServiceRegistration<LayerProvider> reg = f.track(Osgi.register(new TestScaleProvider(0f), 0));
        Osgi.await(() -> f.engine.layerTypes().contains(TestScaleProvider.TYPE), () -> "test_scale never bound");
        Model m = f.build("swap", null);
        float[] before = Fixtures.run(m);
        assertArrayEquals(Fixtures.expected(0f, 1f), before);

        reg.unregister();
        Osgi.await(() -> !m.isAvailable(), () -> "model still available after the provider left");
        assertNotNull(m.unavailableReason());
        assertTrue(m.unavailableReason().contains(TestScaleProvider.TYPE), "reason: " + m.unavailableReason());
        assertFalse(f.engine.layerTypes().contains(TestScaleProvider.TYPE));
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> Fixtures.run(m));
        assertTrue(e.missing().contains("layer type " + TestScaleProvider.TYPE), "missing: " + e.missing());

        // a new provider instance (as after a bundle update): same weights, bit-identical output
        f.track(Osgi.register(new TestScaleProvider(0f), 0));
        Osgi.await(m::isAvailable, () -> "model not available again: " + m.unavailableReason());
        float[] after = Fixtures.run(m);
        assertArrayEquals(before, after, "output after re-registration differs: " + Arrays.toString(after));
        assertArrayEquals(Fixtures.SCALE, m.weights().get("scale").get("scale").toArray(), "weights carried over");
    }

    @Test
    void highestRankingProviderWinsAndTheNextTakesOverWhenItLeaves() {
        TestScaleProvider five = new TestScaleProvider(5f);
        TestScaleProvider ten = new TestScaleProvider(10f);
        f.track(Osgi.register(five, 5));
        Osgi.await(() -> f.engine.layerTypes().contains(TestScaleProvider.TYPE), () -> "test_scale never bound");
        Model m = f.build("ranked", null);
        assertArrayEquals(Fixtures.expected(5f, 1f), Fixtures.run(m), "only the ranking-5 provider is present");

        ServiceRegistration<LayerProvider> tenReg = f.track(Osgi.register(ten, 10));
        Osgi.await(() -> Arrays.equals(Fixtures.expected(10f, 1f), Fixtures.run(m)),
                () -> "ranking 10 not used; output " + Arrays.toString(Fixtures.run(m)));
        assertTrue(ten.builds() > 0, "the ranking-10 provider built no layer");

        int fiveBuilds = five.builds();
        tenReg.unregister();
        Osgi.await(() -> m.isAvailable() && Arrays.equals(Fixtures.expected(5f, 1f), Fixtures.run(m)),
                () -> "no fallback to ranking 5; available=" + m.isAvailable());
        assertTrue(five.builds() > fiveBuilds, "the ranking-5 provider did not rebuild the layer");
        assertEquals(1, m.layers().size());
    }
}
