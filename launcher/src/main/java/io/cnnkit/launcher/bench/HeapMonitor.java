package io.cnnkit.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Peak Java heap in use while it is open. Two sources, the larger wins:
 * <ol>
 * <li>a daemon thread samples {@link MemoryMXBean#getHeapMemoryUsage()} (used bytes), every
 * millisecond when collections cannot be watched, else every {@link #SAMPLE_MS_WITH_GC} ms
 * (the heap in use only drops at collections, so their reports carry the peaks; a thread
 * waking every millisecond would take a few percent of a core from the timed runs);</li>
 * <li>every garbage collection reports the heap in use just before it ran (the sum over heap
 * pools of {@link GarbageCollectionNotificationInfo}'s usage before GC): the heap's highs come
 * right before collections, which sampling can miss.</li>
 * </ol>
 * "In use" counts live objects and garbage not yet collected, so the figure depends on the
 * collector and heap size; it is an upper bound on what a run needs, not the live set. Native
 * memory (ONNX Runtime's buffers) is not Java heap and is not seen here.
 *
 * <p>The GC notifications come from com.sun.management, which not every JVM or OSGi host
 * offers (the launcher imports it optionally): without it the monitor only samples.
 */
public final class HeapMonitor implements AutoCloseable {
    /** Sampling period while GC notifications are watched. */
    static final int SAMPLE_MS_WITH_GC = 50;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final Set<String> heapPools = new HashSet<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;
    private final Thread sampler;
    private volatile boolean running = true;

    /** Starts sampling and listening to collections. */
    public HeapMonitor() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
            }
        }
        if (gcNotificationsAvailable()) {
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter e) {
                    e.addNotificationListener(listener, null, null);
                    emitters.add(e);
                }
            }
        }
        sample();
        long periodMs = emitters.isEmpty() ? 1 : SAMPLE_MS_WITH_GC;
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cnnkit-bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Whether com.sun.management's GC notification info can be loaded here. */
    static boolean gcNotificationsAvailable() {
        try {
            Class.forName("com.sun.management.GarbageCollectionNotificationInfo", false,
                    HeapMonitor.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether collections are watched too (else only sampling). */
    public boolean watchesCollections() {
        return !emitters.isEmpty();
    }

    private void sample() {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long before = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                before += e.getValue().getUsed();
            }
        }
        peak.accumulateAndGet(before, Math::max);
    }

    /** The peak so far, in bytes. */
    public long peakBytes() {
        return peak.get();
    }

    /** Stops sampling and listening; {@link #peakBytes()} keeps the result. */
    @Override
    public void close() {
        running = false;
        sample();
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone: nothing to remove
            }
        }
    }
}
