package io.cnnkit.engine.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    private static Tensor iota(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = i;
        }
        return t;
    }

    @Test
    void rowMajorIndexing() {
        Tensor t = iota(2, 3, 4, 5);
        assertEquals(120, t.size());
        // ((1*3 + 2)*4 + 3)*5 + 4 = 119
        assertEquals(119, t.index(1, 2, 3, 4));
        assertEquals(119f, t.get(1, 2, 3, 4));
        assertEquals(5 * 4 + 3 * 5 + 1, t.index(0, 1, 3, 1)); // (1*4+3)*5+1 = 36
        t.set(-7f, 0, 1, 3, 1);
        assertEquals(-7f, t.data()[36]);
        assertEquals(4, t.dim(-2));
        assertEquals("(2, 3, 4, 5)", t.shapeString());
    }

    @Test
    void indexErrors() {
        Tensor t = Tensor.zeros(2, 3);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, -1));
        var r = assertThrows(IllegalArgumentException.class, () -> t.get(1));
        assertTrue(r.getMessage().contains("rank 1"), r.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 16, 1 << 16));
        var w = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[5], 2, 3));
        assertTrue(w.getMessage().contains("needs 6"), w.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.view(new float[5], 3, 3));
    }

    @Test
    void sampleIsAViewSharingData() {
        Tensor t = iota(3, 2, 2, 1);
        Tensor s = t.sample(1);
        assertArrayEquals(new int[] {1, 2, 2, 1}, s.shape());
        assertEquals(4, s.offset());
        assertEquals(4f, s.get(0, 0, 0, 0));
        s.set(100f, 0, 1, 1, 0);
        assertEquals(100f, t.get(1, 1, 1, 0));
        t.set(-1f, 1, 0, 0, 0);
        assertEquals(-1f, s.get(0, 0, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> t.sample(3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.sample(-1));
    }

    @Test
    void reshapeIsAViewSharingData() {
        Tensor t = iota(1, 2, 3, 2);
        Tensor r = t.reshape(1, 12);
        assertEquals(7f, r.get(0, 7));
        r.set(42f, 0, 7);
        assertEquals(42f, t.get(0, 1, 0, 1));
        // a view of a view keeps the offset
        Tensor s = iota(2, 6).sample(1).reshape(2, 3);
        assertEquals(6f, s.get(0, 0));
        assertEquals(11f, s.get(1, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(5, 2));
        assertTrue(e.getMessage().contains("12 elements"), e.getMessage());
    }

    @Test
    void copyIsIndependentAndCompact() {
        Tensor t = iota(2, 3).sample(1);
        Tensor c = t.copy();
        assertEquals(0, c.offset());
        assertEquals(3, c.data().length);
        assertTrue(c.contentEquals(t));
        c.set(9f, 0, 0);
        assertEquals(3f, t.get(0, 0));
        assertFalse(c.contentEquals(t));
        assertArrayEquals(new float[] {3, 4, 5}, t.toArray());

        Tensor dst = Tensor.zeros(1, 3);
        dst.copyFrom(t);
        assertTrue(dst.contentEquals(t));
        assertThrows(IllegalArgumentException.class, () -> dst.copyFrom(Tensor.zeros(3, 1)));
    }

    @Test
    void overlaps() {
        Tensor t = iota(4, 3);
        assertTrue(t.overlaps(t));
        assertTrue(t.overlaps(t.sample(2)));
        assertTrue(t.sample(2).overlaps(t));
        assertFalse(t.sample(1).overlaps(t.sample(2)), "adjacent samples do not overlap");
        assertTrue(Tensor.view(t.data(), 2, 2).overlaps(t.sample(1)), "elements 2..3 and 3..5 share element 3");
        assertFalse(t.overlaps(t.copy()), "different arrays never overlap");
        assertFalse(Tensor.view(t.data(), 3, 0).overlaps(t), "an empty view overlaps nothing");
    }

    @Test
    void contentEqualsComparesBits() {
        Tensor a = Tensor.wrap(new float[] {0f, Float.NaN}, 2);
        Tensor b = Tensor.wrap(new float[] {0f, Float.NaN}, 2);
        assertTrue(a.contentEquals(b));
        Tensor c = Tensor.wrap(new float[] {-0f, Float.NaN}, 2);
        assertFalse(a.contentEquals(c), "0 and -0 differ in bits");
        assertFalse(a.contentEquals(Tensor.wrap(new float[] {0f, Float.NaN}, 1, 2)), "shape differs");
    }

    @Test
    void shapeNotation() {
        Shape s = Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, 3);
        assertEquals("(None, None, None, 3)", s.toString());
        assertFalse(s.isFullyKnown());
        assertTrue(s.accepts(Shape.of(5, 7, 3)));
        assertFalse(s.accepts(Shape.of(5, 7, 1)));
        assertFalse(s.accepts(Shape.of(5, 3)));
        assertArrayEquals(new int[] {2, 4, 4, 3}, Shape.of(4, 4, 3).withBatch(2));
        assertThrows(IllegalStateException.class, s::elementCount);
        assertEquals("(7,)", Shape.format(new int[] {7}));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(3, -2));
    }
}
