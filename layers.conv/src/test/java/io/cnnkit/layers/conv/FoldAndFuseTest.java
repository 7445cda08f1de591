package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationFusable;
import io.cnnkit.engine.api.AffineFoldable;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ChannelAffine;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.fakes.Activations;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.ShuffledContext;

/**
 * The optimised-plan capabilities of conv2d, depthwise_conv2d and separable_conv2d, layer by
 * layer with random weights: {@code foldAffine} equals the layer followed by the per-channel map
 * (relative 1e-5), {@code fuseActivation} equals the layer followed by the function (bit for bit),
 * neither changes the layer's own weights, and a layer with its own activation takes neither.
 */
class FoldAndFuseTest {
    private static final Activation LINEAR = new Activation() {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public float apply(float x) {
            return x;
        }
    };

    private static final class Context implements BuildContext {
        @Override
        public Activation activation(LayerSpec spec, Object value) {
            return value == null ? LINEAR : new Activations.Tanh();
        }

        @Override
        public Random random() {
            return new Random(5);
        }

        @Override
        public String modelName() {
            return "test";
        }
    }

    private static Layer create(LayerProvider p, Shape input, Object... kv) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put((String) kv[i], kv[i + 1]);
        }
        Layer l = p.create(new LayerSpec(1, p.type(), "l", params), input, new Context());
        Random r = new Random(17);
        for (Tensor w : l.weights().values()) {
            for (int i = 0; i < w.size(); i++) {
                w.data()[w.offset() + i] = (float) r.nextGaussian();
            }
        }
        return l;
    }

    private static Tensor run(Layer l, Tensor x) {
        Tensor y = Tensor.zeros(l.outputShape(Shape.ofSample(x)).withBatch(x.dim(0)));
        l.forward(x, y, new ShuffledContext(3));
        return y;
    }

    static List<Layer> layers() {
        Shape in = Shape.of(7, 6, 4);
        return List.of(
                create(new Conv2dProvider(), in, "filters", 5, "kernel_size", 3, "padding", "same"),
                create(new Conv2dProvider(), in, "filters", 70, "kernel_size", 1, "use_bias", false),
                create(new Conv2dProvider(), in, "filters", 2, "kernel_size", 2, "strides", 2),
                create(new DepthwiseConv2dProvider(), in, "kernel_size", 3, "depth_multiplier", 3),
                create(new DepthwiseConv2dProvider(), in, "kernel_size", 3, "use_bias", false, "padding", "same"),
                create(new SeparableConv2dProvider(), in, "filters", 6, "kernel_size", 3, "depth_multiplier", 2),
                create(new SeparableConv2dProvider(), in, "filters", 3, "kernel_size", 2, "use_bias", false));
    }

    @Test
    void foldedAffineEqualsTheLayerThenTheMap() {
        Random r = new Random(11);
        for (Layer l : layers()) {
            Tensor x = TestModels.random(r, 2, 7, 6, 4);
            Tensor y = run(l, x);
            int c = y.dim(-1);
            float[] scale = new float[c];
            float[] shift = new float[c];
            for (int k = 0; k < c; k++) {
                scale[k] = 0.2f + 2 * r.nextFloat();
                shift[k] = (float) r.nextGaussian();
            }
            Map<String, Tensor> before = copies(l.weights());
            Layer folded = ((AffineFoldable) l).foldAffine(new ChannelAffine(scale, shift));
            assertNotSame(l, folded);
            Tensor want = y.copy();
            for (int i = 0; i < want.size(); i++) {
                want.data()[i] = (float) ((double) want.data()[i] * scale[i % c] + shift[i % c]);
            }
            Approx.assertClose(l.type() + " " + l.weights().keySet() + " folded", want, run(folded, x), 1e-5);
            before.forEach((n, t) -> assertTrue(t.contentEquals(l.weights().get(n)), n + " changed by the fold"));
            assertNull(((AffineFoldable) l).foldAffine(new ChannelAffine(new float[c + 1], new float[c + 1])),
                    "another channel count");
        }
    }

    @Test
    void fusedActivationEqualsTheLayerThenTheFunction() {
        Random r = new Random(12);
        Activation relu = new Activations.Relu();
        for (Layer l : layers()) {
            Tensor x = TestModels.random(r, 2, 7, 6, 4);
            Tensor want = run(l, x);
            relu.apply(want.data(), 0, want.data(), 0, want.size(), want.dim(-1));
            Layer fused = ((ActivationFusable) l).fuseActivation(relu);
            assertTrue(want.contentEquals(run(fused, x)), l.type() + " with relu fused");
            assertNull(((ActivationFusable) fused).fuseActivation(relu), "one activation per kernel");
            assertNull(((AffineFoldable) fused).foldAffine(new ChannelAffine(new float[want.dim(-1)],
                    new float[want.dim(-1)])), "no fold after a non-linear activation");
        }
    }

    @Test
    void aLayerWithItsOwnActivationTakesNeither() {
        Layer l = create(new Conv2dProvider(), Shape.of(5, 5, 2), "filters", 3, "kernel_size", 3, "activation",
                "tanh");
        assertNull(((AffineFoldable) l).foldAffine(new ChannelAffine(new float[3], new float[3])));
        assertNull(((ActivationFusable) l).fuseActivation(new Activations.Relu()));
        assertEquals(3, l.outputShape().dim(-1));
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> w) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        w.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }
}
