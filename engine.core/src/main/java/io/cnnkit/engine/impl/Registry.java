package io.cnnkit.engine.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
     * activations). {@code origin} says where it comes from, for cnn:types. The provider object
     * itself is made on first use ({@link #service()}): in OSGi the key and the Keras classes are
     * service properties, and DS creates a layer or activation component only when a model needs it.
     */
    record Entry<T>(String key, Handle<T> handle, List<String> kerasClasses, int ranking, long serviceId,
            String origin) {
        /** The provider, made now if this is its first use; throws what making it threw. */
        T service() {
            return handle.get();
        }

        Entry<T> withRanking(int r) {
            return new Entry<>(key, handle, kerasClasses, r, serviceId, origin);
        }
    }

    /**
     * A provider made once, on first use, and checked then; a failed check is not kept (the next
     * use checks again) but the object is: DS counts every getService.
     */
    static final class Handle<T> {
        private final Supplier<T> make;
        private final Consumer<T> check;
        private T object;
        private T made;

        private Handle(Supplier<T> make, Consumer<T> check, T made) {
            this.make = make;
            this.check = check;
            this.object = made;
            this.made = made;
        }

        static <T> Handle<T> of(T made) {
            return new Handle<>(null, null, made);
        }

        static <T> Handle<T> lazy(Supplier<T> make, Consumer<T> check) {
            return new Handle<>(make, check, null);
        }

        synchronized T get() {
            if (made == null) {
                if (object == null) {
                    object = make.get();
                }
                check.accept(object);
                made = object;
            }
            return made;
        }

        /** The provider if made already, else null (nothing is made). */
        synchronized T ifMade() {
            return made;
        }
    }

    /**
     * The highest ranking first, then the lowest service id (OSGi's order of preference). A class,
     * not Comparator.comparing...: those were five lambda classes spun at every start.
     */
    private static final Comparator<Entry<?>> BEST_FIRST = new Comparator<>() {
        @Override
        public int compare(Entry<?> a, Entry<?> b) {
            int byRanking = Integer.compare(b.ranking(), a.ranking());
            return byRanking != 0 ? byRanking : Long.compare(a.serviceId(), b.serviceId());
        }
    };

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
            List<Entry<T>> list = byKey.get(e.key()); // (no computeIfAbsent lambda: spun at first use in a bundle)
            if (list == null) {
                list = new ArrayList<>();
                byKey.put(e.key(), list);
            }
            Entry<T> before = list.isEmpty() ? null : list.get(0);
            list.add(e);
            list.sort(BEST_FIRST);
            changed = before != list.get(0);
        }
        if (changed) {
            fire(e.key());
        }
    }

    /** Removes the entry holding {@code service} (one made already); true when it was there. */
    boolean remove(T service) {
        return removeIf(e -> e.handle().ifMade() == service);
    }

    /** Removes the entry of this service id; true when it was there. */
    boolean remove(long serviceId) {
        return removeIf(e -> e.serviceId() == serviceId);
    }

    private boolean removeIf(java.util.function.Predicate<Entry<T>> which) {
        String key = null;
        boolean changed = false;
        synchronized (this) {
            for (var it = byKey.entrySet().iterator(); it.hasNext();) {
                var en = it.next();
                List<Entry<T>> list = en.getValue();
                for (int i = 0; i < list.size(); i++) {
                    if (which.test(list.get(i))) {
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

    /** Re-sorts after a ranking change of the registered service of this id. */
    void updateRanking(long serviceId, int ranking) {
        String key = null;
        boolean changed = false;
        synchronized (this) {
            for (List<Entry<T>> list : byKey.values()) {
                for (int i = 0; i < list.size(); i++) {
                    Entry<T> e = list.get(i);
                    if (e.serviceId() == serviceId) {
                        Entry<T> before = list.get(0);
                        list.set(i, e.withRanking(ranking));
                        list.sort(BEST_FIRST);
                        key = e.key();
                        changed = before.serviceId() != list.get(0).serviceId() || before == e;
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

    /** The service id of the entry holding {@code service} (one made already), or -1. */
    synchronized long serviceIdOf(T service) {
        for (List<Entry<T>> list : byKey.values()) {
            for (Entry<T> e : list) {
                if (e.handle().ifMade() == service) {
                    return e.serviceId();
                }
            }
        }
        return -1;
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
