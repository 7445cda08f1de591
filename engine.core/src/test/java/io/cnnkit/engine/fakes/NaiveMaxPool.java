package io.cnnkit.engine.fakes;

import java.util.List;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/** Test-scope max_pooling2d, padding valid only (strides default to pool_size, as Keras). */
public class NaiveMaxPool implements LayerProvider {
    @Override
    public String type() {
        return "max_pooling2d";
    }

    @Override
    public List<String> positionalParameters() {
        return List.of("pool_size", "strides");
    }

    @Override
    public Set<String> parameters() {
        return Set.of("pool_size", "strides", "padding");
    }

    @Override
    public List<String> kerasClasses() {
        return List.of("MaxPooling2D");
    }

    @Override
    public Layer create(LayerSpec spec, Shape in, BuildContext context) {
        int[] p = spec.getTuple("pool_size", 2, new int[] {2, 2});
        int[] s = spec.getTuple("strides", 2, p);
        spec.getChoice("padding", "valid", "valid");
        return new Pool(spec, in, p, s);
    }

    private record Pool(LayerSpec spec, Shape inputShape, int[] p, int[] s) implements Layer {
        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public String type() {
            return "max_pooling2d";
        }

        @Override
        public Shape outputShape(Shape in) {
            int[] o = new int[2];
            for (int a = 0; a < 2; a++) {
                if (!in.isKnown(a)) {
                    o[a] = Shape.UNKNOWN;
                    continue;
                }
                if (in.dim(a) < p[a]) {
                    throw spec.error("input " + in.dim(0) + "x" + in.dim(1) + " with pool " + p[0] + "x" + p[1]
                            + ", strides " + s[0] + "x" + s[1] + ", padding valid gives an empty output");
                }
                o[a] = (in.dim(a) - p[a]) / s[a] + 1;
            }
            return Shape.of(o[0], o[1], in.dim(2));
        }

        @Override
        public void forward(Tensor x, Tensor y, ExecutionContext ctx) {
            int n = x.dim(0), c = x.dim(3);
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < y.dim(1); oy++) {
                    for (int ox = 0; ox < y.dim(2); ox++) {
                        for (int ch = 0; ch < c; ch++) {
                            float m = Float.NEGATIVE_INFINITY;
                            for (int ky = 0; ky < p[0]; ky++) {
                                for (int kx = 0; kx < p[1]; kx++) {
                                    m = Math.max(m, x.get(b, oy * s[0] + ky, ox * s[1] + kx, ch));
                                }
                            }
                            y.set(m, b, oy, ox, ch);
                        }
                    }
                }
            }
        }
    }
}
