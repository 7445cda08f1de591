package io.cnnkit.layers.conv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Keras1;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.LayerType;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * Keras's Cropping2D: cropping {@code n} (every side), {@code [rows, cols]} (symmetric) or
 * {@code [[top, bottom], [left, right]]}; default no cropping. At least one row and one column
 * must remain. No weights.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = Cropping2dProvider.TYPE, keras_class = "Cropping2D")
public final class Cropping2dProvider implements LayerProvider {
    static final String TYPE = "cropping2d";

    private static final Set<String> PARAMS = Set.of("cropping", "data_format");

    public Cropping2dProvider() {
        // DS and ServiceLoader need a public no-arg constructor.
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("cropping");
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    /** Keras 2/3 keys pass through; Keras 1 wrote {cropping: [[t, b], [l, r]], dim_ordering}. */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        return Keras1.rename(config, parameters(),
                new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config)));
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Config config = Config.of(spec);
        config.outputShape(spec, inputShape);
        return new Cropping2d(spec, inputShape, config);
    }

    /** Rows removed at the top and bottom, columns removed at the left and right. */
    record Config(int top, int bottom, int left, int right) {
        static Config of(LayerSpec spec) {
            Window.checkDataFormat(spec);
            Sides s = Sides.of(spec, "cropping", 0);
            return new Config(s.top(), s.bottom(), s.left(), s.right());
        }

        /** Pure shape function: (None, H - top - bottom, W - left - right, C); open sizes stay open. */
        Shape outputShape(LayerSpec spec, Shape input) {
            Window.checkImageInput(spec, input);
            int h = input.dim(0), w = input.dim(1);
            long oh = h == Shape.UNKNOWN ? Shape.UNKNOWN : (long) h - top - bottom;
            long ow = w == Shape.UNKNOWN ? Shape.UNKNOWN : (long) w - left - right;
            if (h != Shape.UNKNOWN && oh < 1) {
                throw spec.paramError("cropping", "removes " + top + " + " + bottom + " rows from an input of " + h
                        + " rows (input " + input + "), leaving nothing; crop fewer rows");
            }
            if (w != Shape.UNKNOWN && ow < 1) {
                throw spec.paramError("cropping", "removes " + left + " + " + right + " columns from an input of " + w
                        + " columns (input " + input + "), leaving nothing; crop fewer columns");
            }
            return Shape.of((int) oh, (int) ow, input.dim(2));
        }
    }

    /** A built cropping2d layer. */
    static final class Cropping2d extends AbstractLayer {
        private final Config config;

        Cropping2d(LayerSpec spec, Shape inputShape, Config config) {
            super(spec, TYPE, inputShape);
            this.config = config;
        }

        @Override
        public Shape outputShape(Shape input) {
            return config.outputShape(spec, input);
        }

        @Override
        public void forward(Tensor input, Tensor output, ExecutionContext context) {
            Window.checkBatch(spec, input);
            ResizeKernels.crop(input, output, config.top(), config.left(), context);
        }

        /** Every output row is one copy from the input (ConvMoreLayersTest, NaN-filled). */
        @Override
        public boolean writesEveryOutput() {
            return true;
        }
    }
}
