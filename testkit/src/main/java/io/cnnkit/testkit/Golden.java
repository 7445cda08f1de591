package io.cnnkit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.engine.api.Tensor;

/**
 * Golden fixtures written by {@code cnf/golden/*.py} (PyTorch/NumPy): JSON with a
 * {@code format_version}, and cases of layer description, input, weights (Keras layout)
 * and expected output.
 */
public final class Golden {
    public static final int FORMAT_VERSION = 1;

    /** One case: {@code layer} is a cnnkit JSON layer object (type, params). */
    public record Case(String name, Map<String, Object> layer, List<Integer> inputShape, Tensor input,
            Map<String, Tensor> weights, Tensor expected) {
    }

    private Golden() {
    }

    /** Loads {@code /golden/<file>} from the test class path. */
    public static List<Case> load(Class<?> owner, String file) {
        String path = "/golden/" + file;
        try (InputStream in = owner.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("golden fixture " + path + " not found on the test class path; "
                        + "run the generator in cnf/golden/");
            }
            return read(in, path);
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    /** Loads a fixture file (e.g. a sibling module's, for another backend of the same layer). */
    public static List<Case> load(java.nio.file.Path file) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static List<Case> read(InputStream in, String path) throws IOException {
        {
            JsonNode root = new ObjectMapper().readTree(in);
            int v = root.path("format_version").asInt(-1);
            if (v != FORMAT_VERSION) {
                throw new IllegalStateException(path + ": format_version " + v + ", expected " + FORMAT_VERSION);
            }
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> layer = new ObjectMapper().convertValue(c.get("layer"), LinkedHashMap.class);
                Map<String, Tensor> weights = new LinkedHashMap<>();
                if (c.has("weights")) {
                    c.get("weights").fields().forEachRemaining(e -> weights.put(e.getKey(), tensor(e.getValue())));
                }
                List<Integer> inputShape = new ArrayList<>();
                if (c.has("input_shape")) {
                    c.get("input_shape").forEach(n -> inputShape.add(n.isNull() ? null : n.asInt()));
                }
                cases.add(new Case(c.get("name").asText(), layer, inputShape, tensor(c.get("input")), weights,
                        tensor(c.get("expected"))));
            }
            return cases;
        }
    }

    /** {"shape": [...], "data": [...]} to a tensor. */
    public static Tensor tensor(JsonNode n) {
        JsonNode s = n.get("shape");
        int[] shape = new int[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = s.get(i).asInt();
        }
        JsonNode d = n.get("data");
        float[] data = new float[d.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) d.get(i).asDouble();
        }
        return Tensor.wrap(data, shape);
    }
}
