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
 * permute: Keras Permute(dims) (the same key in Keras 1, 2 and 3). dims is a permutation of
 * 1..rank numbering the per-sample axes from 1 as Keras does (the batch axis stays first):
 * output axis i is input axis dims[i], so (None, H, W, C) with dims [3, 1, 2] gives
 * (None, C, H, W).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "permute", keras_class = {"Permute"})
public class PermuteProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("dims");

    @Override
    public List<String> positionalParameters() {
        return List.of("dims");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /** Configuration: the permutation, 0-based into the per-sample axes. */
    record Config(int[] perm) {
        static Config of(LayerSpec spec, Shape input) {
            if (!spec.has("dims")) {
                throw spec.paramError("dims", "is required (a permutation of 1.." + input.rank()
                        + ", e.g. [2, 1] swaps the first two axes after the batch)");
            }
            int[] dims = spec.getIntList("dims");
            if (input.rank() == 0) {
                throw spec.error("has no axes to permute in the input " + input);
            }
            if (dims.length != input.rank()) {
                throw spec.paramError("dims", "must list all " + input.rank() + " axes of the input " + input
                        + " (a permutation of 1.." + input.rank() + "), got " + LayerSpec.describe(spec.raw("dims")));
            }
            boolean[] seen = new boolean[dims.length];
            int[] perm = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                int d = dims[i];
                if (d < 1 || d > dims.length || seen[d - 1]) {
                    throw spec.paramError("dims", "must be a permutation of 1.." + dims.length
                            + " (1 = the first axis after the batch), got " + LayerSpec.describe(spec.raw("dims")));
                }
                seen[d - 1] = true;
                perm[i] = d - 1;
            }
            return new Config(perm);
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new Permute(spec, Config.of(spec, inputShape), inputShape);
    }

    static final class Permute extends AbstractLayer {
        private final int[] perm;

        Permute(LayerSpec spec, Config config, Shape inputShape) {
            super(spec, spec.type(), inputShape);
            this.perm = config.perm;
        }

        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() != perm.length) {
                throw spec.error("was built for inputs of rank " + perm.length + " " + inputShape() + ", got " + input);
            }
            int[] out = new int[perm.length];
            for (int i = 0; i < perm.length; i++) {
                out[i] = input.dim(perm[i]);
            }
            return Shape.of(out);
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        /**
         * One task item per output row (all output axes but the last): it decodes the row's
         * coordinates once and then reads the input with the stride of the last output axis.
         */
        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int[] shape = input.shape();
            int rank = perm.length;
            int[] inStride = new int[rank];
            int s = 1;
            for (int d = rank - 1; d >= 0; d--) {
                inStride[d] = s;
                s *= shape[d + 1];
            }
            int sampleSize = s;
            int[] outDims = new int[rank];
            int[] src = new int[rank];
            for (int i = 0; i < rank; i++) {
                outDims[i] = shape[perm[i] + 1];
                src[i] = inStride[perm[i]];
            }
            int rowLen = outDims[rank - 1];
            if (rowLen == 0 || sampleSize == 0) {
                return;
            }
            int rowsPerSample = sampleSize / rowLen;
            int rows = input.dim(0) * rowsPerSample;
            int lastStride = src[rank - 1];
            float[] x = input.data();
            float[] y = output.data();
            int xo = input.offset();
            int yo = output.offset();
            context.parallelFor(rows, 2L * rowLen, (from, to) -> {
                for (int row = from; row < to; row++) {
                    int n = row / rowsPerSample;
                    int r = row % rowsPerSample;
                    int base = xo + n * sampleSize;
                    for (int i = rank - 2; i >= 0; i--) {
                        base += (r % outDims[i]) * src[i];
                        r /= outDims[i];
                    }
                    int dst = yo + row * rowLen;
                    for (int j = 0; j < rowLen; j++) {
                        y[dst + j] = x[base + j * lastStride];
                    }
                }
            });
        }
    }
}
