package io.cnnkit.engine.impl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.Layer;
import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * A model's weights by layer name and weight name: engine-owned copies, so that weights
 * survive a snapshot (and the provider bundle that built it) going away, and a rebuild
 * after a hot swap starts from them. Copy on write: readers see one consistent map.
 */
final class WeightStore {
    private volatile Map<String, Map<String, Tensor>> byLayer = Map.of();

    /** The current weights (do not modify). */
    Map<String, Map<String, Tensor>> current() {
        return byLayer;
    }

    /** Copies of the weights of {@code layers}, in their order; layers without weights are left out. */
    Map<String, Map<String, Tensor>> copies(List<LayerInfo> layers) {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        Map<String, Map<String, Tensor>> st = byLayer;
        for (LayerInfo li : layers) {
            Map<String, Tensor> w = st.get(li.name());
            if (w == null || w.isEmpty()) {
                continue;
            }
            Map<String, Tensor> copy = new LinkedHashMap<>();
            w.forEach((k, v) -> copy.put(k, v.copy()));
            out.put(li.name(), copy);
        }
        return out;
    }

    /** Fails, changing nothing, unless every named layer and weight exists with the given shape. */
    static void check(String model, List<LayerInfo> layers, Map<String, Map<String, Tensor>> weightsByLayer) {
        Map<String, LayerInfo> byName = new LinkedHashMap<>();
        for (LayerInfo li : layers) {
            byName.put(li.name(), li);
        }
        for (var e : weightsByLayer.entrySet()) {
            LayerInfo li = byName.get(e.getKey());
            if (li == null) {
                throw new ModelException("model '" + model + "' has no layer named '" + e.getKey() + "'");
            }
            for (var w : e.getValue().entrySet()) {
                int[] want = li.weightShapes().get(w.getKey());
                if (want == null) {
                    throw new ModelException("model '" + model + "' layer '" + li.name() + "' (" + li.type()
                            + ") has no weight '" + w.getKey() + "'; its weights: " + li.weightShapes().keySet());
                }
                if (!Arrays.equals(want, w.getValue().shape())) {
                    throw new ModelException("model '" + model + "' layer '" + li.name() + "' weight '"
                            + w.getKey() + "': expected shape " + Shape.format(want) + " but got "
                            + w.getValue().shapeString());
                }
            }
        }
    }

    /** Stores copies of the given (checked) weights over the current ones. */
    void put(Map<String, Map<String, Tensor>> weightsByLayer) {
        Map<String, Map<String, Tensor>> next = new LinkedHashMap<>(byLayer);
        for (var e : weightsByLayer.entrySet()) {
            Map<String, Tensor> lw = new LinkedHashMap<>(next.getOrDefault(e.getKey(), Map.of()));
            // (loops, not forEach with lambdas: the class-data archive cannot hold a bundle's lambdas)
            for (Map.Entry<String, Tensor> w : e.getValue().entrySet()) {
                lw.put(w.getKey(), w.getValue().copy());
            }
            next.put(e.getKey(), lw);
        }
        byLayer = next;
    }

    /**
     * Adds copies of the weights a snapshot runs with that the store lacks or holds in another
     * shape (first build; a new provider version declaring other weights), so that the store
     * always shows what runs and the next rebuild keeps it. Weights whose random draw the snapshot
     * deferred are left out (the rebuild that draws them adds them). Each layer's weights stay in
     * the layer's declaration order (Keras's order of weights, which saving and loading by order
     * follow), whatever order they were stored in; weights the layer no longer declares follow.
     */
    void adopt(Snapshot s) {
        Map<String, Map<String, Tensor>> store = byLayer;
        Map<String, Map<String, Tensor>> out = null;
        for (Layer l : s.layers()) {
            Map<String, Tensor> have = store.getOrDefault(l.name(), Map.of());
            Set<String> notDrawn = s.deferred().getOrDefault(l.name(), Set.of());
            Map<String, Tensor> merged = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, Tensor> w : l.weights().entrySet()) {
                Tensor old = have.get(w.getKey());
                if (old != null && old.hasShape(w.getValue().shape())) {
                    merged.put(w.getKey(), old);
                } else if (!notDrawn.contains(w.getKey())) {
                    merged.put(w.getKey(), w.getValue().copy());
                    changed = true;
                }
            }
            for (Map.Entry<String, Tensor> w : have.entrySet()) {
                merged.putIfAbsent(w.getKey(), w.getValue());
            }
            if (changed || !List.copyOf(merged.keySet()).equals(List.copyOf(have.keySet()))) {
                if (out == null) {
                    out = new LinkedHashMap<>(store);
                }
                out.put(l.name(), merged);
            }
        }
        if (out != null) {
            byLayer = out;
        }
    }

    /** Initializers.isUnreproducible fills with NaN: such a weight must be loaded before any run. */
    static String firstNaNWeight(Snapshot s) {
        for (Layer l : s.layers()) {
            for (var w : l.weights().entrySet()) {
                Tensor t = w.getValue();
                float[] a = t.data();
                for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
                    if (Float.isNaN(a[i])) {
                        return "'" + l.name() + "/" + w.getKey() + "'";
                    }
                }
            }
        }
        return null;
    }
}
