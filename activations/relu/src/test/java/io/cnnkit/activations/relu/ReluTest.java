package io.cnnkit.activations.relu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.kernel.ClampActivation;

class ReluTest {
    private static LayerSpec spec(String key, Object value) {
        return new LayerSpec(2, "activation", "act", Map.of("activation", "relu", key, value));
    }

    @ParameterizedTest
    @CsvSource({"max_value, -1, 'must be >= 0 or null (no bound)'", "negative_slope, -0.1, 'must be >= 0'",
        "threshold, -2, 'must be >= 0'", "threshold, NaN, 'must be >= 0'"})
    void rejectsNegativeOptionsAsTheKerasLayerDoes(String key, double value, String why) {
        ModelException e = assertThrows(ModelException.class, () -> new Relu().configure(spec(key, value)));
        assertEquals("layer 2 'act' (activation): parameter '" + key + "' " + why + ", got " + value, e.getMessage());
    }

    @Test
    void rejectsNonNumbers() {
        ModelException e = assertThrows(ModelException.class, () -> new Relu().configure(spec("max_value", "six")));
        assertEquals("layer 2 'act' (activation): parameter 'max_value' must be a number, got 'six'", e.getMessage());
    }

    @Test
    void asAClampItGivesTheSameBitsAsApplyAndWithSlopeOrThresholdItIsNone() {
        Relu plain = new Relu();
        assertNull(((Relu) plain.configure(spec("negative_slope", 0.1))).clamp());
        assertNull(((Relu) plain.configure(spec("threshold", 0.5))).clamp());
        // 0.1 is no float: the clamp's bound rounds it as apply's double clip then rounding does
        Relu[] clamps = {plain, (Relu) plain.configure(spec("max_value", 6.0)),
            (Relu) plain.configure(spec("max_value", 0.1)), (Relu) plain.configure(spec("max_value", 0.0))};
        java.util.Random r = new java.util.Random(5);
        float[] edges = {-2f, -0f, 0f, 0.1f, Math.nextUp(0.1f), Math.nextDown(0.1f), 6f, Math.nextUp(6f), Float.NaN,
            Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (Relu f : clamps) {
            ClampActivation.Bounds b = f.clamp();
            assertNotNull(b);
            for (int i = 0; i < edges.length + 2000; i++) {
                float x = i < edges.length ? edges[i] : (r.nextFloat() - 0.3f) * 10;
                assertEquals(Float.floatToIntBits(f.apply(x)),
                        Float.floatToIntBits(Math.min(Math.max(x, b.lower()), b.upper())), "relu(" + x + ") " + b);
            }
        }
    }

    @Test
    void defaultsKeepTheServiceInstance() {
        Relu relu = new Relu();
        assertSame(relu, relu.configure(spec("threshold", 0)));
    }

    @Test
    void bulkFormGivesTheElementValuesWithAndWithoutOptions() {
        float[] src = {-2f, -0f, 0f, 0.5f, 3f, 7f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1e-30f,
            -1e-30f, 6.5f};
        Relu plain = new Relu();
        Relu[] relus = {plain, (Relu) plain.configure(spec("max_value", 6.0)),
            (Relu) plain.configure(spec("negative_slope", 0.1)), (Relu) plain.configure(spec("threshold", 0.5))};
        for (Relu f : relus) {
            float[] dst = new float[src.length + 2];
            f.apply(src, 1, dst, 2, src.length - 1, 1);
            for (int i = 1; i < src.length; i++) {
                assertEquals(Float.floatToIntBits(f.apply(src[i])), Float.floatToIntBits(dst[i + 1]),
                        "relu(" + src[i] + ")");
            }
            assertEquals(0f, dst[0]);
            assertEquals(0f, dst[1]);
        }
        float[] inPlace = src.clone();
        plain.apply(inPlace, 0, inPlace, 0, inPlace.length, 4);
        assertEquals(0, Float.floatToIntBits(inPlace[1]), "-0 becomes +0");
        assertEquals(Float.NaN, inPlace[6]);
        // in place from an offset (the fused activation's case, its own loop): every element as apply(x)
        float[] shifted = src.clone();
        plain.apply(shifted, 1, shifted, 1, src.length - 2, 1);
        assertEquals(Float.floatToIntBits(src[0]), Float.floatToIntBits(shifted[0]), "before the range: untouched");
        assertEquals(Float.floatToIntBits(src[src.length - 1]), Float.floatToIntBits(shifted[src.length - 1]),
                "after the range: untouched");
        for (int i = 1; i < src.length - 1; i++) {
            assertEquals(Float.floatToIntBits(plain.apply(src[i])), Float.floatToIntBits(shifted[i]), "relu(" + src[i] + ")");
        }
    }
}
