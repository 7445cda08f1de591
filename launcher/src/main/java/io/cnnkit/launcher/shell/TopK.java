package io.cnnkit.launcher.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.TopClasses;

/**
 * The top classes of a run's outputs ({@code run --top K --labels FILE}): per output in the
 * model's output order, the K highest values with their labels (class indices without a labels
 * file), best first, equal values in class order.
 *
 * <p>How the values read comes from the {@code activation} parameter of the layer producing the
 * output (a dense or conv with activation=softmax, an Activation or Softmax layer): softmax gives
 * probabilities; sigmoid gives independent probabilities, and a 1-unit sigmoid is binary (class 1
 * has p, class 0 has 1 - p, so it lists two classes); anything else is raw scores. An output
 * counts as one score per class when its sample is a vector: shape (1, C), or (1, 1, ..., 1, C).
 */
final class TopK {
    static final int DEFAULT_K = 5;
    static final String SOFTMAX = "softmax";
    static final String SIGMOID = "sigmoid: each class on its own, the values need not sum to 1";
    static final String BINARY = "sigmoid of one unit: class 1 has p, class 0 has 1 - p";
    static final String RAW = "raw scores: the last layer is not a softmax or sigmoid";

    private TopK() {
    }

    /**
     * The top classes of each output.
     *
     * @param outputs every output by node name, in the model's output order, batch 1
     * @param labels  the class labels, or null for class indices
     * @param k       classes per output (capped at the class count); 0 for the default,
     *                {@value #DEFAULT_K}, and then outputs that are not one score per class are
     *                left out (a feature-map model is no classifier) where, asked for, they get
     *                a line saying top-K does not apply
     * @throws CommandException for k &lt; 0, and when the labels fit no output (or not the only one)
     */
    static List<TopClasses> of(Model m, Map<String, Tensor> outputs, Labels labels, int k) {
        if (k < 0) {
            throw new CommandException("--top must be >= 1, got " + k, "e.g. --top 3 (default " + DEFAULT_K + ")");
        }
        boolean asked = labels != null || k > 0;
        int want = k > 0 ? k : DEFAULT_K;
        Map<String, float[]> scores = new LinkedHashMap<>();
        Map<String, String> readings = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            float[] v = classScores(e.getValue());
            if (v != null) {
                String reading = reading(activation(m, e.getKey()), v.length);
                scores.put(e.getKey(), reading.equals(BINARY) ? new float[] {1 - v[0], v[0]} : v);
                readings.put(e.getKey(), reading);
            }
        }
        checkLabels(m, outputs, scores, readings, labels);
        List<TopClasses> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            String name = e.getKey();
            float[] v = scores.get(name);
            if (v == null) {
                if (asked) {
                    out.add(new TopClasses(name, "does not apply to an output of shape " + e.getValue().shapeString()
                            + ": it needs one score per class, shape (1, C)", false, List.of()));
                }
                continue;
            }
            String reading = readings.get(name);
            List<String> names = labels != null && labels.size() == v.length ? labels.names() : null;
            if (labels != null && names == null) {
                reading += "; " + labels.file().getFileName() + " has " + labels.size() + " labels for its " + v.length
                        + " classes: class indices shown";
            }
            out.add(new TopClasses(name, reading, !reading.equals(RAW), rank(v, names, want)));
        }
        return out;
    }

    /**
     * Labels must fit: the only class-score output must have as many classes as there are labels;
     * of several, at least one must (the others show class indices).
     */
    private static void checkLabels(Model m, Map<String, Tensor> outputs, Map<String, float[]> scores,
            Map<String, String> readings, Labels labels) {
        if (labels == null) {
            return;
        }
        if (scores.isEmpty()) {
            List<String> shapes = new ArrayList<>();
            outputs.forEach((n, t) -> shapes.add("'" + n + "' " + t.shapeString()));
            throw new CommandException("--labels: no output of model '" + m.name() + "' has one score per class ("
                    + String.join(", ", shapes) + ")", "labels name the classes of an output of shape (1, C); leave out"
                    + " --labels for this model");
        }
        List<String> counts = new ArrayList<>();
        for (Map.Entry<String, float[]> e : scores.entrySet()) {
            if (e.getValue().length == labels.size()) {
                return;
            }
            counts.add("'" + e.getKey() + "' has " + e.getValue().length);
        }
        boolean binary = scores.size() == 1 && BINARY.equals(readings.values().iterator().next());
        throw new CommandException("labels file " + labels.file() + " has " + labels.size() + " label"
                + (labels.size() == 1 ? "" : "s") + " but " + (scores.size() == 1 ? "output " : "outputs ")
                + String.join(", ", counts) + " classes" + (binary ? " (one sigmoid unit: classes 0 and 1)" : ""),
                binary ? "a 1-unit sigmoid output is binary: give 2 labels, class 0 (p < 0.5) first"
                        : "give one label per class in class order (line 1 = class 0), and check that the labels "
                                + "belong to this model");
    }

    /** The producing layer's activation name (lower case), or null: no such layer, or none given. */
    static String activation(Model m, String output) {
        for (LayerSpec s : m.description().layers()) {
            if (output.equals(s.name())) {
                Object a = s.raw("activation");
                if (a instanceof Map<?, ?> map) {
                    a = map.get("class_name"); // Keras serialized: {"class_name": "Softmax", "config": {...}}
                }
                return a instanceof String name ? name.toLowerCase(Locale.ROOT) : null;
            }
        }
        return null; // the model input itself
    }

    /** How an output's values read, from its layer's activation and its class count. */
    static String reading(String activation, int classes) {
        if (SOFTMAX.equals(activation)) {
            return SOFTMAX;
        }
        if ("sigmoid".equals(activation)) {
            return classes == 1 ? BINARY : SIGMOID;
        }
        return RAW;
    }

    /** The values of a batch-1 output that is one score per class ((1, C), or (1, 1, ..., C)), else null. */
    static float[] classScores(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2 || s[0] != 1) {
            return null;
        }
        for (int i = 1; i < s.length - 1; i++) {
            if (s[i] != 1) {
                return null;
            }
        }
        float[] v = new float[t.size()];
        System.arraycopy(t.data(), t.offset(), v, 0, v.length);
        return v;
    }

    /**
     * The k best classes (at most all), highest value first; equal values in class order, NaN
     * last. {@code labels} null: the class index is the label.
     */
    static List<TopClasses.Ranked> rank(float[] v, List<String> labels, int k) {
        List<Integer> order = new ArrayList<>(v.length);
        for (int i = 0; i < v.length; i++) {
            order.add(i);
        }
        // List.sort is stable, so equal values keep class order (0.0 and -0.0 are equal here).
        // (a class, not a lambda: a bundle's lambdas are spun at their first use, which the
        // class-data archive cannot hold)
        order.sort(new Comparator<Integer>() {
            @Override
            public int compare(Integer a, Integer b) {
                float x = v[a];
                float y = v[b];
                if (Float.isNaN(x) || Float.isNaN(y)) {
                    return Boolean.compare(Float.isNaN(x), Float.isNaN(y));
                }
                return x > y ? -1 : x < y ? 1 : 0;
            }
        });
        int n = Math.min(k, v.length);
        List<TopClasses.Ranked> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            int i = order.get(r);
            out.add(new TopClasses.Ranked(r + 1, i, labels == null ? Integer.toString(i) : labels.get(i), v[i]));
        }
        return out;
    }
}
