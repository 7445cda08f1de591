package io.cnnkit.layers.conv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ActivationFusable;
import io.cnnkit.engine.api.AffineFoldable;
import io.cnnkit.engine.api.ChannelAffine;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Keras1;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.engine.kernel.KernelBackends;

/**
 * Keras's SeparableConv2D (Keras 1: SeparableConvolution2D), TensorFlow's separable_conv2d: a
 * depthwise convolution (strides, dilation and padding apply here; output channel {@code c*M + m}),
 * then a 1x1 pointwise convolution over the C*M channels, the bias, the activation. Weights in
 * Keras's order: "depthwise_kernel" (kh, kw, C, M), "pointwise_kernel" (1, 1, C*M, filters),
 * "bias" (filters). The depthwise stage has no bias.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = SeparableConv2dProvider.TYPE, keras_class = {"SeparableConv2D", "SeparableConvolution2D"})
public final class SeparableConv2dProvider implements LayerProvider {
    static final String TYPE = "separable_conv2d";

    private static final Set<String> PARAMS = Set.of("filters", "kernel_size", "strides", "padding", "dilation_rate",
            "depth_multiplier", "use_bias", "activation", "depthwise_initializer", "pointwise_initializer",
            "bias_initializer", "data_format");

    /** The pointwise stage: a 1x1 convolution, stride 1, no padding. */
    private static final ConvKernels.Geometry POINTWISE = new ConvKernels.Geometry(1, 1, 1, 1, 0, 0, 1);

    private final Kernels kernels;

    /** On a plain class path: the best {@link KernelBackend} that ServiceLoader finds, else scalar. */
    public SeparableConv2dProvider() {
        this(KernelBackends.fromServiceLoader(SeparableConv2dProvider.class.getClassLoader()));
    }

    /**
     * In OSGi: the highest-ranked kernel backend present (scalar when none). Static and greedy,
     * so a better backend arriving, or the bound one leaving, re-registers this provider and the
     * engine rebuilds the models that use it.
     */
    @Activate
    public SeparableConv2dProvider(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) KernelBackend backend) {
        this(Kernels.of(backend));
    }

    /** A provider computing with {@code kernels} (tests pick scalar or a backend this way). */
    SeparableConv2dProvider(Kernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    /** The kernels this provider's layers compute with. */
    Kernels kernels() {
        return kernels;
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("filters", "kernel_size");
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        if (!"SeparableConvolution2D".equals(kerasClass)) {
            return LayerProvider.super.fromKeras(kerasClass, config);
        }
        // Keras 1: SeparableConvolution2D(nb_filter, nb_row, nb_col, init, activation, border_mode, subsample,
        // depth_multiplier, dim_ordering, ..., bias); init fills both kernels. Keras 2 keys pass too (there
        // SeparableConvolution2D is an alias of SeparableConv2D).
        Map<String, Object> out = Keras1.rename(config, PARAMS,
                new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config)));
        Object init = config.get("init");
        Conv2dProvider.putIfPresent(out, "depthwise_initializer", init);
        Conv2dProvider.putIfPresent(out, "pointwise_initializer", init);
        return out;
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Config config = Config.of(spec, inputShape);
        config.outputShape(spec, inputShape);
        Activation act = context.activation(spec, spec.raw("activation"));
        return new SeparableConv2d(spec, inputShape, config, "linear".equals(act.name()) ? null : act,
                context.random(), kernels);
    }

    /**
     * Required filters and kernel (inside the window), optional strides/padding/dilation (of the
     * depthwise stage), depth_multiplier and use_bias; the input channels come from the input.
     */
    record Config(int filters, Window window, int multiplier, boolean useBias, int channels) {
        static Config of(LayerSpec spec, Shape input) {
            Window.checkDataFormat(spec);
            Window.checkImageInput(spec, input);
            int filters = spec.requirePositive("filters");
            Window window = Window.parse(spec);
            int multiplier = spec.getPositive("depth_multiplier", 1);
            boolean useBias = spec.getBoolean("use_bias", true);
            int c = input.dim(2);
            if (c == Shape.UNKNOWN) {
                throw spec.error("the input's channel axis must be known to size the kernels, but the input is "
                        + input + "; give input_shape a channel count such as [null, null, 3]");
            }
            if ((long) c * multiplier > Integer.MAX_VALUE) {
                throw spec.paramError("depth_multiplier", "gives too many channels: " + c + " x " + multiplier);
            }
            return new Config(filters, window, multiplier, useBias, c);
        }

        /** Channels between the two stages: C * depth_multiplier. */
        int midChannels() {
            return channels * multiplier;
        }

        int[] depthwiseShape() {
            return new int[] {window.kh(), window.kw(), channels, multiplier};
        }

        int[] pointwiseShape() {
            return new int[] {1, 1, midChannels(), filters};
        }

        /** Pure shape function: (None, outH, outW, filters), the depthwise stage's window rules. */
        Shape outputShape(LayerSpec spec, Shape input) {
            Window.checkImageInput(spec, input);
            if (input.dim(2) != channels) {
                throw spec.error("was built for " + channels + " input channels but got " + input
                        + "; rebuild the model for this input");
            }
            return window.outputShape(spec, input, filters);
        }
    }

    /** A built separable_conv2d layer. */
    static final class SeparableConv2d extends AbstractLayer implements AffineFoldable, ActivationFusable {
        private final Config config;
        private final Activation activation;
        private final Tensor depthwiseKernel;
        private final Tensor pointwiseKernel;
        private final Tensor bias;
        private final Kernels kernels;

        SeparableConv2d(LayerSpec spec, Shape inputShape, Config config, Activation activation, Random random,
                Kernels kernels) {
            super(spec, TYPE, inputShape);
            this.config = config;
            this.activation = activation;
            this.kernels = kernels;
            this.depthwiseKernel = weights.add("depthwise_kernel",
                    Initializers.resolve(spec, "depthwise_initializer", "glorot_uniform"), random,
                    config.depthwiseShape());
            this.pointwiseKernel = weights.add("pointwise_kernel",
                    Initializers.resolve(spec, "pointwise_initializer", "glorot_uniform"), random,
                    config.pointwiseShape());
            this.bias = config.useBias() ? weights.add("bias", Initializers.resolve(spec, "bias_initializer", "zeros"),
                    random, config.filters()) : null;
        }

        /** A layer of the optimised plan: these weights (not copied), this activation. */
        private SeparableConv2d(SeparableConv2d of, Activation activation, Tensor pointwiseKernel, Tensor bias) {
            super(of.spec, TYPE, of.inputShape());
            this.config = of.config;
            this.activation = activation;
            this.kernels = of.kernels;
            this.depthwiseKernel = of.depthwiseKernel;
            this.pointwiseKernel = pointwiseKernel;
            this.bias = bias;
        }

        /** The affine map follows the pointwise stage: only its kernel and the bias change. */
        @Override
        public Layer foldAffine(ChannelAffine affine) {
            if (activation != null || affine.channels() != config.filters()) {
                return null;
            }
            return new SeparableConv2d(this, null, affine.scaleKernel(pointwiseKernel), affine.foldBias(bias));
        }

        @Override
        public Layer fuseActivation(Activation act) {
            return activation != null ? null : new SeparableConv2d(this, act, pointwiseKernel, bias);
        }

        @Override
        public Shape outputShape(Shape input) {
            return config.outputShape(spec, input);
        }

        /**
         * Depthwise into the calling thread's scratch buffer (N, OH, OW, C*M), then the pointwise GEMM
         * (reading it in place) with bias and activation into the output. Concurrent runs call from
         * different threads, so they never share a buffer; the depthwise kernels write every element,
         * so it needs no zeroing. Both kernels compute every element in one task in a fixed order.
         */
        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            Window.checkBatch(spec, input);
            Window w = config.window();
            int h = input.dim(1), wd = input.dim(2);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(w, h, wd, 1);
            int n = input.dim(0), oh = w.outH(h), ow = w.outW(wd), cm = config.midChannels();
            Tensor mid = Tensor.view(PackBuffers.intermediate(n * oh * ow * cm), 0, n, oh, ow, cm);
            DepthwiseKernels.depthwise(input, depthwiseKernel, null, mid, g, null, context, kernels.depthwise());
            ConvKernels.conv2d(mid, pointwiseKernel, bias, output, POINTWISE, activation, context, kernels.gemm());
        }

        /** Depthwise fills the whole buffer and the conv kernels every output (ConvMoreLayersTest, NaN-filled). */
        @Override
        public boolean writesEveryOutput() {
            return true;
        }
    }
}
