package io.cnnkit.kerastest;


import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;

/**
 * Where the real Keras files are, the deterministic input, and the golden fixture of
 * cnf/golden/keras_real.py. The seven small files are copies in io.image's test resources; the
 * three large ones (two ResNet-8, the MobileNet) are read from {@code ../shared/keras-real} beside
 * the repository (as CI checks it out), found by walking up from the module directory. Tests that
 * need an absent file are skipped with a message saying where it was looked for.
 */
final class KerasReal {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String SMALL = "io.image/src/test/resources/h5/keras-real";
    private static final String SHARED = "shared/keras-real";

    private KerasReal() {
    }

    /** Every layer and activation bundle on the test class path, as a plain-Java user gets them. */
    static StandaloneEngine engine() {
        return Engines.fromServiceLoader(KerasReal.class.getClassLoader());
    }

    /** The repository root: the first ancestor of the working directory holding io.image/ and keras.test/. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("io.image")) && Files.isDirectory(q.resolve("keras.test"))) {
                return q;
            }
        }
        throw new IllegalStateException("no cnnkit repository root (with io.image/ and keras.test/) above " + p);
    }

    /** The places a file is looked for, in order. */
    static List<Path> candidates(String file) {
        List<Path> out = new ArrayList<>();
        Path root = repoRoot();
        out.add(root.resolve(SMALL).resolve(file));
        String prop = System.getProperty("cnnkit.kerasReal");
        if (prop != null && !prop.isBlank()) {
            out.add(Path.of(prop).resolve(file));
        }
        // ../shared/keras-real beside the checkout, or shared/ higher up.
        for (Path q = root; q != null; q = q.getParent()) {
            out.add(q.resolve(SHARED).resolve(file));
        }
        return out;
    }

    /** The file, or a skipped test that says where it was looked for. */
    static Path file(String file) {
        for (Path p : candidates(file)) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        io.cnnkit.testkit.RealFiles.assumePresent(false, "real Keras file " + file + " not found (looked in " + candidates(file)
                + "); put shared/keras-real beside the checkout or set -Dcnnkit.kerasReal=<dir>");
        throw new AssertionError("unreachable");
    }

    /** The architecture of a weights-only file: the .json beside it in its repository (test resources). */
    static String jsonResource(String name) {
        try (InputStream in = KerasReal.class.getResourceAsStream("/keras-real/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("/keras-real/" + name + ".json not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The architecture of a file: model_config of a full-model file, else the .json beside it. */
    static String architecture(String name, Path h5) {
        return KerasWeights.modelConfig(h5).orElseGet(() -> jsonResource(name));
    }

    /** x[0, h, w, c] = ((h*7 + w*3 + c*11) mod 255) / 255 in float32, as keras_real.py computes it. */
    static Tensor input(int h, int w, int c) {
        Tensor t = Tensor.zeros(1, h, w, c);
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                for (int k = 0; k < c; k++) {
                    t.set((float) ((i * 7 + j * 3 + k * 11) % 255) / 255f, 0, i, j, k);
                }
            }
        }
        return t;
    }

    /** The golden document of one model (by file name) from keras_real.json. */
    static JsonNode golden(String file) {
        JsonNode root = resource("/golden/keras_real.json");
        if (root.path("format_version").asInt() != 1) {
            throw new IllegalStateException("keras_real.json: unexpected format_version " + root.get("format_version"));
        }
        for (JsonNode m : root.get("models")) {
            if (m.get("file").asText().equals(file)) {
                return m;
            }
        }
        throw new IllegalStateException("keras_real.json has no model for " + file + "; rerun cnf/golden/keras_real.py");
    }

    static JsonNode resource(String path) {
        try (InputStream in = KerasReal.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " not on the test class path; run cnf/golden/keras_real.py");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Keras model JSON without some layers, as a user edits a graph down to a chain (e.g. one
     * head of a two-headed net): the layers are removed, and for a Functional model so are the
     * output_layers entries naming them; {@code newOutput} (may be null) becomes the output.
     */
    static String withoutLayers(String json, List<String> drop, String newOutput) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(json);
            JsonNode config = root.get("config");
            ArrayNode layers = (ArrayNode) (config.isArray() ? config : config.get("layers"));
            for (int i = layers.size() - 1; i >= 0; i--) {
                JsonNode l = layers.get(i);
                String n = l.path("config").path("name").asText(l.path("name").asText());
                if (drop.contains(n)) {
                    layers.remove(i);
                }
            }
            if (config.isObject() && config.has("output_layers") && newOutput != null) {
                ArrayNode out = JSON.createArrayNode();
                out.add(JSON.createArrayNode().add(newOutput).add(0).add(0));
                ((ObjectNode) config).set("output_layers", out);
            }
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The layers of a Keras JSON after (not including) {@code last}, in file order. */
    static List<String> layersAfter(String json, String last) {
        try {
            JsonNode config = JSON.readTree(json).get("config");
            JsonNode layers = config.isArray() ? config : config.get("layers");
            List<String> out = new ArrayList<>();
            boolean after = false;
            for (JsonNode l : layers) {
                String n = l.path("config").path("name").asText(l.path("name").asText());
                if (after) {
                    out.add(n);
                }
                after |= n.equals(last);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Summary statistics of a tensor, as keras_real.py records them per stage. */
    static Map<String, Double> stats(Tensor t) {
        double sum = 0, abs = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            double v = d[t.offset() + i];
            sum += v;
            abs += Math.abs(v);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("sum", sum);
        m.put("abs_sum", abs);
        m.put("min", min);
        m.put("max", max);
        return m;
    }

    /**
     * A stage's recorded summary (keras_real.py / keras_graph.py) against the tensor: sums to
     * relative {@code rtol} of the stage's |sum|; min, max and sampled values to relative
     * {@code rtol} plus the larger of {@code atol} and {@code rtol} times the stage's mean |value|
     * (an intermediate value can be a small difference of large ones, as after
     * BatchNormalization). Returns the largest |difference| / tolerance (1 = at the limit).
     */
    static double compareStats(String where, JsonNode w, Tensor t, double rtol, double atol) {
        Map<String, Double> got = stats(t);
        double scale = w.get("abs_sum").asDouble();
        double floor = Math.max(atol, rtol * scale / Math.max(t.size(), 1));
        double worst = 0;
        worst = Math.max(worst, check(where, "sum", w.get("sum").asDouble(), got.get("sum"), rtol * scale + atol));
        worst = Math.max(worst, check(where, "abs_sum", scale, got.get("abs_sum"), rtol * scale + atol));
        double min = w.get("min").asDouble(), max = w.get("max").asDouble();
        worst = Math.max(worst, check(where, "min", min, got.get("min"), rtol * Math.abs(min) + floor));
        worst = Math.max(worst, check(where, "max", max, got.get("max"), rtol * Math.abs(max) + floor));
        for (JsonNode sample : w.get("samples")) {
            int at = sample.get(0).asInt();
            double e = sample.get(1).asDouble();
            worst = Math.max(worst, check(where, "value at flat index " + at, e, t.data()[t.offset() + at],
                    rtol * Math.abs(e) + floor));
        }
        return worst;
    }

    private static double check(String where, String what, double expected, double got, double tolerance) {
        double diff = Math.abs(expected - got);
        if (!(diff <= tolerance)) {
            org.junit.jupiter.api.Assertions.fail(String.format("%s: %s is %.8g, PyTorch %.8g (|diff| %.3g > %.3g)",
                    where, what, got, expected, diff, tolerance));
        }
        return diff / tolerance;
    }

    static boolean allFinite(Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            if (!Float.isFinite(t.data()[t.offset() + i])) {
                return false;
            }
        }
        return true;
    }
}
