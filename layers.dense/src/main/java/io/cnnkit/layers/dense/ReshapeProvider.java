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
 * reshape: Keras Reshape(target_shape) (Keras 1, 2 and 3 use the same key). The per-sample
 * shape becomes target_shape, whose one optional -1 takes what is left; the elements keep
 * their row-major order over the NHWC data, as Keras (numpy/tf.reshape) does.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "reshape", keras_class = {"Reshape"})
public class ReshapeProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("target_shape");

    @Override
    public List<String> positionalParameters() {
        return List.of("target_shape");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /** Configuration: the target shape with at most one -1 (index {@code free}, or -1 when none). */
    record Config(int[] target, int free) {
        static Config of(LayerSpec spec) {
            if (!spec.has("target_shape")) {
                throw spec.paramError("target_shape", "is required (the per-sample shape, e.g. [8, 8, 3] or [-1, 16])");
            }
            int[] t = spec.getIntList("target_shape");
            if (t.length == 0) {
                throw spec.paramError("target_shape", "must name at least one dimension, got []");
            }
            int free = -1;
            for (int i = 0; i < t.length; i++) {
                if (t[i] == -1) {
                    if (free >= 0) {
                        throw spec.paramError("target_shape", "may hold at most one -1 (the dimension inferred "
                                + "from the others), got " + LayerSpec.describe(spec.raw("target_shape")));
                    }
                    free = i;
                } else if (t[i] <= 0) {
                    throw spec.paramError("target_shape", "must hold positive sizes and at most one -1, got "
                            + LayerSpec.describe(spec.raw("target_shape")));
                }
            }
            return new Config(t, free);
        }

        /** Product of the given sizes (the -1 left out). */
        long known() {
            long n = 1;
            for (int d : target) {
                if (d != -1) {
                    n *= d;
                }
            }
            return n;
        }

        String describe() {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < target.length; i++) {
                b.append(i == 0 ? "" : ", ").append(target[i]);
            }
            return b.append(']').toString();
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Reshape layer = new Reshape(spec, Config.of(spec), inputShape);
        layer.outputShape(inputShape); // a known input that does not fit fails at build time
        return layer;
    }

    static final class Reshape extends AbstractLayer {
        private final Config config;

        Reshape(LayerSpec spec, Config config, Shape inputShape) {
            super(spec, spec.type(), inputShape);
            this.config = config;
        }

        /**
         * target_shape with the -1 resolved. With open input dimensions the -1 stays open (None,
         * as Keras prints it) and a target without -1 is taken as given; the run checks the count.
         */
        @Override
        public Shape outputShape(Shape input) {
            int[] out = config.target.clone();
            if (!input.isFullyKnown()) {
                return Shape.of(out); // the -1 is Shape.UNKNOWN already
            }
            long n = input.elementCount();
            long known = config.known();
            if (config.free >= 0) {
                if (n % known != 0) {
                    throw spec.paramError("target_shape", config.describe() + " cannot hold the input " + input
                            + ": its " + n + " values per sample are not a multiple of " + known);
                }
                long free = n / known;
                if (free > Integer.MAX_VALUE) {
                    throw spec.paramError("target_shape", config.describe() + " would give a dimension of " + free);
                }
                if (free == 0) {
                    throw spec.paramError("target_shape", config.describe() + " would give an empty output for "
                            + "the input " + input);
                }
                out[config.free] = (int) free;
            } else if (n != known) {
                throw spec.paramError("target_shape", config.describe() + " holds " + known
                        + " values per sample but the input " + input + " has " + n
                        + "; the total size must stay the same");
            }
            return Shape.of(out);
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            Copy.samples(input, output, context);
        }
    }
}
