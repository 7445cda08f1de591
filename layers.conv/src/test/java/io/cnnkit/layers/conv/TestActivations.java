package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.Activation;

/**
 * Tiny activation functions for these tests only (the real ones live in the activation
 * bundles, built in parallel): enough to check that conv layers apply any activation
 * service after the bias, fused (element-wise) or in a second pass (softmax).
 */
final class TestActivations {
    private TestActivations() {
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

    static final class Relu implements Activation {
        @Override
        public String name() {
            return "relu";
        }

        @Override
        public float apply(float x) {
            return x > 0 ? x : 0f;
        }
    }

    static final class Tanh implements Activation {
        @Override
        public String name() {
            return "tanh";
        }

        @Override
        public float apply(float x) {
            return (float) Math.tanh(x);
        }
    }

    /** Not element-wise: normalises each row of {@code lastAxis} values (Keras's softmax over channels). */
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
        public void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
            for (int r = 0; r < length; r += lastAxis) {
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < lastAxis; i++) {
                    max = Math.max(max, src[srcOff + r + i]);
                }
                double sum = 0;
                for (int i = 0; i < lastAxis; i++) {
                    sum += Math.exp(src[srcOff + r + i] - max);
                }
                for (int i = 0; i < lastAxis; i++) {
                    dst[dstOff + r + i] = (float) (Math.exp(src[srcOff + r + i] - max) / sum);
                }
            }
        }
    }
}
