package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;

/**
 * The API lives in its own bundle (io.cnnkit.engine.api), so updating the engine implementation
 * and refreshing it leaves every plug-in's wiring (and class loader) alone: only engine.core
 * gets a new revision, and a model built on the new engine computes what the old one did.
 */
class EngineUpdateTest {
    static final String ENGINE = "io.cnnkit.engine.core";
    static final List<String> PLUG_INS = List.of("io.cnnkit.engine.api", "io.cnnkit.layers.conv",
            "io.cnnkit.layers.pool", "io.cnnkit.layers.dense", "io.cnnkit.layers.merge",
            "io.cnnkit.activations.relu");

    @Test
    void updatingTheEngineRefreshesNoPlugIn() throws Exception {
        String description = "input(6, 6, 2, name=engine_update, seed=3) | conv2d(3, 3, padding=same, name=c)"
                + " | relu | add(@c) | max_pooling2d(2) | flatten | dense(4)";
        Tensor x = Nhwc.input(6, 6, 2);
        Engine before = Osgi.engine();
        float[] expected;
        try (Model m = before.build(before.parse(description))) {
            expected = m.predict(x).toArray();
        }
        Map<String, BundleWiring> wirings = new LinkedHashMap<>();
        for (String bsn : PLUG_INS) {
            wirings.put(bsn, Osgi.bundle(bsn).adapt(BundleWiring.class));
        }
        Bundle engine = Osgi.bundle(ENGINE);
        BundleWiring engineWiring = engine.adapt(BundleWiring.class);
        engine.update();
        FrameworkWiring fw = Osgi.context().getBundle(0).adapt(FrameworkWiring.class);
        List<String> closure = fw.getDependencyClosure(List.of(engine)).stream().map(Bundle::getSymbolicName).toList();
        assertTrue(closure.stream().noneMatch(PLUG_INS::contains), "refreshing engine.core refreshes " + closure);
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(List.of(engine), e -> done.countDown());
        assertTrue(done.await(Osgi.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "refresh did not finish");
        Osgi.await(() -> engine.getState() == Bundle.ACTIVE, () -> "engine.core is not active after the update");

        assertNotSame(engineWiring, engine.adapt(BundleWiring.class), "engine.core has a new revision");
        for (String bsn : PLUG_INS) {
            assertSame(wirings.get(bsn), Osgi.bundle(bsn).adapt(BundleWiring.class), bsn + " was refreshed");
        }
        Engine after = Osgi.engine();
        assertNotSame(before, after, "the engine service is the new revision's");
        try (Model m = after.build(after.parse(description))) {
            assertArrayEquals(expected, m.predict(x).toArray(), "the same model on the updated engine");
            assertEquals(4, m.predict(x).size());
        }
    }
}
