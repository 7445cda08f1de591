package io.cnnkit.layers.merge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.testkit.ShuffledContext;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.BuildContext;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Golden;

/** Providers, layer building, golden cases of merge.json, random tensors and test contexts. */
final class Fixtures {
    private Fixtures() {
    }

    static List<MultiInputLayerProvider> providers() {
        return List.of(new AddProvider(), new SubtractProvider(), new MultiplyProvider(), new AverageProvider(),
                new MaximumProvider(), new MinimumProvider(), new ConcatenateProvider(), new MergeProvider());
    }

    static MultiInputLayerProvider provider(String type) {
        for (MultiInputLayerProvider p : providers()) {
            if (p.type().equals(type)) {
                return p;
            }
        }
        throw new IllegalArgumentException(type);
    }

    /** A build context for direct provider calls (merge layers have no weights or activation). */
    static final BuildContext BUILD = new BuildContext() {
        @Override
        public Activation activation(LayerSpec spec, Object value) {
            throw new UnsupportedOperationException("merge layers have no activation");
        }

        @Override
        public Random random() {
            return new Random(0);
        }

        @Override
        public String modelName() {
            return "test";
        }
    };

    /** A layer description from a cnnkit JSON layer object ({"type": ..., params}). */
    static LayerSpec spec(Map<String, Object> layer) {
        Map<String, Object> params = new LinkedHashMap<>(layer);
        String type = (String) params.remove("type");
        String name = (String) params.remove("name");
        return new LayerSpec(3, type, name == null ? type + "_1" : name, params);
    }

    static LayerSpec spec(String type, Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return spec(m);
    }

    static MultiInputLayer build(LayerSpec spec, List<Shape> shapes) {
        return provider(spec.type()).create(spec, shapes, BUILD);
    }

    static MultiInputLayer build(LayerSpec spec, Shape... shapes) {
        return build(spec, List.of(shapes));
    }

    /** Runs a layer into a fresh output of the shape it gives for the inputs. */
    static Tensor run(MultiInputLayer layer, List<Tensor> inputs, ExecutionContext ctx) {
        List<Shape> shapes = new ArrayList<>();
        for (Tensor t : inputs) {
            shapes.add(Shape.ofSample(t));
        }
        Tensor y = Tensor.zeros(layer.outputShape(shapes).withBatch(inputs.get(0).dim(0)));
        layer.forward(inputs, y, ctx);
        return y;
    }

    /** One case of merge.json. */
    record Case(String name, Map<String, Object> layer, List<Tensor> inputs, Tensor expected) {
        List<Shape> sampleShapes() {
            List<Shape> out = new ArrayList<>();
            for (Tensor t : inputs) {
                out.add(Shape.ofSample(t));
            }
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> golden() {
        String path = "/golden/merge.json";
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " not found; run cnf/golden/layers_merge.py");
            }
            ObjectMapper json = new ObjectMapper();
            JsonNode root = json.readTree(in);
            if (root.path("format_version").asInt(-1) != Golden.FORMAT_VERSION) {
                throw new IllegalStateException(path + ": format_version " + root.path("format_version"));
            }
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> layer = json.convertValue(c.get("layer"), LinkedHashMap.class);
                List<Tensor> inputs = new ArrayList<>();
                c.get("inputs").forEach(t -> inputs.add(Golden.tensor(t)));
                cases.add(new Case(c.get("name").asText(), layer, inputs, Golden.tensor(c.get("expected"))));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (r.nextGaussian() * 1.5);
        }
        return t;
    }

    /** Every dimension open: the shapes a model with input (None, None, C) would build with. */
    static Shape open(Shape s) {
        int[] d = s.dims();
        java.util.Arrays.fill(d, Shape.UNKNOWN);
        return Shape.of(d);
    }

    /** Runs ranges inline (one thread). */
    static final ExecutionContext INLINE = new ExecutionContext() {
        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public void parallelFor(int count, long costPerItem, RangeBody body) {
            if (count > 0) {
                body.run(0, count);
            }
        }
    };

}
