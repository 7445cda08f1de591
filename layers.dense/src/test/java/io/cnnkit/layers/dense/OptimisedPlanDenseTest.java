package io.cnnkit.layers.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.ActivationFunctionLayer;
import io.cnnkit.engine.api.ChannelAffine;
import io.cnnkit.engine.api.ChannelAffineLayer;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.PlanOptimisation;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.ShuffledContext;

/**
 * This bundle's part of the optimised plan, through a real engine with random weights: dense
 * takes a following batch_normalization into its weights and a following relu / relu6 activation
 * layer into its kernel, dropout is left out; predict agrees with trace (relative 1e-5) and is
 * bit-identical for 1 to 4 threads. BatchNormalization's affine map is its forward pass.
 */
class OptimisedPlanDenseTest {
    private static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian();
        }
        return t;
    }

    private static void randomWeights(Model m, Random r) {
        Map<String, Map<String, Tensor>> all = m.weights();
        all.forEach((layer, ws) -> ws.forEach((name, t) -> {
            for (int i = 0; i < t.size(); i++) {
                t.data()[t.offset() + i] = name.equals("moving_variance") ? 0.2f + 2 * r.nextFloat()
                        : (float) r.nextGaussian();
            }
        }));
        m.setWeights(all);
    }

    @Test
    void denseBatchNormActivationDropoutBecomeOneDense() {
        for (String fn : List.of("relu", "relu6")) {
            try (StandaloneEngine e = Harness.engineWithRealActivations();
                    Model m = Harness.build(e, Shape.of(4, 6), Harness.spec("dense", "units", 8),
                            Harness.spec("batch_normalization"), Harness.spec("activation", "activation", fn),
                            Harness.spec("dropout", "rate", 0.3), Harness.spec("dense", "units", 3))) {
                randomWeights(m, new Random(3));
                PlanOptimisation o = m.optimisation();
                assertEquals(new PlanOptimisation(5, 2, Map.of("batch_normalization", 1), Map.of("activation", 1),
                        Map.of("dropout", 1)), o, o.format());
                Tensor x = random(new Random(4), 3, 4, 6);
                List<Stage> t = m.trace(x);
                Tensor one = m.predict(x, RunOptions.DEFAULT.withThreads(1));
                Approx.assertClose(fn + ": optimised predict vs trace", t.get(t.size() - 1).output(), one, 1e-5);
                for (int threads = 2; threads <= 4; threads++) {
                    assertTrue(one.contentEquals(m.predict(x, RunOptions.DEFAULT.withThreads(threads))), fn + " "
                            + threads + " threads");
                }
            }
        }
    }

    @Test
    void batchNormalizationsAffineMapIsItsForwardPass() {
        BatchNormalizationProvider p = new BatchNormalizationProvider();
        Layer bn = p.create(Harness.spec("batch_normalization", "epsilon", 0.01).withName("bn"), Shape.of(3, 5), context());
        Random r = new Random(9);
        for (Tensor w : bn.weights().values()) {
            for (int i = 0; i < w.size(); i++) {
                w.data()[i] = 0.2f + 2 * r.nextFloat();
            }
        }
        Tensor x = random(r, 2, 3, 5);
        Tensor y = Tensor.zeros(2, 3, 5);
        bn.forward(x, y, new ShuffledContext(1));
        ChannelAffine a = ((ChannelAffineLayer) bn).channelAffine();
        Tensor z = x.copy();
        for (int i = 0; i < z.size(); i++) {
            z.data()[i] = z.data()[i] * a.scale()[i % 5] + a.shift()[i % 5];
        }
        Approx.assertClose("x * scale + shift", y, z, 1e-5);
        Layer other = p.create(Harness.spec("batch_normalization", "axis", 1).withName("bn1"), Shape.of(3, 5),
                context());
        assertNull(((ActivationFunctionLayer) new ActivationLayerProvider().create(
                Harness.spec("activation", "activation", "softmax").withName("s"), Shape.of(5), context()))
                .function(), "softmax is not element-wise");
        assertNull(((ChannelAffineLayer) other).channelAffine(), "not on the last axis");
    }

    private static io.cnnkit.engine.api.BuildContext context() {
        return new io.cnnkit.engine.api.BuildContext() {
            @Override
            public io.cnnkit.engine.api.Activation activation(io.cnnkit.engine.api.LayerSpec spec, Object value) {
                return new io.cnnkit.activations.softmax.Softmax();
            }

            @Override
            public Random random() {
                return new Random(1);
            }

            @Override
            public String modelName() {
                return "test";
            }
        };
    }
}
