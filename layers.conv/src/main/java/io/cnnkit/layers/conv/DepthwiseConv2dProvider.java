package io.cnnkit.layers.conv;

import java.util.List;
import java.util.Random;
import java.util.Objects;
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
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.engine.kernel.KernelBackends;

/**
 * Keras's DepthwiseConv2D: each input channel filtered on its own by depth_multiplier
 * kernels; weights "depthwise_kernel" (kh, kw, C, M) and "bias" (C*M); output channel
 * {@code c*M + m}.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = DepthwiseConv2dProvider.TYPE, keras_class = "DepthwiseConv2D")
public final class DepthwiseConv2dProvider implements LayerProvider {
    static final String TYPE = "depthwise_conv2d";

    private static final Set<String> PARAMS = Set.of("kernel_size", "strides", "padding", "depth_multiplier",
            "dilation_rate", "use_bias", "activation", "depthwise_initializer", "bias_initializer", "data_format");

    private final Kernels kernels;

    /** On a plain class path: the best {@link KernelBackend} that ServiceLoader finds, else scalar. */
    public DepthwiseConv2dProvider() {
        this(KernelBackends.fromServiceLoader(DepthwiseConv2dProvider.class.getClassLoader()));
    }

    /**
     * In OSGi: the highest-ranked kernel backend present (scalar when none). Static and greedy,
     * so a better backend arriving, or the bound one leaving, re-registers this provider and the
     * engine rebuilds the models that use it.
     */
    @Activate
    public DepthwiseConv2dProvider(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) KernelBackend backend) {
        this(Kernels.of(backend));
    }

    /** A provider computing with {@code kernels} (tests pick scalar or a backend this way). */
    DepthwiseConv2dProvider(Kernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    /** The kernels this provider's layers compute with. */
    Kernels kernels() {
        return kernels;
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("kernel_size");
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Config config = Config.of(spec, inputShape);
        config.outputShape(spec, inputShape);
        Activation act = context.activation(spec, spec.raw("activation"));
        return new DepthwiseConv2d(spec, inputShape, config, "linear".equals(act.name()) ? null : act,
                context.random(), kernels);
    }

    /** kernel window, depth_multiplier, use_bias, and the channel count of the input. */
    record Config(Window window, int multiplier, boolean useBias, int channels) {
        static Config of(LayerSpec spec, Shape input) {
            Window.checkDataFormat(spec);
            Window.checkImageInput(spec, input);
            Window window = Window.parse(spec);
            int multiplier = spec.getPositive("depth_multiplier", 1);
            boolean useBias = spec.getBoolean("use_bias", true);
            int c = input.dim(2);
            if (c == Shape.UNKNOWN) {
                throw spec.error("the input's channel axis must be known to size the kernel, but the input is " + input
                        + "; give input_shape a channel count such as [null, null, 3]");
            }
            return new Config(window, multiplier, useBias, c);
        }

        int outChannels() {
            return channels * multiplier;
        }

        int[] kernelShape() {
            return new int[] {window.kh(), window.kw(), channels, multiplier};
        }

        /** Pure shape function: (None, outH, outW, C * depth_multiplier). */
        Shape outputShape(LayerSpec spec, Shape input) {
            Window.checkImageInput(spec, input);
            if (input.dim(2) != channels) {
                throw spec.error("was built for " + channels + " input channels but got " + input
                        + "; rebuild the model for this input");
            }
            return window.outputShape(spec, input, outChannels());
        }
    }

    /** A built depthwise_conv2d layer. */
    static final class DepthwiseConv2d extends AbstractLayer implements AffineFoldable, ActivationFusable {
        private final Config config;
        private final Activation activation;
        private final Tensor kernel;
        private final Tensor bias;
        private final Kernels kernels;

        DepthwiseConv2d(LayerSpec spec, Shape inputShape, Config config, Activation activation, Random random,
                Kernels kernels) {
            super(spec, TYPE, inputShape);
            this.kernels = kernels;
            this.config = config;
            this.activation = activation;
            this.kernel = weights.add("depthwise_kernel",
                    Initializers.resolve(spec, "depthwise_initializer", "glorot_uniform"), random, config.kernelShape());
            this.bias = config.useBias() ? weights.add("bias", Initializers.resolve(spec, "bias_initializer", "zeros"),
                    random, config.outChannels()) : null;
        }

        /** A layer of the optimised plan: these weights (not copied), this activation. */
        private DepthwiseConv2d(DepthwiseConv2d of, Activation activation, Tensor kernel, Tensor bias) {
            super(of.spec, TYPE, of.inputShape());
            this.kernels = of.kernels;
            this.config = of.config;
            this.activation = activation;
            this.kernel = kernel;
            this.bias = bias;
        }

        /** Output channel c*M + m is the kernel's flattened last two axes: ChannelAffine.scaleKernel's rule. */
        @Override
        public Layer foldAffine(ChannelAffine affine) {
            if (activation != null || affine.channels() != config.outChannels()) {
                return null;
            }
            return new DepthwiseConv2d(this, null, affine.scaleKernel(kernel), affine.foldBias(bias));
        }

        @Override
        public Layer fuseActivation(Activation act) {
            return activation != null ? null : new DepthwiseConv2d(this, act, kernel, bias);
        }

        @Override
        public Shape outputShape(Shape input) {
            return config.outputShape(spec, input);
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            Window.checkBatch(spec, input);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(config.window(), input.dim(1), input.dim(2), 1);
            DepthwiseKernels.depthwise(input, kernel, bias, output, g, activation, context, kernels.depthwise());
        }

        /** Every depthwise kernel (scalar and the vector backend's) overwrites a NaN-filled output (KernelEquivalenceTest, VectorDepthwiseTest). */
        @Override
        public boolean writesEveryOutput() {
            return true;
        }
    }
}
