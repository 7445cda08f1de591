package io.cnnkit.explorer.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;

/**
 * How one output value of a node came about, from the run's own tensors and the model's
 * weights: for conv2d the input window, the kernel and the weighted sum plus bias (the
 * walkthrough's first lesson); for pooling the window and its max or mean; for activations the
 * value before and after.
 */
final class Explain {
    private Explain() {
    }

    static Map<String, Object> of(RunData run, Model model, int node, int y, int x, int c) {
        Stage s = run.stage(node);
        Tensor out = s.output();
        if (out.rank() != 4) {
            throw HttpError.unprocessable("node " + s.name() + " (" + s.type() + ") outputs a vector, not maps",
                    "explanations are for conv2d, pooling and activation nodes");
        }
        if (y < 0 || x < 0 || c < 0 || y >= out.dim(1) || x >= out.dim(2) || c >= out.dim(3)) {
            throw HttpError.badRequest("cell (y=" + y + ", x=" + x + ", channel=" + c + ") is outside node " + s.name()
                    + "'s output " + out.dim(1) + "x" + out.dim(2) + "x" + out.dim(3), "y, x and channel count from 0");
        }
        LayerSpec spec = model.description().layers().stream().filter(l -> l.name().equals(s.name())).findFirst()
                .orElseThrow(() -> HttpError.unprocessable("node " + s.name() + " is the model's input",
                        "click a cell of a conv2d, pooling or activation node"));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("node", s.name());
        o.put("type", s.type());
        o.put("y", y);
        o.put("x", x);
        o.put("channel", c);
        o.put("output", (double) out.get(0, y, x, c));
        Stage in = run.inputOf(s);
        o.put("input", in.name());
        switch (s.type()) {
            case "conv2d" -> conv(o, spec, model, in.output(), y, x, c);
            case "max_pooling2d", "average_pooling2d" -> pool(o, spec, s.type(), in.output(), y, x, c);
            default -> {
                if (in.output().rank() == 4 && java.util.Arrays.equals(in.output().shape(), out.shape())
                        && (s.type().equals("activation") || spec.raw("activation") == null && isActivationType(s.type()))) {
                    o.put("kind", "activation");
                    o.put("function", s.type().equals("activation") ? String.valueOf(spec.raw("activation")) : s.type());
                    o.put("before", (double) in.output().get(0, y, x, c));
                } else {
                    throw HttpError.unprocessable("node " + s.name() + " is a " + s.type()
                            + "; explanations cover conv2d, max_pooling2d, average_pooling2d and activations",
                            "click a cell of one of those nodes");
                }
            }
        }
        return o;
    }

    private static boolean isActivationType(String t) {
        return List.of("relu", "leaky_relu", "elu", "softmax", "relu6", "sigmoid", "tanh", "prelu").contains(t);
    }

    /** TensorFlow's padding: 'same' pads so that out = ceil(in / stride), the extra row/column at the end. */
    static int padBefore(boolean same, int in, int k, int stride, int dilation) {
        if (!same) {
            return 0;
        }
        int outSize = (in + stride - 1) / stride;
        int total = Math.max((outSize - 1) * stride + (k - 1) * dilation + 1 - in, 0);
        return total / 2;
    }

    private static void conv(Map<String, Object> o, LayerSpec spec, Model model, Tensor in, int y, int x, int c) {
        int[] k = spec.getTuple("kernel_size", 2, null);
        int[] st = spec.getTuple("strides", 2, new int[] {1, 1});
        int[] dl = spec.getTuple("dilation_rate", 2, new int[] {1, 1});
        boolean same = spec.getChoice("padding", "valid", "valid", "same").equals("same");
        Map<String, Tensor> w = model.weights().get(spec.name());
        Tensor kernel = w.get("kernel");
        Tensor bias = w.get("bias");
        int cinG = kernel.dim(2);
        int filters = kernel.dim(3);
        int groups = in.dim(3) / cinG;
        int c0 = (c / (filters / groups)) * cinG; // first input channel of c's group
        int top = padBefore(same, in.dim(1), k[0], st[0], dl[0]);
        int left = padBefore(same, in.dim(2), k[1], st[1], dl[1]);
        double sum = 0;
        List<List<List<Double>>> window = new ArrayList<>();
        List<List<List<Double>>> weights = new ArrayList<>();
        List<List<List<Double>>> products = new ArrayList<>();
        int outside = 0;
        for (int i = 0; i < k[0]; i++) {
            List<List<Double>> wr = new ArrayList<>();
            List<List<Double>> kr = new ArrayList<>();
            List<List<Double>> pr = new ArrayList<>();
            for (int j = 0; j < k[1]; j++) {
                int iy = y * st[0] - top + i * dl[0];
                int ix = x * st[1] - left + j * dl[1];
                boolean inside = iy >= 0 && ix >= 0 && iy < in.dim(1) && ix < in.dim(2);
                List<Double> wc = new ArrayList<>();
                List<Double> kc = new ArrayList<>();
                List<Double> pc = new ArrayList<>();
                for (int ci = 0; ci < cinG; ci++) {
                    double v = inside ? in.get(0, iy, ix, c0 + ci) : 0;
                    double kv = kernel.get(i, j, ci, c);
                    wc.add(v);
                    kc.add(kv);
                    pc.add(v * kv);
                    sum += v * kv;
                }
                if (!inside) {
                    outside++;
                }
                wr.add(wc);
                kr.add(kc);
                pr.add(pc);
            }
            window.add(wr);
            weights.add(kr);
            products.add(pr);
        }
        double b = bias == null ? 0 : bias.get(c);
        Object act = spec.raw("activation");
        o.put("kind", "conv2d");
        o.put("kernelSize", k);
        o.put("strides", st);
        o.put("dilation", dl);
        o.put("padding", same ? "same" : "valid");
        o.put("windowTop", y * st[0] - top);
        o.put("windowLeft", x * st[1] - left);
        o.put("paddedCells", outside);
        o.put("inputChannels", java.util.stream.IntStream.range(c0, c0 + cinG).boxed().toList());
        o.put("window", window);
        o.put("kernel", weights);
        o.put("products", products);
        o.put("weightedSum", sum);
        o.put("bias", b);
        o.put("preActivation", sum + b);
        o.put("activation", act == null ? "linear" : String.valueOf(act));
    }

    private static void pool(Map<String, Object> o, LayerSpec spec, String type, Tensor in, int y, int x, int c) {
        int[] p = spec.getTuple("pool_size", 2, new int[] {2, 2});
        int[] st = spec.getTuple("strides", 2, p);
        boolean same = spec.getChoice("padding", "valid", "valid", "same").equals("same");
        int top = padBefore(same, in.dim(1), p[0], st[0], 1);
        int left = padBefore(same, in.dim(2), p[1], st[1], 1);
        List<List<Double>> window = new ArrayList<>();
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int n = 0;
        for (int i = 0; i < p[0]; i++) {
            List<Double> row = new ArrayList<>();
            for (int j = 0; j < p[1]; j++) {
                int iy = y * st[0] - top + i;
                int ix = x * st[1] - left + j;
                if (iy >= 0 && ix >= 0 && iy < in.dim(1) && ix < in.dim(2)) {
                    double v = in.get(0, iy, ix, c);
                    row.add(v);
                    max = Math.max(max, v);
                    sum += v;
                    n++;
                } else {
                    row.add(null); // padding: not part of the max or the mean (as Keras)
                }
            }
            window.add(row);
        }
        o.put("kind", "pool");
        o.put("function", type.startsWith("max") ? "max" : "mean");
        o.put("poolSize", p);
        o.put("strides", st);
        o.put("windowTop", y * st[0] - top);
        o.put("windowLeft", x * st[1] - left);
        o.put("window", window);
        o.put("result", type.startsWith("max") ? max : sum / n);
    }
}
