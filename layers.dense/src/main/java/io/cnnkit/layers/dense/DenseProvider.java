package io.cnnkit.layers.dense;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.engine.kernel.KernelBackends;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * dense: Keras Dense. kernel (in, units), bias (units); on inputs of rank > 1 per sample it
 * applies to the last axis, as Keras does (tensordot over the last axis).
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "dense", keras_class = {"Dense"})
public class DenseProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("units", "activation", "use_bias", "kernel_initializer",
            "bias_initializer");

    private final DenseGemm gemm;
    private final String kernels;

    /** On a plain class path: the best {@link KernelBackend} that ServiceLoader finds, else scalar. */
    public DenseProvider() {
        this(KernelBackends.fromServiceLoader(DenseProvider.class.getClassLoader()));
    }

    /**
     * In OSGi: the highest-ranked kernel backend present (scalar when none). Static and greedy,
     * so a better backend arriving, or the bound one leaving, re-registers this provider and the
     * engine rebuilds the models that use it.
     */
    @Activate
    public DenseProvider(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) KernelBackend backend) {
        this.gemm = DenseGemm.of(backend);
        this.kernels = gemm == DenseGemm.SCALAR ? "scalar" : backend.name();
    }

    /** The kernels this provider's layers multiply with: "scalar" or the backend's name. */
    String kernels() {
        return kernels;
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("units");
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    /** Keras 1: output_dim -> units; init -> kernel_initializer and bias -> use_bias as {@link Keras1} declares. */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config));
        if (!out.containsKey("units") && config.containsKey("output_dim")) {
            out.put("units", config.get("output_dim"));
        }
        return Keras1.rename(config, PARAMETERS, out);
    }

    /** Configuration: units, use_bias, the (fused) activation. */
    record Config(int units, boolean useBias, Activation activation) {
        static Config of(LayerSpec spec, BuildContext context) {
            return new Config(spec.requirePositive("units"), spec.getBoolean("use_bias", true),
                    context.activation(spec, spec.raw("activation")));
        }
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return new Dense(spec, Config.of(spec, context), inputShape, context, gemm);
    }

    static final class Dense extends AbstractLayer implements AffineFoldable, ActivationFusable {
        private final Config config;
        private final int in;
        private final Tensor kernel;
        private final Tensor bias;
        private final DenseGemm gemm;

        Dense(LayerSpec spec, Config config, Shape inputShape, BuildContext context, DenseGemm gemm) {
            super(spec, spec.type(), inputShape);
            this.gemm = gemm;
            this.config = config;
            if (inputShape.rank() < 1 || !inputShape.isKnown(-1)) {
                throw spec.error("the last dimension of the input must be known, got " + inputShape
                        + "; give the model a fixed input_shape or flatten a fixed-size input");
            }
            this.in = inputShape.dim(-1);
            this.kernel = weights.add("kernel", Initializers.resolve(spec, "kernel_initializer", "glorot_uniform"),
                    context.random(), in, config.units);
            this.bias = config.useBias ? weights.add("bias", Initializers.resolve(spec, "bias_initializer", "zeros"),
                    context.random(), config.units) : null;
        }

        /** A layer of the optimised plan: these weights (not copied), this activation. */
        private Dense(Dense of, Activation activation, Tensor kernel, Tensor bias) {
            super(of.spec, of.type(), of.inputShape());
            this.gemm = of.gemm;
            this.config = new Config(of.config.units, bias != null, activation);
            this.in = of.in;
            this.kernel = kernel;
            this.bias = bias;
        }

        @Override
        public Layer foldAffine(ChannelAffine affine) {
            if (!Activations.isLinear(config.activation) || affine.channels() != config.units) {
                return null;
            }
            return new Dense(this, config.activation, affine.scaleKernel(kernel), affine.foldBias(bias));
        }

        @Override
        public Layer fuseActivation(Activation act) {
            return Activations.isLinear(config.activation) ? new Dense(this, act, kernel, bias) : null;
        }

        /** Same shape with the last axis replaced by units. */
        @Override
        public Shape outputShape(Shape input) {
            if (input.rank() < 1 || input.dim(-1) != in) {
                throw spec.error("expects inputs whose last axis has " + in + " values, got " + input);
            }
            int[] d = input.dims();
            d[d.length - 1] = config.units;
            return Shape.of(d);
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            int rows = input.size() / in;
            gemm.multiply(input.data(), input.offset(), rows, in, kernel.data(), kernel.offset(),
                    bias == null ? null : bias.data(), bias == null ? 0 : bias.offset(), config.units, output.data(),
                    output.offset(), context);
            if (!Activations.isLinear(config.activation)) {
                Activations.applyRows(config.activation, output.data(), output.offset(), output.data(),
                        output.offset(), rows, config.units, context);
            }
        }
    }
}
