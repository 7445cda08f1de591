package io.cnnkit.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, Stats.median(new double[] {5, 1, 3}));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void p90IsTheNearestRank() {
        double[] ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        assertEquals(9.0, Stats.percentile(ten, 90));
        assertEquals(7.0, Stats.percentile(new double[] {7}, 90));
        assertEquals(2.0, Stats.percentile(new double[] {1, 2}, 90));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new double[0], 90));
    }
}
