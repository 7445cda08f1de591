package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelUnavailableException;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.ActivationLayer;
import io.cnnkit.engine.fakes.Activations;
import io.cnnkit.engine.fakes.NaiveConv2d;
import io.cnnkit.engine.fakes.NaiveDense;
import io.cnnkit.engine.fakes.NaiveFlatten;

/** Providers coming and going in a StandaloneEngine, as bundles do in OSGi. */
class HotSwapTest {
    private static final RunOptions NO_WAIT = RunOptions.DEFAULT.withWaitMillis(0);
    private static final String LINE = "input(9, 9, 3, name=walk, seed=11) | conv2d(4, 3, name=conv_1) | relu "
            + "| flatten | dense(5, name=dens_1)";

    private final StandaloneEngine engine = Engines.standalone();
    private final NaiveConv2d conv = new NaiveConv2d();
    private final Activations.Relu relu = new Activations.Relu();
    private final Tensor x = BuildTest.random(4, 1, 9, 9, 3);

    HotSwapTest() {
        engine.register(conv);
        engine.register(new ActivationLayer());
        engine.register(new NaiveFlatten());
        engine.register(new NaiveDense());
        engine.register(relu);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void missingTypeMakesTheModelUnavailableUntilItReturns() {
        Model m = engine.build(engine.parse(LINE));
        Tensor before = m.predict(x);
        assertTrue(m.isAvailable());
        assertNull(m.unavailableReason());

        engine.unregister(conv);
        assertFalse(m.isAvailable());
        assertTrue(m.unavailableReason().contains("conv2d"), m.unavailableReason());
        var e = assertThrows(ModelUnavailableException.class, () -> m.predict(x, NO_WAIT));
        assertTrue(e.getMessage().contains("conv2d"), e.getMessage());
        assertTrue(e.getMessage().contains("'walk'"), e.getMessage());
        assertEquals(java.util.Set.of("layer type conv2d"), e.missing());
        assertFalse(engine.layerTypes().contains("conv2d"));

        engine.register(conv);
        assertTrue(m.isAvailable());
        assertTrue(before.contentEquals(m.predict(x, NO_WAIT)), "same weights after the type returned");

        engine.register(new NaiveConv2d()); // an equal-ranked newcomer does not replace the first
        engine.unregister(conv);
        assertTrue(m.isAvailable(), "the other conv2d provider takes over");
        assertTrue(before.contentEquals(m.predict(x, NO_WAIT)), "a fresh provider instance gets the same weights");
    }

    @Test
    void missingActivationIsNamedToo() {
        Model m = engine.build(engine.parse(LINE));
        engine.unregister(relu);
        var e = assertThrows(ModelUnavailableException.class, () -> m.predict(x, NO_WAIT));
        assertTrue(e.getMessage().contains("activation relu"), e.getMessage());
        engine.register(new Activations.Relu());
        assertTrue(m.isAvailable());
    }

    @Test
    void aRunWaitsForAShortAbsence() throws Exception {
        Model m = engine.build(engine.parse(LINE));
        Tensor before = m.predict(x);
        engine.unregister(conv);
        Thread back = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            engine.register(conv);
        });
        back.start();
        Tensor after = m.predict(x, RunOptions.DEFAULT.withWaitMillis(20_000));
        back.join();
        assertTrue(before.contentEquals(after));
    }

    @Test
    void higherRankingWinsAndRemovingItFallsBack() {
        Model m = engine.build(engine.parse(LINE));
        Tensor before = m.predict(x);
        assertEquals(2, conv.created.get(), "built, then rebuilt at the first run to draw its initial values");

        NaiveConv2d better = new NaiveConv2d();
        engine.register(better, 10);
        assertEquals(1, better.created.get(), "the model was rebuilt with the higher-ranked provider");
        assertTrue(before.contentEquals(m.predict(x)), "weights carried over by layer name");

        NaiveConv2d worse = new NaiveConv2d();
        engine.register(worse, -5);
        assertEquals(0, worse.created.get(), "a lower-ranked provider is not used");
        NaiveConv2d lowest = new NaiveConv2d();
        engine.register(lowest, Integer.MIN_VALUE); // the lowest ranking there is (its negation overflows)
        assertEquals(0, lowest.created.get(), "the lowest ranking is never preferred");
        engine.unregister(lowest);

        engine.unregister(better);
        assertEquals(3, conv.created.get(), "removing the best falls back to the next one");
        assertTrue(before.contentEquals(m.predict(x)));
        assertEquals(0, worse.created.get());
    }

    @Test
    void aRankingChangeSwitchesProvider() {
        Model m = engine.build(engine.parse(LINE));
        Tensor before = m.predict(x);
        NaiveConv2d other = new NaiveConv2d();
        engine.register(other, -1);
        assertEquals(0, other.created.get());
        EngineImpl impl = (EngineImpl) engine;
        impl.updateLayerRanking(impl.serviceIdOf(other), 3); // what DS's updated callback does
        assertEquals(1, other.created.get(), "the re-ranked provider now builds the model");
        assertTrue(before.contentEquals(m.predict(x)));
        impl.updateLayerRanking(impl.serviceIdOf(other), -3);
        assertEquals(3, conv.created.get(), "ranked down again: back to the first provider (built, drawn, now)");
    }

    @Test
    void anUnregisteredProvidersLayersCanBeCollected() throws InterruptedException {
        Model m = engine.build(engine.parse(LINE));
        NaiveConv2d fresh = new NaiveConv2d();
        engine.register(fresh, 10);
        assertEquals(1, fresh.created.get());
        WeakReference<Layer> layer = fresh.layers.get(0);
        assertTrue(layer.get() != null, "the model holds the layer while it runs on it");
        m.predict(x);

        engine.unregister(fresh);
        assertTrue(m.isAvailable(), "rebuilt on the remaining provider");
        long deadline = System.currentTimeMillis() + 10_000;
        while (layer.get() != null && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(layer.get(), "nothing keeps the unregistered provider's layer alive");
        m.predict(x);
    }

    @Test
    void setWeightsSurviveASwap() {
        Model m = engine.build(engine.parse(LINE));
        Tensor kernel = Tensor.zeros(3, 3, 3, 4);
        Arrays.fill(kernel.data(), 0.12f);
        Tensor bias = Tensor.wrap(new float[] {1, -1, 2, -2}, 4);
        m.setWeights("conv_1", Map.of("kernel", kernel, "bias", bias));
        assertTrue(m.weights().get("conv_1").get("kernel").contentEquals(kernel));
        Tensor set = m.predict(x);

        engine.unregister(conv);
        assertFalse(m.isAvailable());
        NaiveConv2d again = new NaiveConv2d();
        engine.register(again);
        assertEquals(1, again.created.get());
        assertTrue(m.weights().get("conv_1").get("kernel").contentEquals(kernel));
        assertTrue(m.weights().get("conv_1").get("bias").contentEquals(bias));
        assertTrue(set.contentEquals(m.predict(x)));

        kernel.data()[0] = 99f; // the model keeps its own copy
        assertEquals(0.12f, m.weights().get("conv_1").get("kernel").get(0, 0, 0, 0));
    }

    @Test
    void weightsSetWhileUnavailableApplyWhenTheTypeReturns() {
        Model m = engine.build(engine.parse(LINE));
        engine.unregister(conv);
        Tensor bias = Tensor.wrap(new float[] {5, 5, 5, 5}, 4);
        m.setWeights("conv_1", Map.of("bias", bias));
        engine.register(conv);
        assertTrue(m.weights().get("conv_1").get("bias").contentEquals(bias));
        var trace = m.trace(Tensor.zeros(1, 9, 9, 3));
        assertEquals(5f, trace.get(1).output().get(0, 3, 3, 2), "zero input: the conv output is its bias");
    }

    @Test
    void closedModelsStopTracking() {
        Model m = engine.build(engine.parse(LINE));
        assertEquals(1, engine.models().size());
        m.close();
        assertEquals(0, engine.models().size());
        var e = assertThrows(io.cnnkit.engine.api.ModelException.class, () -> m.predict(x, NO_WAIT));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        engine.unregister(conv);
        engine.register(conv);
        assertFalse(m.isAvailable());
    }
}
