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
import io.cnnkit.layers.conv.VectorConv2d;

/**
 * JMH: one {@code predict} of a workload W1..W4, at 1 and 2 threads, with the Vector API
 * conv2d and dense (io.cnnkit.layers.conv.vector, as {@code ./cnnkit} runs) or only the scalar
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
        boolean vector = switch (kernels) {
            case "vector" -> true;
            case "scalar" -> false; // the providers ServiceLoader finds: layers.conv and layers.dense
            default -> throw new IllegalArgumentException("kernels is vector or scalar, got '" + kernels + "'");
        };
        if (vector) {
            VectorConv2d.unavailableReason().ifPresent(reason -> {
                throw new IllegalStateException("kernels=vector: " + reason);
            });
        }
        engine = Engines.fromServiceLoader(ModelBench.class.getClassLoader());
        if (vector) {
            engine.register(VectorConv2d.provider(), VectorConv2d.RANKING);
            engine.register(VectorConv2d.denseProvider(), VectorConv2d.RANKING);
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
