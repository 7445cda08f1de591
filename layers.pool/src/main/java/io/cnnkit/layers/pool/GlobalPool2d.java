package io.cnnkit.layers.pool;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * global_average_pooling2d / global_max_pooling2d (Keras GlobalAveragePooling2D /
 * GlobalMaxPooling2D): one value per channel over height and width; keepdims=false gives
 * (N, C), keepdims=true (N, 1, 1, C).
 */
final class GlobalPool2d extends AbstractLayer {
    /** Configuration: max or average, and whether the spatial axes stay as size 1. */
    record Config(Pool2d.Kind kind, boolean keepdims) {
        static Config of(Pool2d.Kind kind, LayerSpec spec) {
            PoolSupport.requireChannelsLast(spec);
            return new Config(kind, spec.getBoolean("keepdims", false));
        }
    }

    private final Config config;

    GlobalPool2d(LayerSpec spec, Config config, Shape inputShape) {
        super(spec, spec.type(), inputShape);
        this.config = config;
        outputShape(inputShape);
    }

    @Override
    public Shape outputShape(Shape input) {
        PoolSupport.requireImage(spec, input);
        if (input.isKnown(0) && input.isKnown(1) && input.dim(0) * input.dim(1) == 0) {
            throw spec.error("input " + input + " has no cells to pool");
        }
        return config.keepdims ? Shape.of(1, 1, input.dim(2)) : Shape.of(input.dim(2));
    }

    @Override
    public void forward(Tensor input, Tensor output, ExecutionContext context) {
        int batch = input.dim(0);
        int cells = input.dim(1) * input.dim(2);
        int c = input.dim(3);
        // one item per sample: a batched run splits over the batch
        context.parallelFor(batch, (long) cells * c, (from, to) -> {
            float[] acc = new float[c], cell = new float[c];
            for (int n = from; n < to; n++) {
                pool(config.kind, input.data(), input.offset() + n * cells * c, cells, c, output.data(),
                        output.offset() + n * c, acc, cell);
            }
        });
    }

    /**
     * Sums (or maxes) cells in row-major order per channel; average divides once at the end, as
     * TF's mean. Each cell is folded in by {@link Pool2d#combineCell} (through the scratch
     * {@code cell} of c floats, as {@code acc}, so that C2 vectorises the loop).
     */
    static void pool(Pool2d.Kind kind, float[] x, int xOff, int cells, int c, float[] y, int yOff, float[] acc,
            float[] cell) {
        boolean max = kind == Pool2d.Kind.MAX;
        java.util.Arrays.fill(acc, 0, c, max ? Float.NEGATIVE_INFINITY : 0f);
        for (int i = 0, base = xOff; i < cells; i++, base += c) {
            Pool2d.combineCell(max, x, base, c, acc, cell);
        }
        if (!max) {
            for (int ch = 0; ch < c; ch++) {
                acc[ch] /= cells;
            }
        }
        System.arraycopy(acc, 0, y, yOff, c);
    }
}
