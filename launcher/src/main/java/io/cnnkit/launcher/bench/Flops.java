package io.cnnkit.launcher.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Shape;

/**
 * Floating-point operations of a model, counted from its {@link LayerInfo} (weight shapes and
 * output shapes), one multiply and one add per multiply-accumulate. The layers with a kernel
 * count, and merge layers one operation per element they combine (a residual Add is real work
 * that a graph model does beside its convolutions); bias, activation, normalisation, pooling,
 * padding, resizing and reshaping layers (elementwise or copies) are left out, as is usual for
 * GFLOP figures of CNNs.
 * <ul>
 * <li>conv2d, kernel (kh, kw, cin/groups, cout), output (oh, ow, cout):
 * {@code 2*kh*kw*(cin/groups)*cout*oh*ow} per sample.</li>
 * <li>depthwise_conv2d, depthwise_kernel (kh, kw, cin, multiplier), output (oh, ow, cin*multiplier):
 * {@code 2*kh*kw*cin*multiplier*oh*ow}.</li>
 * <li>separable_conv2d: its depthwise part as above plus its pointwise part, pointwise_kernel
 * (1, 1, cin*multiplier, cout): {@code 2*cin*multiplier*cout*oh*ow}.</li>
 * <li>conv2d_transpose, kernel (kh, kw, cout, cin): every input position scatters into a kh x kw
 * window, {@code 2*kh*kw*cout*cin*ih*iw} with (ih, iw) the size of the layer's input.</li>
 * <li>dense, kernel (in, units): {@code 2*in*units} per position (one position for flat input;
 * Keras applies Dense to the last axis of higher-rank input, once per position).</li>
 * <li>add, subtract, multiply, maximum, minimum of n inputs: {@code (n-1)} per output element;
 * average: {@code n} per output element (n-1 adds and one multiply by 1/n); concatenate: 0 (a
 * copy). Keras 1's merge by its mode: sum, mul, max as add, ave as average, concat 0.</li>
 * </ul>
 */
public final class Flops {
    private Flops() {
    }

    /** One layer's count per sample. */
    public record LayerFlops(String name, String type, long flops) {
    }

    /** Per-layer counts per sample, for the layers that count (see the class comment); Keras 1 merges as sums. */
    public static List<LayerFlops> byLayer(List<LayerInfo> layers) {
        return byLayer(layers, null, Map.of());
    }

    /** The per-layer counts of {@code model}'s layers, per sample, Keras 1 merges by their mode. */
    public static List<LayerFlops> byLayer(Model model) {
        return byLayer(model.layers(), model.inputShape(), mergeModes(model));
    }

    /**
     * As {@link #byLayer(List)}, with the model's input shape for a layer that reads the input and
     * the mode of each Keras 1 merge layer by name.
     */
    private static List<LayerFlops> byLayer(List<LayerInfo> layers, Shape modelInput, Map<String, String> mergeModes) {
        Map<String, Shape> shapes = new HashMap<>();
        for (LayerInfo l : layers) {
            shapes.put(l.name(), l.outputShape());
        }
        List<LayerFlops> out = new ArrayList<>();
        LayerInfo previous = null;
        for (LayerInfo l : layers) {
            Shape in = !l.inputs().isEmpty() ? shapes.getOrDefault(l.inputs().get(0), modelInput)
                    : previous == null ? modelInput : previous.outputShape();
            previous = l;
            long f = switch (l.type()) {
                case "conv2d" -> conv(l, "kernel");
                case "depthwise_conv2d" -> conv(l, "depthwise_kernel");
                case "separable_conv2d" -> conv(l, "depthwise_kernel") + conv(l, "pointwise_kernel");
                case "conv2d_transpose" -> transpose(l, in);
                case "dense" -> dense(l);
                case "add", "subtract", "multiply", "maximum", "minimum" -> merge(l, l.inputs().size() - 1);
                case "average" -> merge(l, l.inputs().size());
                case "concatenate" -> 0;
                case "merge" -> switch (mergeModes.getOrDefault(l.name(), "sum")) {
                    case "ave" -> merge(l, l.inputs().size());
                    case "concat" -> 0;
                    default -> merge(l, l.inputs().size() - 1); // sum, mul, max
                };
                default -> -1;
            };
            if (f >= 0) {
                out.add(new LayerFlops(l.name(), l.type(), f));
            }
        }
        return out;
    }

    /** FLOPs of one sample. */
    public static long perSample(List<LayerInfo> layers) {
        long n = 0;
        for (LayerFlops f : byLayer(layers)) {
            n += f.flops();
        }
        return n;
    }

    /**
     * FLOPs of a batch of {@code batch} samples through {@code model}: the layers a
     * {@link Model#predictAll} runs, i.e. those some output needs (a graph's unused branch is
     * skipped, see {@link #needed}).
     */
    public static long forBatch(Model model, int batch) {
        long n = 0;
        for (LayerFlops f : byLayer(needed(model.layers(), model.outputNames()), model.inputShape(),
                mergeModes(model))) {
            n += f.flops();
        }
        return n * batch;
    }

    /**
     * The layers some output depends on, in order: walking back from {@code outputs} along
     * {@link LayerInfo#inputs()}. A layer whose inputs are not recorded reads the one before it;
     * no outputs named means the last layer.
     */
    public static List<LayerInfo> needed(List<LayerInfo> layers, List<String> outputs) {
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            at.put(layers.get(i).name(), i);
        }
        boolean[] keep = new boolean[layers.size()];
        Deque<Integer> todo = new ArrayDeque<>();
        if (outputs.isEmpty() && !layers.isEmpty()) {
            todo.push(layers.size() - 1);
        }
        for (String o : outputs) {
            Integer i = at.get(o);
            if (i == null) {
                return layers; // names this count cannot follow: count everything
            }
            todo.push(i);
        }
        while (!todo.isEmpty()) {
            int i = todo.pop();
            if (keep[i]) {
                continue;
            }
            keep[i] = true;
            List<String> in = layers.get(i).inputs();
            if (in.isEmpty() && i > 0) {
                todo.push(i - 1);
            }
            for (String name : in) {
                Integer j = at.get(name);
                if (j != null && j < i) {
                    todo.push(j);
                }
            }
        }
        List<LayerInfo> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (keep[i]) {
                out.add(layers.get(i));
            }
        }
        return out;
    }

    /** Keras 1 merge layers' modes by layer name (Keras 1's default mode is sum). */
    private static Map<String, String> mergeModes(Model model) {
        Map<String, String> modes = new HashMap<>();
        for (LayerSpec s : model.description().layers()) {
            if ("merge".equals(s.type()) && s.raw("mode") instanceof String mode) {
                modes.put(s.name(), mode);
            }
        }
        return modes;
    }

    /** {@code perElement} operations for every element of the layer's output. */
    private static long merge(LayerInfo l, int perElement) {
        return (long) Math.max(perElement, 0) * known(l).elementCount();
    }

    /** The kernel's product (kh * kw * in * out per output position), at every output position. */
    private static long conv(LayerInfo l, String weight) {
        int[] k = kernel(l, weight, 4);
        Shape out = known(l);
        return 2L * k[0] * k[1] * k[2] * k[3] * out.dim(0) * out.dim(1);
    }

    private static long transpose(LayerInfo l, Shape in) {
        int[] k = kernel(l, "kernel", 4);
        known(l);
        if (in == null || in.rank() != 3 || !in.isFullyKnown()) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.type() + ") reads input " + in
                    + "; give the model a fixed input shape to count FLOPs");
        }
        return 2L * k[0] * k[1] * k[2] * k[3] * in.dim(0) * in.dim(1);
    }

    private static long dense(LayerInfo l) {
        int[] k = kernel(l, "kernel", 2);
        Shape out = known(l);
        long positions = out.elementCount() / k[1];
        return 2L * k[0] * k[1] * positions;
    }

    private static int[] kernel(LayerInfo l, String weight, int rank) {
        int[] k = l.weightShapes().get(weight);
        if (k == null || k.length != rank) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.type() + "): expected a rank-" + rank
                    + " weight '" + weight + "' to count FLOPs, weights are " + l.weightShapes().keySet());
        }
        return k;
    }

    private static Shape known(LayerInfo l) {
        if (!l.outputShape().isFullyKnown()) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.type() + ") has output shape "
                    + l.outputShape() + " with open dimensions; give the model a fixed input shape to count FLOPs");
        }
        return l.outputShape();
    }
}
