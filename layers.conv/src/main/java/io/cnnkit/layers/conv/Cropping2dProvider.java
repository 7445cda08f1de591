package io.cnnkit.layers.conv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

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
@Component(service = LayerProvider.class)
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
            if (!spec.has("cropping")) {
                return new Config(0, 0, 0, 0);
            }
            Object v = spec.raw("cropping");
            if (v instanceof List<?> l && l.size() == 2) {
                if (l.get(0) instanceof List<?> hs && l.get(1) instanceof List<?> ws && hs.size() == 2
                        && ws.size() == 2) {
                    return new Config(amount(spec, hs.get(0)), amount(spec, hs.get(1)), amount(spec, ws.get(0)),
                            amount(spec, ws.get(1)));
                }
                int h = amount(spec, l.get(0));
                int w = amount(spec, l.get(1));
                return new Config(h, h, w, w);
            }
            if (v instanceof List<?>) {
                throw bad(spec, v);
            }
            int n = amount(spec, v);
            return new Config(n, n, n, n);
        }

        private static int amount(LayerSpec spec, Object v) {
            if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())
                    && num.doubleValue() >= 0 && num.doubleValue() <= Integer.MAX_VALUE) {
                return num.intValue();
            }
            if (v instanceof String s && s.trim().matches("\\d+")) {
                return Integer.parseInt(s.trim());
            }
            throw bad(spec, spec.raw("cropping"));
        }

        private static RuntimeException bad(LayerSpec spec, Object v) {
            return spec.paramError("cropping", "must be a non-negative integer, [rows, columns] or "
                    + "[[top, bottom], [left, right]], got " + LayerSpec.describe(v));
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
