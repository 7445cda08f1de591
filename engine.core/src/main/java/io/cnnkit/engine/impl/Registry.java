package io.cnnkit.engine.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Providers of one kind (layer types or activations) by key, best first: highest
 * service.ranking, then lowest service id (the OSGi rule). Listeners hear which key changed
 * its best provider.
 *
 * @param <T> LayerProvider or Activation
 */
final class Registry<T> {
    /**
     * One registered provider. {@code kerasClasses}: the Keras classes a layer provider reads
     * (its cnnkit.keras.class service property, or its kerasClasses() outside OSGi; empty for
     * activations). {@code origin} says where it comes from, for cnn:types.
     */
    record Entry<T>(String key, T service, List<String> kerasClasses, int ranking, long serviceId, String origin) {
    }

    private static final Comparator<Entry<?>> BEST_FIRST = Comparator
            .comparingInt((Entry<?> e) -> -e.ranking())
            .thenComparingLong(Entry::serviceId);

    private final String kind;
    private final Map<String, List<Entry<T>>> byKey = new TreeMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    Registry(String kind) {
        this.kind = kind;
    }

    String kind() {
        return kind;
    }

    void addListener(Consumer<String> onChange) {
        listeners.add(onChange);
    }

    void add(Entry<T> e) {
        boolean changed;
        synchronized (this) {
            List<Entry<T>> list = byKey.computeIfAbsent(e.key(), k -> new ArrayList<>());
            Entry<T> before = list.isEmpty() ? null : list.get(0);
            list.add(e);
            list.sort(BEST_FIRST);
            changed = before != list.get(0);
        }
        if (changed) {
            fire(e.key());
        }
    }

    /** Removes the entry holding {@code service}; true when it was there. */
    boolean remove(T service) {
        String key = null;
        boolean changed = false;
        synchronized (this) {
            for (var it = byKey.entrySet().iterator(); it.hasNext();) {
                var en = it.next();
                List<Entry<T>> list = en.getValue();
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).service() == service) {
                        key = en.getKey();
                        changed = i == 0;
                        list.remove(i);
                        if (list.isEmpty()) {
                            it.remove();
                        }
                        break;
                    }
                }
                if (key != null) {
                    break;
                }
            }
        }
        if (changed) {
            fire(key);
        }
        return key != null;
    }

    /** Re-sorts after a ranking change of a registered service. */
    void updateRanking(T service, int ranking) {
        String key = null;
        boolean changed = false;
        synchronized (this) {
            for (List<Entry<T>> list : byKey.values()) {
                for (int i = 0; i < list.size(); i++) {
                    Entry<T> e = list.get(i);
                    if (e.service() == service) {
                        Entry<T> before = list.get(0);
                        list.set(i, new Entry<>(e.key(), service, e.kerasClasses(), ranking, e.serviceId(), e.origin()));
                        list.sort(BEST_FIRST);
                        key = e.key();
                        changed = before.service() != list.get(0).service() || before == e;
                        break;
                    }
                }
                if (key != null) {
                    break;
                }
            }
        }
        if (changed) {
            fire(key);
        }
    }

    synchronized Entry<T> best(String key) {
        List<Entry<T>> list = byKey.get(key);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    synchronized List<String> keys() {
        return List.copyOf(byKey.keySet());
    }

    synchronized List<Entry<T>> bestEntries() {
        List<Entry<T>> out = new ArrayList<>();
        for (List<Entry<T>> l : byKey.values()) {
            out.add(l.get(0));
        }
        return out;
    }

    private void fire(String key) {
        for (Consumer<String> l : listeners) {
            l.accept(key);
        }
    }
}
