package io.cnnkit.explorer.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Summary;

/** Models as the API shows them: a list entry, and the graph (nodes and edges). */
final class ModelJson {
    private ModelJson() {
    }

    static Map<String, Object> entry(Session.LoadedModel lm) {
        Model m = lm.model();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", lm.name());
        o.put("origin", lm.origin());
        boolean available = m.isAvailable();
        o.put("available", available);
        o.put("reason", available ? null : m.unavailableReason());
        o.put("input", m.inputShape().toString());
        o.put("inputDims", m.inputShape().dims());
        o.put("layers", m.description().layers().size());
        o.put("graph", m.description().isGraph());
        return o;
    }

    /**
     * Nodes (name, type, output shape, parameter count, the layer's settings) in topological
     * order and edges by node name. From the summary of the last successful build; an
     * unavailable model that never built shows its description only.
     */
    static Map<String, Object> graph(Session.LoadedModel lm) {
        Model m = lm.model();
        Map<String, LayerSpec> specs = new HashMap<>();
        for (LayerSpec s : m.description().layers()) {
            specs.put(s.name(), s);
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<List<String>> edges = new ArrayList<>();
        List<Summary.Row> rows;
        try {
            rows = m.summary().rows();
        } catch (RuntimeException e) {
            rows = List.of();
        }
        String previous = null;
        if (rows.isEmpty()) {
            previous = m.description().inputName();
            nodes.add(node(previous, "input", m.inputShape().toString(), 0, null));
            for (LayerSpec s : m.description().layers()) {
                nodes.add(node(s.name(), s.type(), "?", 0, s));
                List<String> from = s.inputs().isEmpty() ? List.of(previous) : s.inputs();
                from.forEach(f -> edges.add(List.of(f, s.name())));
                previous = s.name();
            }
        } else {
            for (Summary.Row r : rows) {
                nodes.add(node(r.name(), r.type(), r.outputShape().toString(), r.params(), specs.get(r.name())));
                List<String> from = r.connectedTo() == null || r.connectedTo().isEmpty()
                        ? (previous == null ? List.of() : List.of(previous)) : r.connectedTo();
                for (String f : from) {
                    edges.add(List.of(stripIndex(f), r.name()));
                }
                previous = r.name();
            }
        }
        Map<String, Object> o = entry(lm);
        o.put("nodes", nodes);
        o.put("edges", edges);
        return o;
    }

    /** Keras writes "conv_1[0][0]" in connected-to columns. */
    private static String stripIndex(String s) {
        int b = s.indexOf('[');
        return b < 0 ? s : s.substring(0, b);
    }

    private static Map<String, Object> node(String name, String type, String shape, long params, LayerSpec spec) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("name", name);
        n.put("type", type);
        n.put("shape", shape);
        n.put("params", params);
        Map<String, String> settings = new LinkedHashMap<>();
        if (spec != null) {
            spec.params().forEach((k, v) -> settings.put(k, String.valueOf(v)));
        }
        n.put("settings", settings);
        return n;
    }
}
