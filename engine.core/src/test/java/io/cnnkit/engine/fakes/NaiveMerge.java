package io.cnnkit.engine.fakes;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * Test merge layers for the engine's graph tests: {@code add} (same shapes only) and
 * {@code concatenate} on the last axis. The real ones with Keras's broadcasting are in
 * layers.merge.
 */
public final class NaiveMerge implements MultiInputLayerProvider {
    private final String type;
    private final String kerasClass;

    private NaiveMerge(String type, String kerasClass) {
        this.type = type;
        this.kerasClass = kerasClass;
    }

    public static NaiveMerge add() {
        return new NaiveMerge("add", "Add");
    }

    public static NaiveMerge concatenate() {
        return new NaiveMerge("concatenate", "Concatenate");
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Set<String> parameters() {
        return Set.of();
    }

    @Override
    public List<String> kerasClasses() {
        return List.of(kerasClass);
    }

    @Override
    public Map<String, Object> fromKeras(String cls, Map<String, Object> config) {
        return Map.of();
    }

    @Override
    public MultiInputLayer create(LayerSpec spec, List<Shape> inputShapes, BuildContext context) {
        Layer l = new Layer(spec, type, List.copyOf(inputShapes));
        l.outputShape(inputShapes); // checks the shapes now
        return l;
    }

    private record Layer(LayerSpec spec, String type, List<Shape> inputShapes) implements MultiInputLayer {
        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public Shape outputShape(List<Shape> in) {
            Shape first = in.get(0);
            int last = 0;
            for (Shape s : in) {
                if (s.rank() != first.rank()) {
                    throw new ModelException(type + ": inputs of different ranks " + in);
                }
                for (int a = 0; a < s.rank() - ("add".equals(type) ? 0 : 1); a++) {
                    if (s.dim(a) != first.dim(a)) {
                        throw new ModelException(type + ": shapes " + first + " and " + s + " differ");
                    }
                }
                last += s.dim(-1);
            }
            if ("add".equals(type)) {
                return first;
            }
            int[] d = new int[first.rank()];
            for (int a = 0; a < d.length - 1; a++) {
                d[a] = first.dim(a);
            }
            d[d.length - 1] = last;
            return Shape.of(d);
        }

        @Override
        public void forward(List<Tensor> inputs, Tensor output, ExecutionContext context) {
            float[] out = output.data();
            if ("add".equals(type)) {
                for (Tensor t : inputs) {
                    for (int i = 0; i < t.size(); i++) {
                        out[output.offset() + i] += t.data()[t.offset() + i];
                    }
                }
                return;
            }
            int rows = output.size() / output.dim(-1);
            int o = output.offset();
            for (int r = 0; r < rows; r++) {
                for (Tensor t : inputs) {
                    int c = t.dim(-1);
                    System.arraycopy(t.data(), t.offset() + r * c, out, o, c);
                    o += c;
                }
            }
        }
    }
}
