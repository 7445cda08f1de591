package io.cnnkit.io.h5;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.LoadOptions;
import io.cnnkit.io.api.LoadReport;
import io.cnnkit.io.api.LoadReport.Entry;
import io.cnnkit.io.api.LoadReport.Status;
import io.cnnkit.io.h5.WeightFile.StoredLayer;
import io.cnnkit.io.h5.WeightFile.StoredWeight;

/**
 * Loads a weight file into a model with Keras's semantics. Two phases: first every pairing,
 * dtype and declared shape is checked (no data read); then the data is read and set with
 * one {@link Model#setWeights(Map)} call (one new snapshot).
 */
public final class WeightLoader {
    private WeightLoader() {
    }

    /** The model weight name -> stored weight pairing of one layer, and how it was found. */
    private record Pairing(Map<String, StoredWeight> byModelName, boolean inOrder) {
    }

    /** What phase 1 decided for one weighted model layer. */
    private record Planned(LayerInfo layer, StoredLayer from, Pairing pairing) {
    }

    public static LoadReport load(Model model, Path file, LoadOptions options) {
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(file, "file");
        java.util.Objects.requireNonNull(options, "options");
        if (!options.byName() && options.skipMismatch()) {
            // Keras: "skip_mismatch can only be set to True when by_name is True".
            throw new IllegalArgumentException("skipMismatch needs byName (as in Keras); loading by order "
                    + "cannot skip layers without shifting every later layer");
        }
        try (WeightFile wf = WeightFile.open(file)) {
            List<LayerInfo> layers = model.layers();
            List<Entry> entries = new ArrayList<>();
            java.util.Set<String> theano = theanoLayers(model, wf);
            List<Planned> plan = options.byName() ? planByName(wf, layers, options, entries, theano)
                    : planByOrder(wf, layers, entries, theano);
            Map<String, Map<String, Tensor>> values = new LinkedHashMap<>();
            Map<String, String> notes = new LinkedHashMap<>();
            for (Planned p : plan) {
                Map<String, Tensor> w = new LinkedHashMap<>();
                boolean converted = false;
                boolean flipped = false;
                for (var e : p.pairing().byModelName().entrySet()) {
                    Tensor t = wf.read(e.getValue());
                    int[] want = p.layer().weightShapes().get(e.getKey());
                    if (theano.contains(p.layer().name()) && isTheanoForm(want, t.shape())) {
                        t = fromTheano(t);
                        flipped = true;
                    }
                    w.put(e.getKey(), t);
                    converted |= e.getValue().dtype().equals("float64");
                }
                values.put(p.layer().name(), w);
                notes.put(p.layer().name(), describe(p, converted, options.byName())
                        + (flipped ? "; Theano kernel (out, in, kh, kw) transposed to (kh, kw, in, out) and flipped" : ""));
            }
            if (!values.isEmpty()) {
                model.setWeights(values);
            }
            List<Entry> finalEntries = new ArrayList<>();
            for (Entry e : entries) {
                finalEntries.add(e.status() == Status.LOADED ? new Entry(e.layer(), Status.LOADED, notes.get(e.layer())) : e);
            }
            return new LoadReport(file.toString(), List.copyOf(finalEntries));
        }
    }

    private static List<Planned> planByName(WeightFile wf, List<LayerInfo> layers, LoadOptions options,
            List<Entry> entries, java.util.Set<String> theano) {
        Map<String, StoredLayer> stored = new LinkedHashMap<>();
        for (StoredLayer l : wf.layers()) {
            stored.putIfAbsent(l.name(), l);
        }
        List<Planned> plan = new ArrayList<>();
        for (LayerInfo li : layers) {
            StoredLayer sl = stored.get(li.name());
            if (li.weightShapes().isEmpty() && (sl == null || sl.weights().isEmpty())) {
                entries.add(new Entry(li.name(), Status.NO_WEIGHTS, sl == null ? "" : "empty in file"));
                continue;
            }
            if (sl == null) {
                entries.add(new Entry(li.name(), Status.ABSENT, "not in file: left as it was"));
                continue;
            }
            checkDtypes(wf, sl);
            String problem = countProblem(sl, li);
            Pairing pairing = null;
            if (problem == null) {
                pairing = pair(sl, li);
                problem = shapeProblem(pairing, li, theano.contains(li.name()));
            }
            if (problem != null) {
                if (options.skipMismatch()) {
                    entries.add(new Entry(li.name(), Status.SKIPPED_MISMATCH, problem + "; left as it was"));
                    continue;
                }
                throw new CnnIoException(wf.file() + ": layer '" + li.name() + "' (" + li.type() + "): " + problem
                        + ". Load with skipMismatch to leave such layers as they are, or fix the model");
            }
            plan.add(new Planned(li, sl, pairing));
            entries.add(new Entry(li.name(), Status.LOADED, null));
        }
        return plan;
    }

    private static List<Planned> planByOrder(WeightFile wf, List<LayerInfo> layers, List<Entry> entries,
            java.util.Set<String> theano) {
        if (wf.isKeras3Native()) {
            throw new CnnIoException(wf.file() + " is a Keras 3 .weights.h5, which stores layers by attribute path, "
                    + "not in model order: load it by name");
        }
        List<StoredLayer> fileWeighted = wf.layers().stream().filter(l -> !l.weights().isEmpty()).toList();
        List<LayerInfo> modelWeighted = layers.stream().filter(l -> !l.weightShapes().isEmpty()).toList();
        if (fileWeighted.size() != modelWeighted.size()) {
            throw new CnnIoException(wf.file() + " has " + fileWeighted.size() + " layers with weights "
                    + fileWeighted.stream().map(StoredLayer::name).toList() + " but the model has "
                    + modelWeighted.size() + " " + modelWeighted.stream().map(LayerInfo::name).toList()
                    + "; loading by order needs equal counts (load by name instead)");
        }
        Map<String, Planned> byLayer = new LinkedHashMap<>();
        for (int i = 0; i < fileWeighted.size(); i++) {
            StoredLayer sl = fileWeighted.get(i);
            LayerInfo li = modelWeighted.get(i);
            checkDtypes(wf, sl);
            String problem = countProblem(sl, li);
            Pairing pairing = null;
            if (problem == null) {
                pairing = pair(sl, li);
                problem = shapeProblem(pairing, li, theano.contains(li.name()));
            }
            if (problem != null) {
                throw new CnnIoException(wf.file() + ": weighted layer " + (i + 1) + " of the file '" + sl.name()
                        + "' loaded by order into model layer '" + li.name() + "' (" + li.type() + "): " + problem);
            }
            byLayer.put(li.name(), new Planned(li, sl, pairing));
        }
        for (LayerInfo li : layers) {
            entries.add(byLayer.containsKey(li.name()) ? new Entry(li.name(), Status.LOADED, null)
                    : new Entry(li.name(), Status.NO_WEIGHTS, ""));
        }
        return List.copyOf(byLayer.values());
    }

    private static void checkDtypes(WeightFile wf, StoredLayer sl) {
        for (StoredWeight w : sl.weights()) {
            if (!w.isFloat()) {
                throw new CnnIoException(wf.file() + ": dataset " + w.path() + " (layer '" + sl.name() + "') has dtype "
                        + w.dtype() + "; only float32 and float64 weights can be loaded");
            }
        }
    }

    private static String countProblem(StoredLayer sl, LayerInfo li) {
        if (sl.weights().size() == li.weightShapes().size()) {
            return null;
        }
        return "the file has " + sl.weights().size() + " weight(s) " + storedNames(sl) + " but the model layer expects "
                + li.weightShapes().size() + " " + li.weightShapes().keySet();
    }

    /** By name when the stored names map onto the model's names one to one, else in order (Keras's own rule). */
    private static Pairing pair(StoredLayer sl, LayerInfo li) {
        List<String> modelNames = new ArrayList<>(li.weightShapes().keySet());
        Map<String, StoredWeight> byCanonical = new LinkedHashMap<>();
        for (StoredWeight w : sl.weights()) {
            byCanonical.put(WeightNames.canonical(sl.name(), w.storedName()), w);
        }
        Set<String> wanted = new HashSet<>(modelNames);
        if (byCanonical.size() == sl.weights().size() && byCanonical.keySet().equals(wanted)) {
            Map<String, StoredWeight> m = new LinkedHashMap<>();
            for (String n : modelNames) {
                m.put(n, byCanonical.get(n));
            }
            return new Pairing(m, false);
        }
        Map<String, StoredWeight> m = new LinkedHashMap<>();
        for (int i = 0; i < modelNames.size(); i++) {
            m.put(modelNames.get(i), sl.weights().get(i));
        }
        return new Pairing(m, true);
    }

    private static String shapeProblem(Pairing p, LayerInfo li, boolean theano) {
        List<String> bad = new ArrayList<>();
        for (var e : p.byModelName().entrySet()) {
            int[] want = li.weightShapes().get(e.getKey());
            int[] have = e.getValue().shape();
            if (!Arrays.equals(want, have) && !(theano && isTheanoForm(want, have))) {
                bad.add("weight '" + e.getKey() + "' (stored as '" + e.getValue().storedName() + "') has shape "
                        + Shape.format(have) + " in the file but " + Shape.format(want) + " in the model"
                        + theanoHint(want, have));
            }
        }
        return bad.isEmpty() ? null : "shape mismatch: " + String.join("; ", bad);
    }

    /**
     * The layers whose kernels this file stores Theano's way: conv layers a channels_first Keras 1
     * model was converted with ({@code kernel_order: theano}), read from a Keras 1 file (a file
     * that a later Keras or cnnkit wrote keeps Keras's (kh, kw, in, out)).
     */
    private static java.util.Set<String> theanoLayers(Model model, WeightFile wf) {
        String v = wf.kerasVersion();
        if (v != null && !v.strip().startsWith("1")) {
            return java.util.Set.of();
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        for (io.cnnkit.engine.api.LayerSpec s : model.description().layers()) {
            if ("theano".equals(s.raw("kernel_order"))) {
                out.add(s.name());
            }
        }
        return out;
    }

    /** Whether {@code have} is (out, in, kh, kw) for a model kernel {@code want} of (kh, kw, in, out). */
    private static boolean isTheanoForm(int[] want, int[] have) {
        return want != null && want.length == 4 && have.length == 4 && have[0] == want[3] && have[1] == want[2]
                && have[2] == want[0] && have[3] == want[1];
    }

    /**
     * A Theano kernel W[out][in][a][b], used by a true (flipped) convolution, as the cross-correlation
     * kernel K[a][b][in][out] = W[out][in][kh-1-a][kw-1-b] that Keras's layout means.
     */
    private static Tensor fromTheano(Tensor w) {
        int out = w.dim(0), in = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        Tensor k = Tensor.zeros(kh, kw, in, out);
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int a = 0; a < kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        k.set(w.get(o, i, kh - 1 - a, kw - 1 - b), a, b, i, o);
                    }
                }
            }
        }
        return k;
    }

    /** Keras 1 Theano-ordered files store conv kernels as (out, in, kh, kw); say so rather than guess. */
    private static String theanoHint(int[] want, int[] have) {
        if (want.length == 4 && have.length == 4 && have[0] == want[3] && have[1] == want[2] && have[2] == want[0]
                && have[3] == want[1]) {
            return " (the file's looks like a Theano-ordered Keras 1 kernel (out, in, kh, kw); cnnkit converts it only "
                    + "for a model read from its Theano-ordered Keras 1 architecture, which marks the layer kernel_order "
                    + "theano)";
        }
        return "";
    }

    private static String storedNames(StoredLayer sl) {
        return sl.weights().stream().map(StoredWeight::storedName).toList().toString();
    }

    private static String describe(Planned p, boolean converted, boolean byName) {
        StringBuilder b = new StringBuilder();
        for (var e : p.pairing().byModelName().entrySet()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(e.getKey()).append(' ').append(Shape.format(e.getValue().shape()));
        }
        if (!byName || !p.from().name().equals(p.layer().name())) {
            b.append(" from file layer '").append(p.from().name()).append('\'');
        }
        if (p.pairing().inOrder()) {
            b.append("; weights matched in order (stored names ").append(storedNames(p.from())).append(')');
        } else {
            b.append("; weights matched by name");
        }
        if (converted) {
            b.append("; float64 converted to float32");
        }
        return b.toString();
    }
}
