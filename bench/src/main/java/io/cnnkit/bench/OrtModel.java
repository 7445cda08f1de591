package io.cnnkit.bench;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.launcher.bench.Stats;

/**
 * An ONNX Runtime session on a weightless graph from cnf/bench/make_onnx.py or make_onnx_keras.py,
 * given a cnnkit model's own weights: graph input {@code "<layer>/<weight>"} gets
 * {@code model.weights()}'s tensor in ONNX layout ({@link #toOnnxLayout(String, String, Tensor)}),
 * embedded as an initializer (default) or fed as an input on every run. Every
 * weight input must match a model weight of the same shape (after the transpose) and every model weight must
 * be used, so a graph that drifted from its description fails here instead of comparing
 * different models. The input is {@code "input"} (NHWC), the output {@code "output"}.
 */
public final class OrtModel implements AutoCloseable {
    static final String INPUT = "input";

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Map<String, OnnxTensor> weights = new LinkedHashMap<>();
    private final int threads;

    /** How the model's weights reach ONNX Runtime. */
    public enum Weights {
        /** As graph inputs fed on every run (the graph file as written). */
        INPUTS,
        /**
         * As initializers embedded in memory before the session is created ({@link OnnxConstants}):
         * constants that ONNX Runtime can pre-pack, as in a deployed model.
         */
        CONSTANTS
    }

    /** {@code -Dcnnkit.bench.ortProfile=PREFIX}: ONNX Runtime's sessions write per-node profiles (see {@link #session}). */
    static final String PROFILE = System.getProperty("cnnkit.bench.ortProfile");

    /** Weights embedded as initializers (the default); see {@link #OrtModel(byte[], Model, int, Weights)}. */
    public OrtModel(byte[] onnx, Model model, int threads) throws OrtException {
        this(onnx, model, threads, Weights.CONSTANTS);
    }

    /**
     * @param onnx    the graph
     * @param model   the cnnkit model whose weights to use
     * @param threads ONNX Runtime intra-op threads (inter-op threads: 1, sequential execution)
     * @param mode    weights as inputs or as embedded constants
     */
    public OrtModel(byte[] onnx, Model model, int threads, Weights mode) throws OrtException {
        this.threads = threads;
        Map<String, Tensor> onnxWeights;
        try (OrtSession plain = session(onnx, threads)) {
            onnxWeights = matchWeights(plain, model);
        }
        if (mode == Weights.CONSTANTS) {
            session = session(OnnxConstants.embed(onnx, onnxWeights), threads, PROFILE);
            java.util.Set<String> left = session.getInputNames();
            if (!left.equals(java.util.Set.of(INPUT))) {
                session.close();
                throw new IllegalStateException("embedding the weights left graph inputs " + left);
            }
        } else {
            session = session(onnx, threads, PROFILE);
            try {
                for (Map.Entry<String, Tensor> e : onnxWeights.entrySet()) {
                    weights.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().toArray()),
                            toLong(e.getValue().shape())));
                }
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    private OrtSession session(byte[] onnx, int threads) throws OrtException {
        return session(onnx, threads, null);
    }

    /**
     * With {@code profile} (a file name prefix) ONNX Runtime writes its per-node profile there
     * (JSON, when the session closes): {@code cnf/bench/ort_profile.py} sums it up. It slows every
     * node down, so a profiled run's times are not the side-by-side's.
     */
    private OrtSession session(byte[] onnx, int threads, String profile) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (profile != null && !profile.isBlank()) {
                so.enableProfiling(profile);
            }
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(onnx, so);
        }
    }

    /** Graph weight input name -> the model's weight in ONNX layout; every input and every weight matched. */
    private static Map<String, Tensor> matchWeights(OrtSession session, Model model) throws OrtException {
        Map<String, Map<String, Tensor>> all = model.weights();
        Map<String, String> types = new HashMap<>();
        model.layers().forEach(l -> types.put(l.name(), l.type()));
        Map<String, Tensor> out = new LinkedHashMap<>();
        var unused = new TreeSet<String>();
        all.forEach((layer, ws) -> ws.keySet().forEach(w -> unused.add(layer + "/" + w)));
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            String name = e.getKey();
            if (name.equals(INPUT)) {
                continue;
            }
            int slash = name.lastIndexOf('/');
            Tensor w = slash < 0 ? null : all.getOrDefault(name.substring(0, slash), Map.of())
                    .get(name.substring(slash + 1));
            if (w == null) {
                throw new IllegalArgumentException("ONNX graph input '" + name + "' has no weight in model '"
                        + model.name() + "'; model weights: " + unused + ". Regenerate with cnf/bench/make_onnx.py (W graphs) or make_onnx_keras.py (real networks)");
            }
            String layer = name.substring(0, slash);
            Tensor onnxW = toOnnxLayout(types.getOrDefault(layer, ""), name.substring(slash + 1), w);
            long[] expected = ((TensorInfo) e.getValue().getInfo()).getShape();
            if (!Arrays.equals(expected, toLong(onnxW.shape()))) {
                throw new IllegalArgumentException("ONNX graph input '" + name + "' has shape "
                        + Arrays.toString(expected) + " but model '" + model.name() + "' gives "
                        + Arrays.toString(onnxW.shape()) + " (Keras " + w.shapeString() + ")");
            }
            out.put(name, onnxW);
            unused.remove(name);
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("model '" + model.name() + "' weights " + unused
                    + " are not inputs of the ONNX graph; regenerate it with cnf/bench/make_onnx.py (W graphs) or make_onnx_keras.py (real networks)");
        }
        return out;
    }

    /**
     * A weight of a layer of type {@code layerType} in ONNX layout: depthwise kernels (kh, kw, in,
     * multiplier) become the grouped Conv's (in * multiplier, 1, kh, kw) (output channel c *
     * multiplier + j in both); other rank-4 kernels (kh, kw, in, out) become (out, in, kh, kw);
     * dense kernels (in, units) stay (the graph multiplies with MatMul), and so do biases and the
     * BatchNormalization vectors.
     */
    public static Tensor toOnnxLayout(String layerType, String weight, Tensor keras) {
        if (weight.equals("depthwise_kernel")) {
            return depthwiseLayout(keras);
        }
        if (layerType.equals("conv2d_transpose")) {
            // ConvTranspose wants (in, out, kh, kw): no graph script writes one, so no silent wrong layout
            throw new IllegalArgumentException("conv2d_transpose weights have no ONNX layout in the bench harness");
        }
        return toOnnxLayout(keras);
    }

    /** A conv kernel (kh, kw, in, out) as (out, in, kh, kw); tensors of other ranks copied as they are. */
    public static Tensor toOnnxLayout(Tensor keras) {
        if (keras.rank() != 4) {
            return keras.copy();
        }
        int kh = keras.dim(0);
        int kw = keras.dim(1);
        int cin = keras.dim(2);
        int cout = keras.dim(3);
        float[] src = keras.data();
        int off = keras.offset();
        float[] dst = new float[keras.size()];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < cin; i++) {
                    for (int o = 0; o < cout; o++) {
                        dst[((o * cin + i) * kh + y) * kw + x] = src[off + ((y * kw + x) * cin + i) * cout + o];
                    }
                }
            }
        }
        return Tensor.wrap(dst, cout, cin, kh, kw);
    }

    private static Tensor depthwiseLayout(Tensor keras) {
        if (keras.rank() != 4) {
            throw new IllegalArgumentException("a depthwise kernel has rank 4, got " + keras.shapeString());
        }
        int kh = keras.dim(0);
        int kw = keras.dim(1);
        int cin = keras.dim(2);
        int m = keras.dim(3);
        float[] src = keras.data();
        int off = keras.offset();
        float[] dst = new float[keras.size()];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int c = 0; c < cin; c++) {
                    for (int j = 0; j < m; j++) {
                        dst[((c * m + j) * kh + y) * kw + x] = src[off + ((y * kw + x) * cin + c) * m + j];
                    }
                }
            }
        }
        return Tensor.wrap(dst, cin * m, 1, kh, kw);
    }

    /** Runs the graph once and copies the output into a cnnkit tensor. */
    public Tensor predict(Tensor input) throws OrtException {
        try (OnnxTensor in = inputTensor(input); OrtSession.Result r = session.run(inputs(in))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            int[] s = new int[shape.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.toIntExact(shape[i]);
            }
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return Tensor.wrap(data, s);
        }
    }

    /** Times: one cold run, {@code warmup} untimed runs, {@code runs} timed runs (output left in native memory). */
    public Timing time(Tensor input, int warmup, int runs) throws OrtException {
        double[] times = new double[runs];
        double cold;
        try (OnnxTensor in = inputTensor(input)) {
            Map<String, OnnxTensor> feed = inputs(in);
            long t0 = System.nanoTime();
            session.run(feed).close();
            cold = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < warmup; i++) {
                session.run(feed).close();
            }
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                session.run(feed).close();
                times[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        return new Timing(threads, cold, times);
    }

    /** ONNX Runtime's times in milliseconds. */
    public record Timing(int threads, double coldMs, double[] timesMs) {
        /** These times followed by {@code later}'s timed runs (its cold run was not the first). */
        public Timing andLater(Timing later) {
            double[] all = java.util.Arrays.copyOf(timesMs, timesMs.length + later.timesMs.length);
            System.arraycopy(later.timesMs, 0, all, timesMs.length, later.timesMs.length);
            return new Timing(threads, coldMs, all);
        }

        public double medianMs() {
            return Stats.median(timesMs);
        }

        public double p90Ms() {
            return Stats.percentile(timesMs, 90);
        }
    }

    private OnnxTensor inputTensor(Tensor input) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toArray()), toLong(input.shape()));
    }

    private Map<String, OnnxTensor> inputs(OnnxTensor in) {
        Map<String, OnnxTensor> m = new HashMap<>(weights);
        m.put(INPUT, in);
        return m;
    }

    private static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i];
        }
        return l;
    }

    @Override
    public void close() {
        weights.values().forEach(OnnxTensor::close);
        weights.clear();
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
