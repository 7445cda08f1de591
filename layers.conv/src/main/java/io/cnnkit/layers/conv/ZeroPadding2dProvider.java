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
 * Keras's ZeroPadding2D: padding {@code n}, {@code [h, w]} (symmetric) or
 * {@code [[top, bottom], [left, right]]}; default 1 on every side. No weights.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = ZeroPadding2dProvider.TYPE, keras_class = "ZeroPadding2D")
public final class ZeroPadding2dProvider implements LayerProvider {
    static final String TYPE = "zero_padding2d";

    private static final Set<String> PARAMS = Set.of("padding", "data_format");

    public ZeroPadding2dProvider() {
        // DS and ServiceLoader need a public no-arg constructor.
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("padding");
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object padding = config.get("padding");
        // Keras 1.2 also wrote {"top_pad": t, "bottom_pad": b, "left_pad": l, "right_pad": r}.
        if (padding instanceof Map<?, ?> m) {
            padding = List.of(List.of(m.get("top_pad"), m.get("bottom_pad")), List.of(m.get("left_pad"),
                    m.get("right_pad")));
        }
        Conv2dProvider.putIfPresent(out, "padding", padding);
        Conv2dProvider.putIfPresent(out, "data_format", config.get("data_format"));
        return Keras1.rename(config, parameters(), out); // Keras 1 dim_ordering
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Config config = Config.of(spec);
        config.outputShape(spec, inputShape);
        return new ZeroPadding2d(spec, inputShape, config);
    }

    /** Rows added on top and bottom, columns added left and right. */
    record Config(int top, int bottom, int left, int right) {
        static Config of(LayerSpec spec) {
            Window.checkDataFormat(spec);
            Sides s = Sides.of(spec, "padding", 1);
            return new Config(s.top(), s.bottom(), s.left(), s.right());
        }

        /** Pure shape function: (None, H + top + bottom, W + left + right, C); open sizes stay open. */
        Shape outputShape(LayerSpec spec, Shape input) {
            Window.checkImageInput(spec, input);
            int h = input.dim(0), w = input.dim(1);
            long oh = h == Shape.UNKNOWN ? Shape.UNKNOWN : (long) h + top + bottom;
            long ow = w == Shape.UNKNOWN ? Shape.UNKNOWN : (long) w + left + right;
            if (oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE) {
                throw spec.paramError("padding", "makes the output too large: " + oh + "x" + ow);
            }
            return Shape.of((int) oh, (int) ow, input.dim(2));
        }
    }

    /** A built zero_padding2d layer. */
    static final class ZeroPadding2d extends AbstractLayer {
        private final Config config;

        ZeroPadding2d(LayerSpec spec, Shape inputShape, Config config) {
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
            PaddingKernels.pad(input, output, config.top(), config.left(), context);
        }
    }
}
