package io.cnnkit.engine.impl.desc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelDescription;

/** Keras's default layer names: one rule for the engine and for parsers that must refer to them. */
public final class DefaultNames {
    private DefaultNames() {
    }

    /**
     * Gives unnamed layers Keras's default names (type, type_1, type_2, ...), skipping names
     * used anywhere in the model and the input's name, and rejects duplicate names. A chain
     * whose layer is named like its input gets another input name (stage names stay unique).
     */
    public static ModelDescription assign(ModelDescription d) {
        Map<String, Integer> taken = new HashMap<>();
        for (LayerSpec s : d.layers()) {
            if (s.name() != null) {
                if (s.name().isBlank()) {
                    throw s.error("name must not be blank");
                }
                Integer first = taken.putIfAbsent(s.name(), s.position());
                if (first != null) {
                    throw s.error("name '" + s.name() + "' is already used by layer " + first
                            + "; layer names must be unique in a model");
                }
            }
        }
        if (!d.isGraph() && taken.containsKey(d.inputName())) {
            // No layer of a chain refers to the input by name: give the input node a free one.
            String free;
            int n = 1;
            do {
                free = d.inputName() + "_" + n++;
            } while (taken.containsKey(free));
            d = new ModelDescription(d.name(), d.inputShape(), d.layers(), d.seed(), free, d.outputs(), d.notes());
        }
        taken.putIfAbsent(d.inputName(), 0);
        Map<String, Integer> counters = new HashMap<>();
        List<LayerSpec> out = new ArrayList<>();
        for (LayerSpec s : d.layers()) {
            if (s.name() != null) {
                out.add(s);
                continue;
            }
            int n = counters.getOrDefault(s.type(), 0);
            String candidate;
            do {
                candidate = n == 0 ? s.type() : s.type() + "_" + n;
                n++;
            } while (taken.containsKey(candidate));
            counters.put(s.type(), n);
            taken.put(candidate, s.position());
            out.add(s.withName(candidate));
        }
        return d.withLayers(out);
    }
}
