package io.cnnkit.layers.conv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.cnnkit.engine.api.Keras1;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.ResidualFusable;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.engine.kernel.KernelBackends;

/**
 * Keras's Conv2D (and Keras 1's Convolution2D): NHWC input, kernel (kh, kw, in/groups,
 * filters), bias (filters), TensorFlow's padding rules, the activation fused after the bias.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = Conv2dProvider.TYPE, keras_class = {"Conv2D", "Convolution2D"})
public final class Conv2dProvider implements LayerProvider {
    static final String TYPE = "conv2d";

    private static final Set<String> PARAMS = Set.of("filters", "kernel_size", "strides", "padding", "dilation_rate",
            "groups", "use_bias", "activation", "kernel_initializer", "bias_initializer", "data_format", "kernel_order");

    private final Kernels kernels;

    /** On a plain class path: the best {@link KernelBackend} that ServiceLoader finds, else scalar. */
    public Conv2dProvider() {
        this(KernelBackends.fromServiceLoader(Conv2dProvider.class.getClassLoader()));
    }

    /**
     * In OSGi: the highest-ranked kernel backend present (scalar when none). Static and greedy,
     * so a better backend arriving, or the bound one leaving, re-registers this provider and the
     * engine rebuilds the models that use it.
     */
    @Activate
    public Conv2dProvider(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) KernelBackend backend) {
        this(Kernels.of(backend));
    }

    /** A provider computing with {@code kernels} (tests pick scalar or a backend this way). */
    Conv2dProvider(Kernels kernels) {
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
        if (!"Convolution2D".equals(kerasClass)) {
            return LayerProvider.super.fromKeras(kerasClass, config);
        }
        // Keras 1: Convolution2D(nb_filter, nb_row, nb_col, init, activation, border_mode, subsample, dim_ordering,
        // bias), renamed as Keras1 declares. Keras 2 keys are kept too: there Convolution2D is an alias of Conv2D.
        return Keras1.rename(config, PARAMS, new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config)));
    }

    static void putIfPresent(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        // kernel_order "theano": the kernel of a Keras 1 Theano-ordered file, which the Keras weights
        // reader transposes from (out, in, kh, kw) and flips when it loads; the layer itself is as any.
        spec.getChoice("kernel_order", "keras", "keras", "theano");
        Config config = Config.of(spec, inputShape);
        // Check the output size now so an empty output fails at build time with the layer named.
        config.outputShape(spec, inputShape);
        Activation act = context.activation(spec, spec.raw("activation"));
        return new Conv2d(spec, inputShape, config, "linear".equals(act.name()) ? null : act, context.random(),
                kernels);
    }

    /**
     * Everything a conv2d layer is: required filters and kernel (inside the window), optional
     * strides/padding/dilation/groups/use_bias, and the input channels taken from the input.
     */
    record Config(int filters, Window window, int groups, boolean useBias, int inChannels) {
        static Config of(LayerSpec spec, Shape input) {
            Window.checkDataFormat(spec);
            Window.checkImageInput(spec, input);
            int filters = spec.requirePositive("filters");
            Window window = Window.parse(spec);
            int groups = spec.getPositive("groups", 1);
            boolean useBias = spec.getBoolean("use_bias", true);
            int c = input.dim(2);
            if (c == Shape.UNKNOWN) {
                throw spec.error("the input's channel axis must be known to size the kernel, but the input is " + input
                        + "; give input_shape a channel count such as [null, null, 3]");
            }
            if (filters % groups != 0) {
                throw spec.paramError("groups", "must divide filters: " + filters + " filters cannot be split into "
                        + groups + " groups; choose filters divisible by groups");
            }
            if (c % groups != 0) {
                throw spec.paramError("groups", "must divide the input channels: the input " + input + " has " + c
                        + " channels, not divisible by " + groups + " groups");
            }
            return new Config(filters, window, groups, useBias, c);
        }

        int[] kernelShape() {
            return new int[] {window.kh(), window.kw(), inChannels / groups, filters};
        }

        /** Pure shape function: (None, outH, outW, filters). */
        Shape outputShape(LayerSpec spec, Shape input) {
            Window.checkImageInput(spec, input);
            if (input.dim(2) != inChannels) {
                throw spec.error("was built for " + inChannels + " input channels but got " + input
                        + "; rebuild the model for this input");
            }
            return window.outputShape(spec, input, filters);
        }
    }

    /** A built conv2d layer: immutable config, live weights, forward on the provider's kernels. */
    static final class Conv2d extends AbstractLayer implements AffineFoldable, ActivationFusable, ResidualFusable {
        private final Config config;
        private final Activation activation;
        private final Tensor kernel;
        private final Tensor bias;
        private final Kernels kernels;
        /**
         * The kernel as its path keeps it (ConvKernels.panels: Winograd's transform, the GEMM's or
         * the row path's panels), at the first run (the
         * weights are set after the constructor, before any run, and never change: new weights
         * build new layers); null until then and for kernels read in place. Packing twice is
         * harmless.
         */
        private volatile float[] panels;
        private volatile boolean packed;

        Conv2d(LayerSpec spec, Shape inputShape, Config config, Activation activation, Random random,
                Kernels kernels) {
            super(spec, TYPE, inputShape);
            this.kernels = kernels;
            this.config = config;
            this.activation = activation;
            this.kernel = weights.add("kernel", Initializers.resolve(spec, "kernel_initializer", "glorot_uniform"),
                    random, config.kernelShape());
            this.bias = config.useBias() ? weights.add("bias", Initializers.resolve(spec, "bias_initializer", "zeros"),
                    random, config.filters()) : null;
        }

        /** A layer of the optimised plan: these weights (not copied), this activation. */
        private Conv2d(Conv2d of, Activation activation, Tensor kernel, Tensor bias) {
            super(of.spec, TYPE, of.inputShape());
            this.kernels = of.kernels;
            this.config = of.config;
            this.activation = activation;
            this.kernel = kernel;
            this.bias = bias;
        }

        @Override
        public Layer foldAffine(ChannelAffine affine) {
            if (activation != null || affine.channels() != config.filters()) {
                return null;
            }
            return new Conv2d(this, null, affine.scaleKernel(kernel), affine.foldBias(bias));
        }

        @Override
        public Layer fuseActivation(Activation act) {
            return activation != null ? null : new Conv2d(this, act, kernel, bias);
        }

        /** An error naming this layer. */
        ModelException error(String message) {
            return spec.error(message);
        }

        /** The sum is the conv kernel's last step on each work item's outputs ({@link ResidualEpilogue}). */
        @Override
        public MultiInputLayer fuseResidual(Activation after) {
            return activation != null ? null : new ResidualConv2d(this, after);
        }

        @Override
        public Shape outputShape(Shape input) {
            return config.outputShape(spec, input);
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            forward(input, output, activation, context);
        }

        private void forward(Tensor input, Tensor output, Activation act, ExecutionContext context) {
            Window.checkBatch(spec, input);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(config.window(), input.dim(1), input.dim(2),
                    config.groups());
            ConvKernels.conv2d(input, kernel, bias, output, g, act, context, kernels.gemm(), panels(g));
        }

        /** The kept panels; none for the few-filter kernels, which read the kernel in place. */
        private float[] panels(ConvKernels.Geometry g) {
            if (!packed) {
                panels = ConvKernels.panels(kernel, g, kernels.gemm());
                packed = true;
            }
            return panels;
        }

        /** Every conv kernel (scalar and the vector backend's) overwrites a NaN-filled output (KernelEquivalenceTest, VectorConvTest). */
        @Override
        public boolean writesEveryOutput() {
            return true;
        }
    }

    /**
     * A conv2d layer with a linear activation followed by a residual Add (and the Add's
     * activation), as the optimised plan runs them: inputs the conv's input and the residual,
     * output {@code after(conv(x) + residual)}, the sum taken on each work item's outputs while
     * they are in cache. The same bits as the conv and the Add run one after the other.
     */
    static final class ResidualConv2d implements MultiInputLayer {
        private final Conv2d conv;
        private final Activation after;

        ResidualConv2d(Conv2d conv, Activation after) {
            this.conv = conv;
            this.after = after;
        }

        @Override
        public String name() {
            return conv.name();
        }

        @Override
        public String type() {
            return conv.type();
        }

        @Override
        public List<Shape> inputShapes() {
            return List.of(conv.inputShape(), conv.outputShape());
        }

        @Override
        public Shape outputShape(List<Shape> inputs) {
            if (inputs.size() != 2) {
                throw conv.error("with a residual sum takes 2 inputs (its input and the residual), got "
                        + inputs.size());
            }
            Shape out = conv.outputShape(inputs.get(0));
            if (!out.equals(inputs.get(1))) {
                throw conv.error("with a residual sum needs the residual in its output's shape " + out
                        + ", got " + inputs.get(1));
            }
            return out;
        }

        @Override
        public void forward(List<Tensor> inputs, Tensor output, ExecutionContext context) {
            if (inputs.size() != 2) {
                throw new IllegalArgumentException("conv2d with a residual sum: 2 inputs expected, got " + inputs.size());
            }
            conv.forward(inputs.get(0), output, new ResidualEpilogue(inputs.get(1), output, after), context);
        }

        @Override
        public boolean writesEveryOutput() {
            return true;
        }

        @Override
        public Map<String, Tensor> weights() {
            return conv.weights();
        }
    }
}
