package io.cnnkit.osgitest.plugin;

import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * A real layer plug-in registered by the tests: {@code test_scale} multiplies every channel
 * by its weight {@code scale[c]}, adds this provider's fixed {@code shift} (so a test can
 * tell which of two providers built the layer), then applies the optional {@code activation}.
 */
public final class TestScaleProvider implements LayerProvider {
    public static final String TYPE = "test_scale";

    private final float shift;
    private final AtomicInteger builds = new AtomicInteger();
    private volatile WeakReference<Layer> lastLayer = new WeakReference<>(null);

    public TestScaleProvider(float shift) {
        this.shift = shift;
    }

    public float shift() {
        return shift;
    }

    /** How many layers this provider has built. */
    public int builds() {
        return builds.get();
    }

    /** The layer built last, weakly held (for leak checks). */
    public WeakReference<Layer> lastLayer() {
        return lastLayer;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> parameters() {
        return Set.of("activation");
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        if (!inputShape.isKnown(-1)) {
            throw spec.error("needs a known channel count, got input " + inputShape);
        }
        int channels = inputShape.dim(-1);
        Activation act = spec.has("activation") ? context.activation(spec, spec.raw("activation")) : null;
        float[] init = new float[channels];
        var random = context.random();
        for (int c = 0; c < channels; c++) {
            init[c] = random.nextFloat();
        }
        Layer layer = new ScaleLayer(spec.name(), inputShape, Tensor.wrap(init, channels), shift, act);
        builds.incrementAndGet();
        lastLayer = new WeakReference<>(layer);
        return layer;
    }

    private static final class ScaleLayer implements Layer {
        private final String name;
        private final Shape inputShape;
        private final Tensor scale;
        private final float shift;
        private final Activation activation;

        ScaleLayer(String name, Shape inputShape, Tensor scale, float shift, Activation activation) {
            this.name = name;
            this.inputShape = inputShape;
            this.scale = scale;
            this.shift = shift;
            this.activation = activation;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Shape inputShape() {
            return inputShape;
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            float[] in = input.data();
            float[] out = output.data();
            float[] s = scale.data();
            int io = input.offset();
            int oo = output.offset();
            int channels = s.length;
            int n = input.size();
            for (int i = 0; i < n; i++) {
                out[oo + i] = in[io + i] * s[i % channels] + shift;
            }
            if (activation != null) {
                activation.apply(out, oo, out, oo, n, channels);
            }
        }

        @Override
        public Map<String, Tensor> weights() {
            Map<String, Tensor> w = new LinkedHashMap<>();
            w.put("scale", scale);
            return w;
        }
    }
}
