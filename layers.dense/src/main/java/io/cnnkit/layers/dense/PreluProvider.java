package io.cnnkit.layers.dense;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * prelu: Keras PReLU, y = x for x > 0 else alpha * x with a learned alpha. alpha has the
 * per-sample input shape with the shared_axes (Keras numbering, 1 = first axis after the
 * batch) set to 1, and is broadcast over them.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "prelu", keras_class = {"PReLU"})
public class PreluProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("alpha_initializer", "shared_axes");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /** Keras 1 names the initializer {@code init} and has no shared_axes. */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config));
        if (!out.containsKey("alpha_initializer") && config.get("init") != null) {
            out.put("alpha_initializer", config.get("init"));
        }
        return out;
    }

    /** Configuration: which per-sample axes (0-based) share one alpha. */
    record Config(boolean[] shared) {
        static Config of(LayerSpec spec, Shape input) {
            boolean[] shared = new boolean[input.rank()];
            int[] axes = spec.getIntList("shared_axes");
            if (axes != null) {
                for (int a : axes) {
                    if (a < 1 || a > input.rank()) {
                        throw spec.paramError("shared_axes", "holds axis " + a + " but the input " + input
                                + " has axes 1.." + input.rank() + " (axis 0 is the batch)");
                    }
                    shared[a - 1] = true;
                }
            }
            return new Config(shared);
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new Prelu(spec, Config.of(spec, inputShape), inputShape, context);
    }

    static final class Prelu extends AbstractLayer {
        private final Config config;
        private final int[] alphaShape;
        private final Tensor alpha;

        Prelu(LayerSpec spec, Config config, Shape inputShape, BuildContext context) {
            super(spec, spec.type(), inputShape);
            this.config = config;
            alphaShape = new int[inputShape.rank()];
            for (int d = 0; d < alphaShape.length; d++) {
                if (config.shared[d]) {
                    alphaShape[d] = 1;
                } else if (!inputShape.isKnown(d)) {
                    throw spec.error("axis " + (d + 1) + " of the input " + inputShape
                            + " is open; alpha needs its size: fix the input size or add " + (d + 1)
                            + " to shared_axes");
                } else {
                    alphaShape[d] = inputShape.dim(d);
                }
            }
            this.alpha = weights.add("alpha", Initializers.resolve(spec, "alpha_initializer", "zeros"),
                    context.random(), alphaShape);
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() != alphaShape.length) {
                throw spec.error("was built for inputs " + inputShape() + ", got " + input);
            }
            for (int d = 0; d < alphaShape.length; d++) {
                if (!config.shared[d] && input.dim(d) != alphaShape[d]) {
                    throw spec.error("was built for inputs " + inputShape() + " (alpha " + Shape.format(alphaShape)
                            + "), got " + input);
                }
            }
            return input;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            float[] a = broadcastAlpha(input.shape());
            int per = a.length;
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            context.parallelFor(input.dim(0), 2L * per, (from, to) -> {
                for (int n = from; n < to; n++) {
                    for (int i = 0; i < per; i++) {
                        float v = x[xo + n * per + i];
                        // + 0f: Keras computes relu(x) - alpha * relu(-x), which gives +0, not -0, for alpha 0
                        y[yo + n * per + i] = v > 0 ? v : a[i] * v + 0f;
                    }
                }
            });
        }

        /** alpha expanded to one sample of {@code batched}'s shape (shared axes repeated). */
        private float[] broadcastAlpha(int[] batched) {
            int rank = batched.length - 1;
            int per = 1;
            for (int d = 1; d <= rank; d++) {
                per *= batched[d];
            }
            int[] alphaStride = new int[rank];
            int s = 1;
            for (int d = rank - 1; d >= 0; d--) {
                alphaStride[d] = config.shared[d] ? 0 : s;
                s *= alphaShape[d];
            }
            float[] src = alpha.data();
            int off = alpha.offset();
            float[] out = new float[per];
            int[] idx = new int[rank];
            int ai = 0;
            for (int i = 0; i < per; i++) {
                out[i] = src[off + ai];
                // odometer over the sample's axes, keeping the alpha index in step
                for (int d = rank - 1; d >= 0; d--) {
                    idx[d]++;
                    ai += alphaStride[d];
                    if (idx[d] < batched[d + 1]) {
                        break;
                    }
                    ai -= alphaStride[d] * idx[d];
                    idx[d] = 0;
                }
            }
            return out;
        }
    }
}
