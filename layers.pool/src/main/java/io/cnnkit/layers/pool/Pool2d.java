package io.cnnkit.layers.pool;

import java.util.Arrays;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * max_pooling2d and average_pooling2d (Keras MaxPooling2D / AveragePooling2D, channels_last).
 * Padding {@code same} is TensorFlow's: output = ceil(n / stride), the total padding
 * max((out - 1) * stride + pool - n, 0) is split with the extra cell at the bottom/right.
 * Padded cells never take part: max ignores them, average divides by the in-bounds count.
 */
final class Pool2d extends AbstractLayer {
    enum Kind {
        MAX, AVERAGE
    }

    /** Configuration: kind, pool (ph, pw), strides (sh, sw), same padding or valid. */
    record Config(Kind kind, int[] pool, int[] strides, boolean same) {
        static Config of(Kind kind, LayerSpec spec) {
            PoolSupport.requireChannelsLast(spec);
            int[] pool = spec.getTuple("pool_size", 2, new int[] {2, 2});
            int[] strides = spec.getTuple("strides", 2, pool);
            boolean same = spec.getChoice("padding", "valid", "valid", "same").equals("same");
            return new Config(kind, pool, strides, same);
        }

        /** Output length along one axis; 0 when the window does not fit (valid). */
        int outLength(int n, int axis) {
            if (same) {
                return (n + strides[axis] - 1) / strides[axis];
            }
            return n < pool[axis] ? 0 : (n - pool[axis]) / strides[axis] + 1;
        }

        /** Padding before the first cell (top or left); TF puts the odd cell after. */
        int padBefore(int n, int axis) {
            if (!same) {
                return 0;
            }
            int total = Math.max((outLength(n, axis) - 1) * strides[axis] + pool[axis] - n, 0);
            return total / 2;
        }

        String describe() {
            return "pool_size " + Shape.format(pool) + ", strides " + Shape.format(strides) + ", padding "
                    + (same ? "same" : "valid");
        }
    }

    private final Config config;

    Pool2d(LayerSpec spec, Config config, Shape inputShape) {
        super(spec, spec.type(), inputShape);
        this.config = config;
        PoolSupport.requireImage(spec, inputShape);
        outputShape(inputShape);
    }

    Config config() {
        return config;
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.rank() != 3) {
            throw spec.error("expects an image input (None, height, width, channels) but got " + input);
        }
        int[] out = new int[3];
        for (int axis = 0; axis < 2; axis++) {
            int n = input.dim(axis);
            if (n == Shape.UNKNOWN) {
                out[axis] = Shape.UNKNOWN;
                continue;
            }
            out[axis] = config.outLength(n, axis);
            if (out[axis] <= 0) {
                throw new ModelException(spec.label() + ": input " + input.dim(0) + "x" + input.dim(1) + " with "
                        + config.describe() + " gives an empty output; use padding same or a smaller pool_size");
            }
        }
        out[2] = input.dim(2);
        return Shape.of(out);
    }

    @Override
    public void forward(Tensor input, Tensor output, ExecutionContext context) {
        int batch = input.dim(0);
        int h = input.dim(1);
        int w = input.dim(2);
        int c = input.dim(3);
        int oh = output.dim(1);
        int ow = output.dim(2);
        long cost = (long) ow * c * config.pool[0] * config.pool[1];
        // One item = one output row of one sample; items never share output cells.
        boolean max = config.kind == Kind.MAX;
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        context.parallelFor(batch * oh, cost, new ExecutionContext.RangeBody() {
            @Override
            public void run(int from, int to) {
                float[] rowMax = max ? new float[w * c] : null, row = max ? new float[w * c] : null;
                float[] shifted = max && c < 8 ? new float[w * c] : null;
                float[] acc = new float[c], col = new float[c];
                for (int item = from; item < to; item++) {
                    if (max) {
                        maxPooledRow(config, input, output, item / oh, item % oh, h, w, c, ow, rowMax, row, shifted,
                                acc, col);
                    } else {
                        pooledRow(config, input, output, item / oh, item % oh, h, w, c, ow, acc, col);
                    }
                }
            }
        });
    }

    /** Both kernels set every output cell (PoolLayerTest.reusedDirtyBuffersGiveTheReference). */
    @Override
    public boolean writesEveryOutput() {
        return true;
    }

    /**
     * Max pooling of output row {@code oy} of sample {@code n} in two passes of contiguous loops
     * (the JIT vectorises them): the element-wise max of the window's input rows, then per output
     * pixel the max over its window's columns. Max is exact and its result does not depend on
     * the order (NaN wins either way, max(-0, 0) is 0 either way), so this equals
     * {@link #reference} bit for bit. Scratch: {@code rowMax}, {@code row} and (fewer than 8
     * channels) {@code shifted} of w*c floats,
     * {@code acc} and {@code col} of c: C2 (JDK 17) vectorises {@code a[i] = max(a[i], b[i])} but
     * not {@code a[i] = max(a[i], b[off + i])}, so operands are copied to index 0 first.
     */
    static void maxPooledRow(Config cfg, Tensor input, Tensor output, int n, int oy, int h, int w, int c, int ow,
            float[] rowMax, float[] row, float[] shifted, float[] acc, float[] col) {
        float[] x = input.data();
        float[] y = output.data();
        int padTop = cfg.padBefore(h, 0);
        int padLeft = cfg.padBefore(w, 1);
        int y0 = Math.max(oy * cfg.strides[0] - padTop, 0);
        int y1 = Math.min(oy * cfg.strides[0] - padTop + cfg.pool[0], h);
        int rowLen = w * c;
        System.arraycopy(x, input.offset() + (n * h + y0) * rowLen, rowMax, 0, rowLen);
        for (int iy = y0 + 1; iy < y1; iy++) {
            System.arraycopy(x, input.offset() + (n * h + iy) * rowLen, row, 0, rowLen);
            maxInto(rowMax, row, rowLen);
        }
        int outBase = output.offset() + ((n * output.dim(1) + oy) * ow) * c;
        int sx = cfg.strides[1], px = cfg.pool[1];
        if (c < 8 && padLeft == 0 && (ow - 1) * sx + px <= w) {
            // Few channels, every window inside the row: the max over px neighbouring pixels for
            // every start pixel, as px - 1 whole-row passes of the vectorised maxInto (operands
            // copied to index 0), then every sx-th start pixel's c values are the output.
            int span = ((ow - 1) * sx + 1) * c;
            System.arraycopy(rowMax, 0, row, 0, span);
            for (int k = 1; k < px; k++) {
                System.arraycopy(rowMax, k * c, shifted, 0, span);
                maxInto(row, shifted, span);
            }
            for (int ox = 0, o = outBase, b = 0; ox < ow; ox++, o += c, b += sx * c) {
                for (int ch = 0; ch < c; ch++) {
                    y[o + ch] = row[b + ch];
                }
            }
            return;
        }
        for (int ox = 0; ox < ow; ox++) {
            int x0 = Math.max(ox * cfg.strides[1] - padLeft, 0);
            int x1 = Math.min(ox * cfg.strides[1] - padLeft + cfg.pool[1], w);
            int o = outBase + ox * c;
            if (c < 8) {
                // few channels (an RGB map): per channel in a register, no copy calls
                for (int ch = 0; ch < c; ch++) {
                    float m = rowMax[x0 * c + ch];
                    for (int ix = x0 + 1, b = ix * c + ch; ix < x1; ix++, b += c) {
                        m = Math.max(m, rowMax[b]);
                    }
                    y[o + ch] = m;
                }
                continue;
            }
            System.arraycopy(rowMax, x0 * c, acc, 0, c);
            for (int ix = x0 + 1; ix < x1; ix++) {
                System.arraycopy(rowMax, ix * c, col, 0, c);
                maxInto(acc, col, c);
            }
            System.arraycopy(acc, 0, y, o, c);
        }
    }

    /** {@code a[i] = max(a[i], b[i])} for i < n. */
    private static void maxInto(float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = Math.max(a[i], b[i]);
        }
    }

    /**
     * Computes output row {@code oy} of sample {@code n}, channels innermost (contiguous in NHWC),
     * cells of a window in row-major order as {@link #reference}. With 8 channels or more each
     * cell's channels are first copied to {@code cell} (scratch of c floats, as {@code acc}): C2
     * (JDK 17) vectorises {@code acc[i] += cell[i]} but not {@code acc[i] += x[base + i]}. Same
     * operations in the same order either way.
     */
    static void pooledRow(Config cfg, Tensor input, Tensor output, int n, int oy, int h, int w, int c, int ow,
            float[] acc, float[] cell) {
        float[] x = input.data();
        float[] y = output.data();
        int padTop = cfg.padBefore(h, 0);
        int padLeft = cfg.padBefore(w, 1);
        int y0 = Math.max(oy * cfg.strides[0] - padTop, 0);
        int y1 = Math.min(oy * cfg.strides[0] - padTop + cfg.pool[0], h);
        boolean max = cfg.kind == Kind.MAX;
        boolean copy = c >= 8;
        int outBase = output.offset() + ((n * output.dim(1) + oy) * ow) * c;
        for (int ox = 0; ox < ow; ox++) {
            int x0 = Math.max(ox * cfg.strides[1] - padLeft, 0);
            int x1 = Math.min(ox * cfg.strides[1] - padLeft + cfg.pool[1], w);
            Arrays.fill(acc, 0, c, max ? Float.NEGATIVE_INFINITY : 0f);
            for (int iy = y0; iy < y1; iy++) {
                int rowBase = input.offset() + ((n * h + iy) * w) * c;
                for (int ix = x0; ix < x1; ix++) {
                    int base = rowBase + ix * c;
                    if (copy) {
                        combineCell(max, x, base, c, acc, cell);
                    } else if (max) {
                        for (int ch = 0; ch < c; ch++) {
                            acc[ch] = Math.max(acc[ch], x[base + ch]);
                        }
                    } else {
                        for (int ch = 0; ch < c; ch++) {
                            acc[ch] += x[base + ch];
                        }
                    }
                }
            }
            int o = outBase + ox * c;
            if (max) {
                System.arraycopy(acc, 0, y, o, c);
            } else {
                // Only in-bounds cells count (TF/Keras same-padding average).
                float count = (float) ((y1 - y0) * (x1 - x0));
                for (int ch = 0; ch < c; ch++) {
                    acc[ch] /= count;
                }
                System.arraycopy(acc, 0, y, o, c);
            }
        }
    }

    /**
     * Folds one cell's c channels from {@code x[base]} into {@code acc} (max or sum), through a
     * copy to {@code cell} at index 0: C2 (JDK 17) vectorises a loop over two arrays at the same
     * index, not one that reads at another offset than it writes.
     */
    static void combineCell(boolean max, float[] x, int base, int c, float[] acc, float[] cell) {
        System.arraycopy(x, base, cell, 0, c);
        if (max) {
            for (int ch = 0; ch < c; ch++) {
                acc[ch] = Math.max(acc[ch], cell[ch]);
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                acc[ch] += cell[ch];
            }
        }
    }

    /**
     * Reference kernel for tests: the definition cell by cell through Tensor.get, one
     * output at a time, without the row/channel loop order of {@link #pooledRow}.
     */
    static Tensor reference(Config cfg, Tensor input) {
        int batch = input.dim(0);
        int h = input.dim(1);
        int w = input.dim(2);
        int c = input.dim(3);
        int oh = cfg.outLength(h, 0);
        int ow = cfg.outLength(w, 1);
        int pt = cfg.padBefore(h, 0);
        int pl = cfg.padBefore(w, 1);
        Tensor out = Tensor.zeros(batch, oh, ow, c);
        for (int n = 0; n < batch; n++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        float m = Float.NEGATIVE_INFINITY;
                        float sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < cfg.pool[0]; ky++) {
                            for (int kx = 0; kx < cfg.pool[1]; kx++) {
                                int iy = oy * cfg.strides[0] - pt + ky;
                                int ix = ox * cfg.strides[1] - pl + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue;
                                }
                                float v = input.get(n, iy, ix, ch);
                                m = Math.max(m, v);
                                sum += v;
                                count++;
                            }
                        }
                        out.set(cfg.kind == Kind.MAX ? m : sum / count, n, oy, ox, ch);
                    }
                }
            }
        }
        return out;
    }
}
