package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceRegistration;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.osgitest.plugin.TestGain;
import io.cnnkit.osgitest.plugin.TestScaleProvider;

/** An activation function registered, removed, re-registered and outranked while a model uses it. */
class ActivationHotSwapTest {
    private final Fixtures f = new Fixtures();

    @BeforeEach
    void registerLayer() {
        f.track(Osgi.register(new TestScaleProvider(0f), 0));
        Osgi.await(() -> f.engine.layerTypes().contains(TestScaleProvider.TYPE), () -> "test_scale never bound");
    }

    @AfterEach
    void cleanUp() {
        f.close();
        Osgi.await(() -> !f.engine.activations().contains(TestGain.NAME),
                () -> "test_gain still listed after cleanup: " + f.engine.activations());
    }

    @Test
    void activationRegisteredAtRuntimeIsUsedRemovedAndRestored() {
        assertFalse(f.engine.activations().contains(TestGain.NAME), "test_gain before registration");
        ServiceRegistration<Activation> reg = f.track(Osgi.register(new TestGain(2f), 0));
        Osgi.await(() -> f.engine.activations().contains(TestGain.NAME), () -> "activations() = " + f.engine.activations());

        String origin = f.engine.providers().get("activation " + TestGain.NAME);
        assertNotNull(origin, "providers() = " + f.engine.providers());
        assertTrue(origin.contains("io.cnnkit.osgi.test"), "activation origin " + origin);

        Model m = f.build("act_swap", TestGain.NAME);
        float[] before = Fixtures.run(m);
        assertArrayEquals(Fixtures.expected(0f, 2f), before);

        reg.unregister();
        Osgi.await(() -> !m.isAvailable(), () -> "model still available after the activation left");
        assertNotNull(m.unavailableReason());
        assertTrue(m.unavailableReason().contains(TestGain.NAME), "reason: " + m.unavailableReason());
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> Fixtures.run(m));
        assertTrue(e.missing().contains("activation " + TestGain.NAME), "missing: " + e.missing());

        f.track(Osgi.register(new TestGain(2f), 0));
        Osgi.await(m::isAvailable, () -> "model not available again: " + m.unavailableReason());
        assertArrayEquals(before, Fixtures.run(m), "output after re-registration differs");
    }

    @Test
    void highestRankingActivationWinsAndTheNextTakesOverWhenItLeaves() {
        f.track(Osgi.register(new TestGain(5f), 5));
        Osgi.await(() -> f.engine.activations().contains(TestGain.NAME), () -> "test_gain never bound");
        Model m = f.build("act_ranked", TestGain.NAME);
        assertArrayEquals(Fixtures.expected(0f, 5f), Fixtures.run(m), "only gain 5 (ranking 5) is present");

        ServiceRegistration<Activation> tenReg = f.track(Osgi.register(new TestGain(10f), 10));
        Osgi.await(() -> Arrays.equals(Fixtures.expected(0f, 10f), Fixtures.run(m)),
                () -> "ranking 10 not used; output " + Arrays.toString(Fixtures.run(m)));

        tenReg.unregister();
        Osgi.await(() -> m.isAvailable() && Arrays.equals(Fixtures.expected(0f, 5f), Fixtures.run(m)),
                () -> "no fallback to ranking 5; available=" + m.isAvailable());
    }
}
