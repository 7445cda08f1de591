package io.cnnkit.engine.fakes;

import io.cnnkit.engine.api.Activation;

/** Test-scope activation functions. */
public final class Activations {
    private Activations() {
    }

    public static class Relu implements Activation {
        @Override
        public String name() {
            return "relu";
        }

        @Override
        public float apply(float x) {
            return x > 0 ? x : 0f;
        }
    }

    public static class Sigmoid implements Activation {
        @Override
        public String name() {
            return "sigmoid";
        }

        @Override
        public float apply(float x) {
            return (float) (1 / (1 + Math.exp(-x)));
        }
    }

    public static class Tanh implements Activation {
        @Override
        public String name() {
            return "tanh";
        }

        @Override
        public float apply(float x) {
            return (float) Math.tanh(x);
        }
    }

    /** Normalises each row of the last axis. */
    public static class Softmax implements Activation {
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
