package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.ActivationLayer;
import io.cnnkit.engine.fakes.Fakes;
import io.cnnkit.engine.fakes.FakeLayer;

/**
 * A provider whose bundle is updated during a run can lose its classes half-way (Felix closes
 * the old revision's class loader: NoClassDefFoundError in the layer's code). The run is then
 * repeated on the model's next snapshot instead of failing; the same error with the provider
 * still in place is the caller's to see.
 */
class ProviderLeavesMidRunTest {
    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    /** The 'activation' layer type, whose layers run {@code midRun} before failing as a closed class loader does. */
    static final class Leaving extends ActivationLayer {
        final AtomicInteger forwards = new AtomicInteger();
        Runnable midRun = () -> {
        };

        @Override
        public Layer create(LayerSpec spec, Shape in, BuildContext context) {
            Layer real = super.create(spec, in, context);
            return FakeLayer.sameShape(spec, real.type(), in, (x, y, ctx) -> {
                forwards.incrementAndGet();
                midRun.run();
                throw new NoClassDefFoundError("io/cnnkit/layers/Gone (its bundle revision was refreshed)");
            });
        }
    }

    /** A one-layer relu model built on {@code leaving}, ranked above the engine's own 'activation' provider. */
    private Model model(Leaving leaving) {
        engine.register(leaving, 10);
        return engine.build(engine.parse("{\"input_shape\": [2, 2, 1], \"layers\": [{\"type\": \"activation\", "
                + "\"activation\": \"relu\"}]}"));
    }

    @Test
    void aRunWhoseProviderIsReplacedMidRunIsRepeatedOnTheNewOne() {
        Leaving leaving = new Leaving();
        try (Model m = model(leaving)) {
            // what an update does: the old revision's service leaves (the engine's own provider takes over)
            leaving.midRun = () -> engine.unregister(leaving);
            Tensor x = Tensor.wrap(new float[] {-1, 2, -3, 4}, 1, 2, 2, 1);
            Tensor y = m.predict(x);
            assertEquals(1, leaving.forwards.get());
            assertTrue(y.contentEquals(Tensor.wrap(new float[] {0, 2, 0, 4}, 1, 2, 2, 1)), y.toString());
        }
    }

    @Test
    void theSameErrorWithTheProviderStillInPlaceIsThrown() {
        Leaving leaving = new Leaving();
        try (Model m = model(leaving)) {
            NoClassDefFoundError e = assertThrows(NoClassDefFoundError.class,
                    () -> m.predict(Tensor.zeros(1, 2, 2, 1)));
            assertTrue(e.getMessage().contains("Gone"), e.getMessage());
            assertEquals(1, leaving.forwards.get(), "not retried: nothing changed");
        }
    }
}
