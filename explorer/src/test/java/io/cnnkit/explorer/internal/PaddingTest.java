package io.cnnkit.explorer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * TensorFlow's 'same' padding as the explanation places a window: pad_total =
 * max((ceil(in / s) - 1) * s + (k - 1) * d + 1 - in, 0), the smaller half before (TensorFlow's
 * conv2d documentation; the extra row or column goes at the end).
 */
class PaddingTest {
    @Test
    void valid() {
        assertEquals(0, Explain.padBefore(false, 300, 3, 1, 1));
    }

    @Test
    void sameStride1() {
        assertEquals(1, Explain.padBefore(true, 300, 3, 1, 1)); // total 2
        assertEquals(2, Explain.padBefore(true, 300, 5, 1, 1)); // total 4
    }

    @Test
    void sameStride2PutsTheExtraAtTheEnd() {
        // in 300, k 3, s 2: out 150, total (149 * 2 + 3) - 300 = 1: nothing before, one after
        assertEquals(0, Explain.padBefore(true, 300, 3, 2, 1));
        // in 7, k 3, s 2: out 4, total 6 + 3 - 7 = 2: one before
        assertEquals(1, Explain.padBefore(true, 7, 3, 2, 1));
    }

    @Test
    void sameDilated() {
        // k 3, d 2 spans 5: total 4, two before
        assertEquals(2, Explain.padBefore(true, 20, 3, 1, 2));
    }
}
