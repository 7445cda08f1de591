package io.cnnkit.layers.dense;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * flatten: Keras Flatten (channels_last). NHWC is row-major with channels fastest, exactly
 * Keras's flatten order, so the output is the input's elements unchanged.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = "flatten", keras_class = {"Flatten"})
public class FlattenProvider implements LayerProvider {
    static final Set<String> PARAMETERS = Set.of("data_format");

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        String f = spec.getString("data_format", "channels_last");
        if (!f.equals("channels_last")) {
            // channels_first would flatten in NCHW order: a different element order.
            throw spec.paramError("data_format", "must be channels_last (cnnkit tensors are NHWC), got '" + f + "'");
        }
        return new Flatten(spec, inputShape);
    }

    static final class Flatten extends AbstractLayer {
        Flatten(LayerSpec spec, Shape inputShape) {
            super(spec, spec.type(), inputShape);
        }

        /** (None, d1, d2, ...) -> (None, d1*d2*...); None when any dimension is open, as Keras. */
        @Override
        public Shape outputShape(Shape input) {
            if (!input.isFullyKnown()) {
                return Shape.of(Shape.UNKNOWN);
            }
            long n = input.elementCount();
            if (n > Integer.MAX_VALUE) {
                throw spec.error("input " + input + " has " + n + " elements per sample, more than 2^31-1");
            }
            return Shape.of((int) n);
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            System.arraycopy(input.data(), input.offset(), output.data(), output.offset(), input.size());
        }
    }
}
