package io.cnnkit.layers.conv;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * Keras's Conv2DTranspose as TensorFlow computes it (conv2d_transpose: the gradient of a conv2d
 * with respect to its input). Kernel "kernel" (kh, kw, filters, in_channels), the reverse of
 * Conv2D's last two axes; "bias" (filters). Output size as Keras's deconv_output_length:
 * without output_padding {@code valid: n*s + max(k - s, 0)}, {@code same: n*s}; with it
 * {@code (n-1)*s + k - 2*pad + output_padding}, pad = k // 2 for same, 0 for valid. The full
 * transposed output ((n-1)*s + k) is cropped by the padding TensorFlow gives the matching forward
 * conv: total {@code max((n-1)*s + k - out, 0)}, top/left {@code total // 2}, the rest (the extra
 * row/column) off the bottom/right; rows past the full output (k < s, output_padding) are zero
 * before the bias. dilation_rate is 1 only.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = Conv2dTransposeProvider.TYPE, keras_class = {"Conv2DTranspose", "Deconvolution2D"})
public final class Conv2dTransposeProvider implements LayerProvider {
    static final String TYPE = "conv2d_transpose";

    private static final Set<String> PARAMS = Set.of("filters", "kernel_size", "strides", "padding",
            "output_padding", "dilation_rate", "use_bias", "activation", "kernel_initializer", "bias_initializer",
            "data_format");

    /** Keras 1 Deconvolution2D config keys; any of them marks a Keras 1 config. */
    private static final List<String> KERAS1_KEYS = List.of("nb_filter", "nb_row", "nb_col", "output_shape",
            "border_mode", "subsample", "dim_ordering");

    public Conv2dTransposeProvider() {
        // DS and ServiceLoader need a public no-arg constructor.
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("filters", "kernel_size");
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    /**
     * Keras 2 and 3 configs pass through (Keras 2 kept Deconvolution2D as an alias of
     * Conv2DTranspose). Keras 1's Deconvolution2D is refused: it fixes the output by an
     * output_shape argument instead of output_padding, and Keras 1.2 stores its kernel as
     * (rows, cols, in, filters) and transposes it at run time (earlier 1.x did not), so its
     * weights do not fit Keras 2's (kh, kw, filters, in) without a transpose.
     */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        if ("Deconvolution2D".equals(kerasClass)) {
            for (String k : KERAS1_KEYS) {
                if (config.containsKey(k)) {
                    throw new ModelException("Keras 1 Deconvolution2D (config key '" + k + "') is not read: it fixes "
                            + "its output by output_shape and Keras 1.2 stores its kernel as (rows, cols, in, filters), "
                            + "not Keras 2's (kh, kw, filters, in); re-save the model with Keras 2 (Conv2DTranspose) "
                            + "or describe it as conv2d_transpose with output_padding and transposed weights");
                }
            }
        }
        return LayerProvider.super.fromKeras(kerasClass, config);
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Config config = Config.of(spec, inputShape);
        config.outputShape(spec, inputShape);
        Activation act = context.activation(spec, spec.raw("activation"));
        return new Conv2dTranspose(spec, inputShape, config, "linear".equals(act.name()) ? null : act,
                context.random());
    }

    /**
     * Required filters and kernel_size; optional strides, padding, output_padding (-1 per axis for
     * Keras's None), use_bias; the input channels from the input.
     */
    record Config(int filters, int kh, int kw, int sh, int sw, boolean same, int opH, int opW, boolean useBias,
            int channels) {
        static Config of(LayerSpec spec, Shape input) {
            Window.checkDataFormat(spec);
            Window.checkImageInput(spec, input);
            int filters = spec.requirePositive("filters");
            int[] k = spec.getTuple("kernel_size", 2, null);
            int[] s = spec.getTuple("strides", 2, new int[] {1, 1});
            int[] d = spec.getTuple("dilation_rate", 2, new int[] {1, 1});
            if (d[0] != 1 || d[1] != 1) {
                throw spec.paramError("dilation_rate", "must be 1: conv2d_transpose computes dilation_rate 1 only, "
                        + "got " + d[0] + "x" + d[1] + " (TensorFlow's dilated conv2d_transpose is not supported)");
            }
            boolean same = spec.getChoice("padding", "valid", "valid", "same").equals("same");
            int[] op = outputPadding(spec, s);
            String[] axes = {"height", "width"};
            for (int i = 0; i < 2; i++) {
                if (same && op[i] == 0 && k[i] % 2 == 0) {
                    throw spec.paramError("output_padding", "0 along " + axes[i] + " with padding same and the even "
                            + "kernel " + axes[i] + " " + k[i] + " gives (in - 1) * " + s[i] + " output "
                            + (i == 0 ? "rows" : "columns") + ", which TensorFlow's conv2d_transpose rejects "
                            + "(it needs ceil(out / stride) = in); use output_padding >= 1 there, or None");
                }
            }
            boolean useBias = spec.getBoolean("use_bias", true);
            int c = input.dim(2);
            if (c == Shape.UNKNOWN) {
                throw spec.error("the input's channel axis must be known to size the kernel, but the input is " + input
                        + "; give input_shape a channel count such as [null, null, 3]");
            }
            return new Config(filters, k[0], k[1], s[0], s[1], same, op[0], op[1], useBias, c);
        }

        /** output_padding: absent/null -> {-1, -1} (Keras's None); an int or a pair, each in [0, stride). */
        private static int[] outputPadding(LayerSpec spec, int[] strides) {
            if (!spec.has("output_padding")) {
                return new int[] {-1, -1};
            }
            int[] v = spec.getIntList("output_padding");
            if (v.length == 1) {
                v = new int[] {v[0], v[0]};
            }
            if (v.length != 2) {
                throw spec.paramError("output_padding", "must be null, an integer or a list of 2 integers, got "
                        + LayerSpec.describe(spec.raw("output_padding")));
            }
            for (int i = 0; i < 2; i++) {
                if (v[i] < 0 || v[i] >= strides[i]) {
                    throw spec.paramError("output_padding", "must be at least 0 and smaller than the stride (as "
                            + "Keras requires), got " + v[0] + "x" + v[1] + " with strides " + strides[0] + "x"
                            + strides[1]);
                }
            }
            return v;
        }

        int[] kernelShape() {
            return new int[] {kh, kw, filters, channels};
        }

        /** Keras's deconv_output_length (dilation 1); op -1 is None. Open sizes stay open. */
        static long outLength(int n, int k, int s, boolean same, int op) {
            if (n == Shape.UNKNOWN) {
                return Shape.UNKNOWN;
            }
            if (op < 0) {
                return same ? (long) n * s : (long) n * s + Math.max(k - s, 0);
            }
            return (long) (n - 1) * s + (same ? k % 2 : k) + op;
        }

        /** Rows (columns) TensorFlow crops off the top (left) of the full transposed output. */
        static int padBefore(int n, int out, int k, int s, boolean same) {
            return same ? Math.max((n - 1) * s + k - out, 0) / 2 : 0;
        }

        int outH(int h) {
            return (int) outLength(h, kh, sh, same, opH);
        }

        int outW(int w) {
            return (int) outLength(w, kw, sw, same, opW);
        }

        /** Pure shape function: (None, outH, outW, filters); open sizes stay open. */
        Shape outputShape(LayerSpec spec, Shape input) {
            Window.checkImageInput(spec, input);
            if (input.dim(2) != channels) {
                throw spec.error("was built for " + channels + " input channels but got " + input
                        + "; rebuild the model for this input");
            }
            int h = input.dim(0), w = input.dim(1);
            if (h == 0 || w == 0) {
                throw spec.error("input " + input + " has an empty spatial axis; the layer before it must output at "
                        + "least one row and one column");
            }
            long oh = outLength(h, kh, sh, same, opH);
            long ow = outLength(w, kw, sw, same, opW);
            if (oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE) {
                throw spec.error("makes the output too large: " + oh + "x" + ow + " from " + input);
            }
            return Shape.of((int) oh, (int) ow, filters);
        }
    }

    /** A built conv2d_transpose layer. */
    static final class Conv2dTranspose extends AbstractLayer {
        private final Config config;
        private final Activation activation;
        private final Tensor kernel;
        private final Tensor bias;

        Conv2dTranspose(LayerSpec spec, Shape inputShape, Config config, Activation activation, Random random) {
            super(spec, TYPE, inputShape);
            this.config = config;
            this.activation = activation;
            this.kernel = weights.add("kernel", Initializers.resolve(spec, "kernel_initializer", "glorot_uniform"),
                    random, config.kernelShape());
            this.bias = config.useBias() ? weights.add("bias", Initializers.resolve(spec, "bias_initializer", "zeros"),
                    random, config.filters()) : null;
        }

        @Override
        public Shape outputShape(Shape input) {
            return config.outputShape(spec, input);
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            Window.checkBatch(spec, input);
            int h = input.dim(1), w = input.dim(2);
            int pt = Config.padBefore(h, config.outH(h), config.kh(), config.sh(), config.same());
            int pl = Config.padBefore(w, config.outW(w), config.kw(), config.sw(), config.same());
            TransposeConvKernels.conv2dTranspose(input, kernel, bias, output, config.sh(), config.sw(), pt, pl,
                    activation, context);
        }

        /** The kernel zeroes each output row before summing into it (ConvMoreLayersTest, NaN-filled). */
        @Override
        public boolean writesEveryOutput() {
            return true;
        }
    }
}
