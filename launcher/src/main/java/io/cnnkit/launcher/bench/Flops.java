package io.cnnkit.launcher.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Shape;

/**
 * Floating-point operations of a model, counted from its {@link LayerInfo} (weight shapes and
 * output shapes), one multiply and one add per multiply-accumulate. Only convolution and dense
 * layers count: bias, activation, pooling and flatten are left out, as is usual for GFLOP
 * figures of CNNs.
 * <ul>
 * <li>conv2d, kernel (kh, kw, cin/groups, cout), output (oh, ow, cout):
 * {@code 2*kh*kw*(cin/groups)*cout*oh*ow} per sample. depthwise_conv2d has kernel
 * (kh, kw, cin, multiplier) and cin*multiplier output channels, so the same product of the
 * kernel shape times 2*oh*ow gives its count.</li>
 * <li>dense, kernel (in, units): {@code 2*in*units} per position (one position for flat input;
 * Keras applies Dense to the last axis of higher-rank input, once per position).</li>
 * </ul>
 */
public final class Flops {
    private Flops() {
    }

    /** One layer's count per sample. */
    public record LayerFlops(String name, String type, long flops) {
    }

    /** Per-layer counts per sample, for the layers that count (see the class comment). */
    public static List<LayerFlops> byLayer(List<LayerInfo> layers) {
        List<LayerFlops> out = new ArrayList<>();
        for (LayerInfo l : layers) {
            long f = switch (l.type()) {
                case "conv2d", "depthwise_conv2d" -> conv(l);
                case "dense" -> dense(l);
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
        return perSample(needed(model.layers(), model.outputNames())) * batch;
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

    private static long conv(LayerInfo l) {
        int[] k = kernel(l, 4);
        Shape out = known(l);
        // kh * kw * (cin/groups) * cout, then every output position
        return 2L * k[0] * k[1] * k[2] * k[3] * out.dim(0) * out.dim(1);
    }

    private static long dense(LayerInfo l) {
        int[] k = kernel(l, 2);
        Shape out = known(l);
        long positions = out.elementCount() / k[1];
        return 2L * k[0] * k[1] * positions;
    }

    private static int[] kernel(LayerInfo l, int rank) {
        int[] k = l.weightShapes().get("kernel");
        if (k == null || k.length != rank) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.type() + "): expected a rank-" + rank
                    + " weight 'kernel' to count FLOPs, weights are " + l.weightShapes().keySet());
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
