package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.Golden;

/**
 * The Vector API conv2d and dense providers against the independent PyTorch fixtures of
 * layers.conv and layers.dense (cnf/golden/layers_conv.py, layers_dense.py): every conv2d case
 * (strides 1 to 3, both paddings, dilation 2 and (2, 1), groups, fused activations, channel counts
 * that are not multiples of 8) and every dense case, relative 1e-5 plus 1e-6 absolute, bit-identical
 * for 1 and 2 threads. The engine has no other conv2d or dense provider.
 */
class VectorGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> conv2dCasesOnTheVectorBackend() {
        return cases("layers.conv", "conv.json", "conv2d");
    }

    @TestFactory
    Stream<DynamicTest> denseCasesOnTheVectorBackend() {
        return cases("layers.dense", "dense.json", "dense");
    }

    private Stream<DynamicTest> cases(String module, String file, String type) {
        List<Golden.Case> all = load(module, file);
        List<Golden.Case> mine = all.stream().filter(c -> type.equals(c.layer().get("type"))).toList();
        assertFalse(mine.isEmpty(), file + " has no " + type + " cases");
        assertTrue(VectorBackend.available(), VectorBackend.reason());
        return mine.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c, type)));
    }

    private static void run(Golden.Case c, String type) {
        try (StandaloneEngine e = engine()) {
            Map<String, Object> layer = new LinkedHashMap<>(c.layer());
            layer.putIfAbsent("name", type);
            List<Object> shape = new ArrayList<>(c.inputShape());
            if (shape.isEmpty()) {
                for (int i = 1; i < c.input().rank(); i++) {
                    shape.add(c.input().dim(i));
                }
            }
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("input_shape", shape);
            model.put("layers", List.of(layer));
            Model m = e.build(e.parse(JSON.writeValueAsString(model)));
            if (!c.weights().isEmpty()) {
                m.setWeights((String) layer.get("name"), c.weights());
            }
            Tensor one = m.predict(c.input(), RunOptions.DEFAULT.withThreads(1));
            Approx.assertRelClose(c.name() + " (vector " + type + ")", c.expected(), one, 1e-5, 1e-6);
            assertTrue(one.contentEquals(m.predict(c.input(), RunOptions.DEFAULT.withThreads(2))), c.name()
                    + ": 1 vs 2 threads");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static StandaloneEngine engine() {
        StandaloneEngine e = Engines.standalone();
        // Only the vector providers: nothing else can serve conv2d or dense.
        e.register(new Conv2dProvider(VectorBackend.backend()), VectorBackend.RANKING);
        e.register(new io.cnnkit.layers.dense.DenseProvider(VectorBackend.backend()), VectorBackend.RANKING);
        e.register(new VectorConvTest.Relu());
        e.register(new Fn("tanh", x -> (float) Math.tanh(x)));
        e.register(new Fn("elu", x -> x > 0 ? x : (float) Math.expm1(x)));
        e.register(new Softmax());
        return e;
    }

    /** The sibling module's fixture, read from its source tree (the file the scalar kernels are tested with). */
    private static List<Golden.Case> load(String module, String file) {
        Path p = Path.of("..", module, "src", "test", "resources", "golden", file);
        assertTrue(Files.isRegularFile(p), "golden fixture " + p.toAbsolutePath() + " missing");
        return Golden.load(p);
    }

    /** A scalar activation from a function. */
    private record Fn(String name, java.util.function.DoubleUnaryOperator f) implements Activation {
        @Override
        public float apply(float x) {
            return (float) f.applyAsDouble(x);
        }
    }

    /** Softmax over the last axis, as Keras. */
    private static final class Softmax implements Activation {
        @Override
        public String name() {
            return "softmax";
        }

        @Override
        public float apply(float x) {
            throw new UnsupportedOperationException("softmax works on whole rows");
        }

        @Override
        public void apply(float[] src, int srcOff, float[] dst, int dstOff, int length, int lastAxis) {
            for (int row = 0; row < length; row += lastAxis) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < lastAxis; i++) {
                    max = Math.max(max, src[srcOff + row + i]);
                }
                double sum = 0;
                for (int i = 0; i < lastAxis; i++) {
                    sum += Math.exp(src[srcOff + row + i] - max);
                }
                for (int i = 0; i < lastAxis; i++) {
                    dst[dstOff + row + i] = (float) (Math.exp(src[srcOff + row + i] - max) / sum);
                }
            }
        }
    }
}
