package io.cnnkit.layers.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.MultiInputLayerProvider;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/** fromKeras of every Keras class (Keras 1, 2 and 3 configs), building from what it returns. */
class MergeKerasTest {
    /** Keras 3's dtype: a DTypePolicy object, not a string. */
    static final Map<String, Object> K3_DTYPE = map("module", "keras", "class_name", "DTypePolicy", "config",
            map("name", "float32"), "registered_name", null);
    static final Map<String, String> TYPES = Map.of("Add", "add", "Subtract", "subtract", "Multiply", "multiply",
            "Average", "average", "Maximum", "maximum", "Minimum", "minimum", "Concatenate", "concatenate");

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static MultiInputLayerProvider byKerasClass(String cls) {
        MultiInputLayerProvider found = null;
        for (MultiInputLayerProvider p : Fixtures.providers()) {
            if (p.kerasClasses().contains(cls)) {
                assertEquals(null, found, cls + " read by two providers");
                found = p;
            }
        }
        return found;
    }

    /** Builds from the parameters fromKeras produced, as the Keras reader does. */
    static MultiInputLayer fromKeras(String cls, Map<String, Object> config, Shape... shapes) {
        MultiInputLayerProvider p = byKerasClass(cls);
        Map<String, Object> params = p.fromKeras(cls, new LinkedHashMap<>(config));
        LayerSpec spec = new LayerSpec(2, p.type(), (String) config.get("name"), params);
        spec.checkKnown(p.parameters());
        return p.create(spec, List.of(shapes), Fixtures.BUILD);
    }

    @Test
    void everyKerasClassHasOneProvider() {
        TYPES.forEach((cls, type) -> assertEquals(type, byKerasClass(cls).type(), cls));
        assertEquals("merge", byKerasClass("Merge").type());
    }

    @Test
    void elementwiseKeras2And3ConfigsHaveNoParameters() {
        Random r = new Random(11);
        Tensor a = Fixtures.random(r, 2, 3, 4, 5), b = Fixtures.random(r, 2, 1, 1, 5);
        Shape sa = Shape.ofSample(a), sb = Shape.ofSample(b);
        for (String cls : List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")) {
            String type = TYPES.get(cls);
            Map<String, Object> k2 = map("name", type + "_1", "trainable", true, "dtype", "float32");
            Map<String, Object> k3 = map("name", type, "trainable", true, "dtype", K3_DTYPE);
            MultiInputLayerProvider p = byKerasClass(cls);
            assertEquals(Map.of(), p.fromKeras(cls, k2), cls + " Keras 2");
            assertEquals(Map.of(), p.fromKeras(cls, k3), cls + " Keras 3");
            Tensor expected = Reference.elementwise(type, List.of(a, b));
            for (Map<String, Object> config : List.of(k2, k3)) {
                MultiInputLayer l = fromKeras(cls, config, sa, sb);
                assertEquals(type, l.type());
                assertEquals(config.get("name"), l.name());
                assertTrue(expected.contentEquals(Fixtures.run(l, List.of(a, b), Fixtures.INLINE)), cls);
            }
        }
    }

    @Test
    void concatenateKeras2And3Configs() {
        Random r = new Random(12);
        Tensor a = Fixtures.random(r, 2, 3, 4, 5), b = Fixtures.random(r, 2, 3, 2, 5);
        Shape sa = Shape.ofSample(a), sb = Shape.ofSample(b);
        Map<String, Object> k2 = map("name", "concatenate_1", "trainable", true, "dtype", "float32", "axis", 2);
        Map<String, Object> k3 = map("name", "concatenate", "trainable", true, "dtype", K3_DTYPE, "axis", -2);
        assertEquals(Map.of("axis", 2), byKerasClass("Concatenate").fromKeras("Concatenate", k2));
        assertEquals(Map.of("axis", -2), byKerasClass("Concatenate").fromKeras("Concatenate", k3));
        Tensor expected = Reference.concatenate(List.of(a, b), 2);
        for (Map<String, Object> config : List.of(k2, k3)) {
            MultiInputLayer l = fromKeras("Concatenate", config, sa, sb);
            assertEquals(Shape.of(3, 6, 5), l.outputShape());
            assertTrue(expected.contentEquals(Fixtures.run(l, List.of(a, b), Fixtures.INLINE)));
        }
        // Keras 2 configs without axis (old saves) mean -1
        MultiInputLayer last = fromKeras("Concatenate", map("name", "c", "trainable", true), sa, sa);
        assertEquals(Shape.of(3, 4, 10), last.outputShape());
    }

    @Test
    void keras1Merge() {
        Random r = new Random(13);
        Tensor a = Fixtures.random(r, 1, 3, 4, 5), b = Fixtures.random(r, 1, 3, 4, 2);
        Shape sa = Shape.ofSample(a), sb = Shape.ofSample(b);
        Map<String, Object> concat = map("name", "merge_1", "mode", "concat", "concat_axis", -1, "dot_axes", -1,
                "mode_type", "raw", "output_shape", null, "output_shape_type", "raw", "output_mask", null,
                "output_mask_type", "raw", "arguments", map());
        assertEquals(Map.of("mode", "concat", "concat_axis", -1), byKerasClass("Merge").fromKeras("Merge", concat));
        MultiInputLayer l = fromKeras("Merge", concat, sa, sb);
        assertTrue(Reference.concatenate(List.of(a, b), -1).contentEquals(Fixtures.run(l, List.of(a, b),
                Fixtures.INLINE)));

        Map<String, Object> sum = new LinkedHashMap<>(concat);
        sum.put("mode", "ave");
        Tensor c = Fixtures.random(r, 1, 3, 4, 5);
        MultiInputLayer ave = fromKeras("Merge", sum, sa, sa);
        assertTrue(Reference.elementwise("average", List.of(a, c)).contentEquals(Fixtures.run(ave, List.of(a, c),
                Fixtures.INLINE)));

        Map<String, Object> lambda = new LinkedHashMap<>(concat);
        lambda.put("mode", java.util.Arrays.asList("4wEAAAA...", null, null));
        lambda.put("mode_type", "lambda");
        ModelException e = assertThrows(ModelException.class, () -> byKerasClass("Merge").fromKeras("Merge", lambda));
        assertTrue(e.getMessage().contains("Python function"), e.getMessage());

        Map<String, Object> models = map("name", "merge_1", "mode", "concat", "layers", List.of(map()));
        e = assertThrows(ModelException.class, () -> byKerasClass("Merge").fromKeras("Merge", models));
        assertTrue(e.getMessage().contains("Merge of whole models"), e.getMessage());

        Map<String, Object> cos = new LinkedHashMap<>(concat);
        cos.put("mode", "cos");
        e = assertThrows(ModelException.class, () -> fromKeras("Merge", cos, sa, sa));
        assertTrue(e.getMessage().contains("'cos' is not supported"), e.getMessage());
    }
}
