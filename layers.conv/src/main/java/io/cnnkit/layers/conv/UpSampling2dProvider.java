package io.cnnkit.layers.conv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * Keras's UpSampling2D: size {@code n} or {@code [rows, cols]} (default 2x2), interpolation
 * {@code nearest} (default: each value repeated) or {@code bilinear} (TensorFlow's
 * resize_bilinear with half-pixel centres and no antialiasing, what tf.keras 2 and Keras 3
 * compute; PyTorch's interpolate bilinear with align_corners=False gives the same). No weights.
 */
@Component(service = LayerProvider.class, configurationPolicy = ConfigurationPolicy.IGNORE)
@LayerType(layer_type = UpSampling2dProvider.TYPE, keras_class = "UpSampling2D")
public final class UpSampling2dProvider implements LayerProvider {
    static final String TYPE = "up_sampling2d";

    private static final Set<String> PARAMS = Set.of("size", "interpolation", "data_format");

    /** Interpolations Keras 2.x/3 offer that cnnkit does not compute (named in the error). */
    private static final Set<String> OTHER_KERAS = Set.of("bicubic", "area", "lanczos3", "lanczos5", "gaussian",
            "mitchellcubic");

    public UpSampling2dProvider() {
        // DS and ServiceLoader need a public no-arg constructor.
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("size");
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    /** Keras 2/3 keys pass through; Keras 1 wrote {size, dim_ordering} (nearest only). */
    @Override
    public Map<String, Object> fromKeras(String kerasClass, Map<String, Object> config) {
        return Keras1.rename(config, parameters(),
                new LinkedHashMap<>(LayerProvider.super.fromKeras(kerasClass, config)));
    }

    @Override
    public Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        Config config = Config.of(spec);
        config.outputShape(spec, inputShape);
        return new UpSampling2d(spec, inputShape, config);
    }

    /** Factors along rows and columns, and the interpolation. */
    record Config(int fh, int fw, boolean bilinear) {
        static Config of(LayerSpec spec) {
            Window.checkDataFormat(spec);
            int[] size = spec.getTuple("size", 2, new int[] {2, 2});
            String interp = spec.getString("interpolation", "nearest").toLowerCase(Locale.ROOT);
            if (OTHER_KERAS.contains(interp)) {
                throw spec.paramError("interpolation", "'" + interp + "' is not computed by cnnkit; up_sampling2d "
                        + "computes nearest and bilinear");
            }
            if (!interp.equals("nearest") && !interp.equals("bilinear")) {
                throw spec.paramError("interpolation", "must be one of nearest, bilinear, got '" + interp + "'");
            }
            return new Config(size[0], size[1], interp.equals("bilinear"));
        }

        /** Pure shape function: (None, H * rows, W * cols, C); open sizes stay open. */
        Shape outputShape(LayerSpec spec, Shape input) {
            Window.checkImageInput(spec, input);
            int h = input.dim(0), w = input.dim(1);
            if (h == 0 || w == 0) {
                throw spec.error("input " + input + " has an empty spatial axis; the layer before it must output at "
                        + "least one row and one column");
            }
            long oh = h == Shape.UNKNOWN ? Shape.UNKNOWN : (long) h * fh;
            long ow = w == Shape.UNKNOWN ? Shape.UNKNOWN : (long) w * fw;
            if (oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE) {
                throw spec.paramError("size", "makes the output too large: " + oh + "x" + ow + " from " + input);
            }
            return Shape.of((int) oh, (int) ow, input.dim(2));
        }
    }

    /** A built up_sampling2d layer. */
    static final class UpSampling2d extends AbstractLayer {
        private final Config config;

        UpSampling2d(LayerSpec spec, Shape inputShape, Config config) {
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
            if (config.bilinear()) {
                ResizeKernels.bilinear(input, output, config.fh(), config.fw(), context);
            } else {
                ResizeKernels.nearest(input, output, config.fh(), config.fw(), context);
            }
        }

        /** Both kernels write every output element (ConvMoreLayersTest, NaN-filled). */
        @Override
        public boolean writesEveryOutput() {
            return true;
        }
    }
}
