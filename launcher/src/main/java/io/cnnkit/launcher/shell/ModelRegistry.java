package io.cnnkit.launcher.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnkit.engine.api.Model;

/** The models loaded under a name (cnn:load NAME ...), in load order; each closed when replaced or removed. */
final class ModelRegistry implements AutoCloseable {
    private final Map<String, Model> models = new LinkedHashMap<>();

    /** Keeps {@code m} under {@code name}, closing the model it replaces. */
    void put(String name, Model m) {
        Model old;
        synchronized (models) {
            old = models.put(name, m);
        }
        if (old != null) {
            old.close();
        }
    }

    /** The model loaded under {@code name}; an error lists the loaded names. */
    Model get(String name) {
        synchronized (models) {
            Model m = models.get(name);
            if (m == null) {
                throw new CommandException("no model named '" + name + "'" + (models.isEmpty() ? " (none loaded)"
                        : "; loaded: " + String.join(", ", models.keySet())), "load one with cnn:load " + name + " MODEL");
            }
            return m;
        }
    }

    /** The model loaded under {@code name}, or null. */
    Model find(String name) {
        synchronized (models) {
            return models.get(name);
        }
    }

    Results.Models list() {
        List<Results.ModelState> out = new ArrayList<>();
        synchronized (models) {
            for (Map.Entry<String, Model> e : models.entrySet()) {
                Model m = e.getValue();
                boolean ok = m.isAvailable();
                out.add(new Results.ModelState(e.getKey(), ok, ok ? null : m.unavailableReason(),
                        m.description().layers().size()));
            }
        }
        return new Results.Models(out);
    }

    /** Removes and closes a loaded model; false when none has that name. */
    boolean unload(String name) {
        Model m;
        synchronized (models) {
            m = models.remove(name);
        }
        if (m != null) {
            m.close();
        }
        return m != null;
    }

    /** Closes every loaded model. */
    @Override
    public void close() {
        List<Model> all;
        synchronized (models) {
            all = new ArrayList<>(models.values());
            models.clear();
        }
        for (Model m : all) {
            m.close();
        }
    }
}
