package io.cnnkit.layers.dense;

import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * rescaling: Keras Rescaling (Keras 2 and 3), y = x * scale + offset in float32, as Keras
 * computes {@code cast(x) * cast(scale) + cast(offset)}. scale (default 1) and offset
 * (default 0) are numbers, or, as Keras 3 allows, arrays (nested lists or Keras 3's
 * serialized NumPy arrays) that broadcast against the input with NumPy's rules, e.g. one value
 * per channel [0.5, 2, -1] for (None, H, W, 3). Arrays may not grow the input (Keras's output
 * shape is the input shape) and may not vary along the batch axis. No weights.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "rescaling", keras_class = {"Rescaling"})
public class RescalingProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("scale", "offset");

    @Override
    public List<String> positionalParameters() {
        return List.of("scale", "offset");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /**
     * Configuration: the per-sample axes (0-based, increasing) along which scale or offset vary,
     * and both expanded to those axes' shape (row-major); a single value each when none vary.
     */
    record Config(int[] axes, float[] scale, float[] offset) {
        static Config of(LayerSpec spec, Shape input) {
            Values s = spec.has("scale") ? Values.parse(spec, "scale") : new Values(new int[0], new double[] {1});
            Values o = spec.has("offset") ? Values.parse(spec, "offset") : new Values(new int[0], new double[] {0});
            int rank = input.rank();
            int[] ss = align(spec, "scale", s, input);
            int[] os = align(spec, "offset", o, input);
            int count = 0;
            int[] target = new int[rank];
            for (int d = 0; d < rank; d++) {
                target[d] = Math.max(ss[d], os[d]);
                if (target[d] != 1) {
                    count++;
                }
            }
            int[] axes = new int[count];
            for (int d = 0, i = 0; d < rank; d++) {
                if (target[d] != 1) {
                    axes[i++] = d;
                }
            }
            float[] scale = new Values(ss, s.data()).broadcastTo(target);
            float[] offset = new Values(os, o.data()).broadcastTo(target);
            return new Config(axes, scale, offset);
        }

        /**
         * The value's shape as a per-sample shape of the input's rank: leading (batch) axes
         * dropped, 1s added in front; every size 1 or the input's (known) size.
         */
        private static int[] align(LayerSpec spec, String param, Values v, Shape input) {
            int rank = input.rank();
            int[] shape = v.shape();
            if (v.data().length == 0) {
                throw spec.paramError(param, "must hold at least one value, got " + LayerSpec.describe(spec.raw(param)));
            }
            int[] out = new int[rank];
            java.util.Arrays.fill(out, 1);
            for (int j = shape.length - 1, d = rank - 1; j >= 0; j--, d--) {
                int sd = shape[j];
                if (d < 0) {
                    if (sd != 1 || d < -1) {
                        throw spec.paramError(param, "of shape " + v.shapeString() + " does not broadcast to the "
                                + "input " + input + ": it would " + (d == -1 ? "vary along the batch axis"
                                        : "add axes in front of the batch axis"));
                    }
                    continue;
                }
                if (sd != 1) {
                    if (!input.isKnown(d)) {
                        throw spec.paramError(param, "of shape " + v.shapeString() + " varies along axis " + (d + 1)
                                + " of the input " + input + ", whose size is open; fix the input size");
                    }
                    if (sd != input.dim(d)) {
                        throw spec.paramError(param, "of shape " + v.shapeString() + " does not broadcast to the "
                                + "input " + input + ": size " + sd + " against " + input.dim(d) + " on axis "
                                + (d + 1) + " (sizes must be 1 or equal)");
                    }
                }
                out[d] = sd;
            }
            return out;
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new Rescaling(spec, Config.of(spec, inputShape), inputShape);
    }

    static final class Rescaling extends AbstractLayer {
        private final Config config;

        Rescaling(LayerSpec spec, Config config, Shape inputShape) {
            super(spec, spec.type(), inputShape);
            this.config = config;
        }

        @Override
        public Shape outputShape(Shape input) {
            if (!inputShape().accepts(input)) {
                throw spec.error("was built for inputs " + inputShape() + ", got " + input);
            }
            return input;
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        /** One task item per group of the varying axes (a row of the channels for per-channel values). */
        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int[] shape = input.shape();
            AxisGroups g = new AxisGroups(java.util.Arrays.copyOfRange(shape, 1, shape.length), config.axes);
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            float[] sc = config.scale;
            float[] of = config.offset;
            int len = g.length;
            int groups = g.groups;
            int items = input.dim(0) * groups;
            if (items == 0 || len == 0) {
                return;
            }
            if (len == 1) {
                // scalar scale and offset: blocks of consecutive elements
                float s0 = sc[0];
                float o0 = of[0];
                int n = input.size();
                int blocks = (n + Copy.BLOCK - 1) / Copy.BLOCK;
                context.parallelFor(blocks, 2L * Copy.BLOCK, (from, to) -> {
                    int end = (int) Math.min(n, (long) to * Copy.BLOCK);
                    for (int i = from * Copy.BLOCK; i < end; i++) {
                        y[yo + i] = x[xo + i] * s0 + o0;
                    }
                });
                return;
            }
            int sampleSize = g.sampleSize;
            context.parallelFor(items, 2L * len, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int base = (item / groups) * sampleSize + g.base(item % groups);
                    for (int k = 0; k < len; k++) {
                        int i = base + g.offset(k);
                        y[yo + i] = x[xo + i] * sc[k] + of[k];
                    }
                }
            });
        }
    }
}
