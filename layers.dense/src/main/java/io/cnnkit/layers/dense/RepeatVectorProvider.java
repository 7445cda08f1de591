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
 * repeat_vector: Keras RepeatVector(n) (the same key in Keras 1, 2 and 3). A batch of vectors
 * (None, features) becomes (None, n, features), each vector repeated n times. Keras accepts
 * only 2-D inputs; so does this layer.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "repeat_vector", keras_class = {"RepeatVector"})
public class RepeatVectorProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("n");

    @Override
    public List<String> positionalParameters() {
        return List.of("n");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /** Configuration: the repeat count. */
    record Config(int n) {
        static Config of(LayerSpec spec) {
            return new Config(spec.requirePositive("n"));
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Config config = Config.of(spec);
        if (inputShape.rank() != 1) {
            throw spec.error("repeats vectors: its input must be (None, features), got " + inputShape
                    + "; flatten it first (Keras RepeatVector also takes 2-D inputs only)");
        }
        return new RepeatVector(spec, config, inputShape);
    }

    static final class RepeatVector extends AbstractLayer {
        private final int n;

        RepeatVector(LayerSpec spec, Config config, Shape inputShape) {
            super(spec, spec.type(), inputShape);
            this.n = config.n;
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() != 1) {
                throw spec.error("expects inputs (None, features), got " + input);
            }
            return Shape.of(n, input.dim(0));
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        /** One task item per output row (sample, repeat): a copy of the sample's vector. */
        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int features = input.dim(1);
            int rows = input.dim(0) * n;
            if (features == 0 || rows == 0) {
                return;
            }
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            int reps = n;
            context.parallelFor(rows, features, (from, to) -> {
                for (int row = from; row < to; row++) {
                    System.arraycopy(x, xo + (row / reps) * features, y, yo + row * features, features);
                }
            });
        }
    }
}
