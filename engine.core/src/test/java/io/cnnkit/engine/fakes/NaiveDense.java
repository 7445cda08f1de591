package io.cnnkit.engine.fakes;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.api.WeightSet;

/** Test-scope dense on a rank-1 input: y = act(x . kernel + bias), kernel (in, units). */
public class NaiveDense implements LayerProvider {
    @Override
    public String type() {
        return "dense";
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("units");
    }

    @Override
    public Set<String> parameters() {
        return Set.of("units", "activation", "use_bias", "kernel_initializer", "bias_initializer");
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("Dense");
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = LayerProvider.super.fromKeras(kerasClass, config);
        if (config.containsKey("output_dim")) { // Keras 1
            out.put("units", config.get("output_dim"));
        }
        return out;
    }

    @Override
    public Layer create(LayerSpec spec, Shape in, BuildContext context) {
        int units = spec.requirePositive("units");
        boolean useBias = spec.getBoolean("use_bias", true);
        Activation act = context.activation(spec, spec.raw("activation"));
        if (in.rank() != 1 || !in.isKnown(0)) {
            throw spec.error("needs a flat input of known size (add a flatten layer), got " + in);
        }
        WeightSet w = new WeightSet();
        Tensor kernel = w.add("kernel", Initializers.resolve(spec, "kernel_initializer", "glorot_uniform"),
                context.random(), in.dim(0), units);
        Tensor bias = useBias ? w.add("bias", Initializers.resolve(spec, "bias_initializer", "zeros"),
                context.random(), units) : null;
        return new FakeLayer(spec, "dense", in, input -> Shape.of(units), (x, y, ctx) -> {
            int n = x.dim(0), m = x.dim(1);
            for (int b = 0; b < n; b++) {
                for (int u = 0; u < units; u++) {
                    float sum = bias == null ? 0f : bias.get(u);
                    for (int i = 0; i < m; i++) {
                        sum += x.get(b, i) * kernel.get(i, u);
                    }
                    y.set(sum, b, u);
                }
                act.apply(y.data(), y.index(b, 0), y.data(), y.index(b, 0), units, units);
            }
        }, w);
    }
}
