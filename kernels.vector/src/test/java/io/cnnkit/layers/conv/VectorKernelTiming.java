package io.cnnkit.layers.conv;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.ExecutionContext;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.impl.Scheduler;

/**
 * Rough timing of the scalar and vector conv backends on W2/W4/W1-shaped convolutions at 1 and 2 threads (not a
 * test, not a benchmark harness: the machine may be shared, so it prints medians). Run after
 * {@code mvn verify} from the worktree root:
 *
 * <pre>
 * CP=kernels.vector/target/classes:kernels.vector/target/test-classes:engine.core/target/classes
 * CP=$CP:engine.api/target/classes:layers.conv/target/classes
 * java -cp $CP --add-modules jdk.incubator.vector io.cnnkit.layers.conv.VectorKernelTiming 3 W2
 * </pre>
 *
 * (seconds per case, then optionally the cases whose name starts with W2, W4, W1, 1x1 or W3;
 * at 1 thread it also prints the medians of the thread's CPU time.)
 */
public final class VectorKernelTiming {
    private VectorKernelTiming() {
    }

    record Case(String name, int n, int h, int w, int c, int f, int k) {
        double gflop() {
            return 2.0 * n * h * w * f * k * k * c / 1e9;
        }
    }

    interface Kernel {
        void run(Tensor x, Tensor k, Tensor b, Tensor y, ConvKernels.Geometry g, Activation act,
                ExecutionContext ctx);
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        List<Case> all = List.of(new Case("W2 224x224x64 -> 3x3x64", 1, 224, 224, 64, 64, 3),
                new Case("W4 56x56x256 -> 3x3x256", 1, 56, 56, 256, 256, 3),
                new Case("W1 575x607x3 -> 3x3x3", 1, 575, 607, 3, 3, 3),
                new Case("1x1 56x56x256 -> 64", 1, 56, 56, 256, 64, 1),
                new Case("W3 64x32x32x32 -> 3x3x32", 64, 32, 32, 32, 32, 3));
        // optional second argument: only cases whose name starts with it (W1, W2, W4, 1x1)
        List<Case> cases = args.length > 1 ? all.stream().filter(c -> c.name().startsWith(args[1])).toList() : all;
        List<String> names = List.of("scalar", "vector");
        List<Kernel> kernels = List.of(ConvKernels::conv2d, VectorBackend::conv2d);
        Random r = new Random(1);
        try (Scheduler s = new Scheduler(2)) {
            for (Case cs : cases) {
                Tensor x = random(r, cs.n(), cs.h(), cs.w(), cs.c());
                Tensor k = random(r, cs.k(), cs.k(), cs.c(), cs.f());
                Tensor b = random(r, cs.f());
                Tensor y = Tensor.zeros(cs.n(), cs.h(), cs.w(), cs.f());
                ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(cs.k(), cs.k(), 1, 1, 1, 1, true),
                        cs.h(), cs.w(), 1);
                for (int threads : new int[] {1, 2}) {
                    ExecutionContext ctx = s.context(threads);
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s %d thr:", cs.name(),
                            threads));
                    for (int i = 0; i < kernels.size(); i++) {
                        double[] med = median(kernels.get(i), x, k, b, y, g, ctx, seconds);
                        line.append(String.format(Locale.ROOT, "  %s %.1f ms %.1f GFLOP/s", names.get(i), med[0] * 1e3,
                                cs.gflop() / med[0]));
                        if (threads == 1) {
                            // on a shared machine the thread's CPU time is steadier than the clock
                            line.append(String.format(Locale.ROOT, " (cpu %.1f ms %.1f GFLOP/s)", med[1] * 1e3,
                                    cs.gflop() / med[1]));
                        }
                    }
                    System.out.println(line);
                }
            }
        }
    }

    /** Uniform in [-1, 1) (TestModels needs Jackson on the class path; this main does not). */
    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = r.nextFloat() * 2 - 1;
        }
        return t;
    }

    /** Medians of the wall-clock and of the calling thread's CPU time, in seconds. */
    static double[] median(Kernel kn, Tensor x, Tensor k, Tensor b, Tensor y, ConvKernels.Geometry g,
            ExecutionContext ctx, double seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Double> times = new ArrayList<>(), cpu = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        kn.run(x, k, b, y, g, null, ctx); // warm-up
        do {
            long c = mx.getCurrentThreadCpuTime(), t = System.nanoTime();
            kn.run(x, k, b, y, g, null, ctx);
            times.add((System.nanoTime() - t) / 1e9);
            cpu.add((mx.getCurrentThreadCpuTime() - c) / 1e9);
        } while (System.nanoTime() < end || times.size() < 3);
        Collections.sort(times);
        Collections.sort(cpu);
        return new double[] {times.get(times.size() / 2), cpu.get(cpu.size() / 2)};
    }
}
