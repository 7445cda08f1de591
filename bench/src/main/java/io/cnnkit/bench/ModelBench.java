package io.cnnkit.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.launcher.bench.Bench;
import io.cnnkit.launcher.bench.Workload;
import io.cnnkit.engine.kernel.KernelBackend;
import io.cnnkit.engine.kernel.KernelBackends;
import io.cnnkit.layers.conv.Conv2dProvider;
import io.cnnkit.layers.conv.DepthwiseConv2dProvider;
import io.cnnkit.layers.conv.SeparableConv2dProvider;
import io.cnnkit.layers.dense.DenseProvider;

/**
 * JMH: one {@code predict} of a workload W1..W4, at 1 and 2 threads, with the Vector API
 * kernels of io.cnnkit.kernels.vector (as {@code ./cnnkit} runs) or only the scalar
 * kernels (an Eclipse host without {@code --add-modules jdk.incubator.vector}). One JMH run
 * gives both ratios: vector over scalar, and 1 over 2 threads. Run with
 * {@code cnf/bench/jmh.sh [JMH options]}, e.g. {@code cnf/bench/jmh.sh -p workload=W4}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ModelBench {
    @Param({"W1", "W2", "W3", "W4"})
    public String workload;

    @Param({"1", "2"})
    public int threads;

    @Param({"vector", "scalar"})
    public String kernels;

    private StandaloneEngine engine;
    private Model model;
    private Tensor input;
    private RunOptions options;

    @Setup
    public void setUp() {
        ClassLoader loader = ModelBench.class.getClassLoader();
        engine = Engines.fromServiceLoader(loader); // conv and dense on the best kernel backend present
        switch (kernels) {
            case "vector" -> {
                KernelBackend backend = KernelBackends.fromServiceLoader(loader);
                if (backend == null) {
                    throw new IllegalStateException("kernels=vector: no usable kernel backend; run with "
                            + "--add-modules=jdk.incubator.vector and io.cnnkit.kernels.vector on the class path");
                }
            }
            case "scalar" -> {
                // the layers' own kernels, as an Eclipse host without the Vector API runs them
                engine.register(new Conv2dProvider((KernelBackend) null), 1);
                engine.register(new DepthwiseConv2dProvider((KernelBackend) null), 1);
                engine.register(new SeparableConv2dProvider((KernelBackend) null), 1);
                engine.register(new DenseProvider((KernelBackend) null), 1);
            }
            default -> throw new IllegalArgumentException("kernels is vector or scalar, got '" + kernels + "'");
        }
        Workload w = Workload.named(workload);
        model = engine.build(engine.parse(w.description()));
        input = Bench.randomInput(model.inputShape(), w.batch(), 42);
        options = RunOptions.DEFAULT.withThreads(threads);
    }

    @Benchmark
    public Tensor predict() {
        return model.predict(input, options);
    }

    @TearDown
    public void tearDown() {
        model.close();
        engine.close();
    }
}
