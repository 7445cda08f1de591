package io.cnnkit.layers.dense;

import java.util.Set;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.LayerSpec;

/**
 * Small reference activations for these tests only (the real ones live in the activation
 * bundles, written separately): enough to exercise options and the bulk row form.
 */
final class TestActivations {
    private TestActivations() {
    }

    static Activation[] all() {
        return new Activation[] {new Linear(), new Relu(0, Double.NaN, 0), new Elu(1), new LeakyRelu(0.2f),
            new Softmax()};
    }

    static final class Linear implements Activation {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public float apply(float x) {
            return x;
        }
    }

    /** Keras relu(x, negative_slope, max_value, threshold). */
    record Relu(double slope, double max, double threshold) implements Activation {
        @Override
        public String name() {
            return "relu";
        }

        @Override
        public float apply(float x) {
            if (x > threshold) {
                return Double.isNaN(max) ? x : (float) Math.min(x, max);
            }
            return slope == 0 ? 0f : (float) (slope * (x - threshold));
        }

        @Override
        public Set<String> options() {
            return Set.of("max_value", "negative_slope", "threshold");
        }

        @Override
        public Activation configure(LayerSpec spec) {
            Double m = spec.getNullableDouble("max_value");
            return new Relu(spec.getDouble("negative_slope", 0), m == null ? Double.NaN : m,
                    spec.getDouble("threshold", 0));
        }
    }

    record Elu(double alpha) implements Activation {
        @Override
        public String name() {
            return "elu";
        }

        @Override
        public float apply(float x) {
            return x > 0 ? x : (float) (alpha * Math.expm1(x));
        }

        @Override
        public Set<String> options() {
            return Set.of("alpha");
        }

        @Override
        public Activation configure(LayerSpec spec) {
            return new Elu(spec.getDouble("alpha", 1));
        }
    }

    /** Declares only negative_slope (Keras 3's name), to test the alpha alias. */
    record LeakyRelu(float slope) implements Activation {
        @Override
        public String name() {
            return "leaky_relu";
        }

        @Override
        public float apply(float x) {
            return x > 0 ? x : slope * x;
        }

        @Override
        public Set<String> options() {
            return Set.of("negative_slope");
        }

        @Override
        public Activation configure(LayerSpec spec) {
            return new LeakyRelu((float) spec.getDouble("negative_slope", 0.2));
        }
    }

    /** Row-wise softmax over the last axis; not element-wise. */
    static final class Softmax implements Activation {
        @Override
        public String name() {
            return "softmax";
        }

        @Override
        public boolean elementWise() {
            return false;
        }

        @Override
        public float apply(float x) {
            throw new UnsupportedOperationException("softmax is not element-wise");
        }

        @Override
        public Set<String> options() {
            return Set.of("axis");
        }

        @Override
        public Activation configure(LayerSpec spec) {
            if (spec.getInt("axis", -1) != -1) {
                throw spec.paramError("axis", "must be -1");
            }
            return this;
        }

        @Override
        public void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
            for (int r = 0; r < length; r += lastAxis) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < lastAxis; i++) {
                    max = Math.max(max, src[srcOff + r + i]);
                }
                double sum = 0;
                double[] e = new double[lastAxis];
                for (int i = 0; i < lastAxis; i++) {
                    e[i] = Math.exp(src[srcOff + r + i] - max);
                    sum += e[i];
                }
                for (int i = 0; i < lastAxis; i++) {
                    dst[dstOff + r + i] = (float) (e[i] / sum);
                }
            }
        }
    }
}
