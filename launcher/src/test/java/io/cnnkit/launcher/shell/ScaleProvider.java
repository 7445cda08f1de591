package io.cnnkit.launcher.shell;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.api.WeightSet;

/**
 * A test layer type "scale": multiplies every value by a one-element weight "factor"
 * (parameter factor, default 1). Lets the command layer be tested with a real engine
 * independently of the layer bundles.
 */
final class ScaleProvider implements LayerProvider {
    @Override
    public String type() {
        return "scale";
    }

    @Override
    public Set<String> parameters() {
        return Set.of("factor");
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("factor");
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        spec.checkKnown(parameters());
        float f = (float) spec.getDouble("factor", 1.0);
        WeightSet w = new WeightSet();
        Tensor factor = w.add("factor", (t, r) -> Arrays.fill(t.data(), t.offset(), t.offset() + t.size(), f),
                context.random(), 1);
        return new Layer() {
            @Override
            public String name() {
                return spec.name();
            }

            @Override
            public String type() {
                return "scale";
            }

            @Override
            public Shape inputShape() {
                return inputShape;
            }

            @Override
            public Shape outputShape(Shape input) {
                return input;
            }

            @Override
            public void forward(Tensor input, Tensor output, ExecutionContext ctx) {
                float k = factor.data()[factor.offset()];
                float[] in = input.data();
                float[] out = output.data();
                for (int i = 0; i < input.size(); i++) {
                    out[output.offset() + i] = in[input.offset() + i] * k;
                }
            }

            @Override
            public Map<String, Tensor> weights() {
                return w.asMap();
            }
        };
    }
}
