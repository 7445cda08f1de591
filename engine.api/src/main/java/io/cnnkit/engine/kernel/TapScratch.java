package io.cnnkit.engine.kernel;

/**
 * Per-thread tap offsets for {@link DepthwiseMicroKernel#row}'s default, so that a run allocates
 * nothing there (it is called for 2 rows of every 3x3 layer and sample). Package-private.
 */
final class TapScratch {
    private static final ThreadLocal<int[][]> OFFSETS = ThreadLocal.withInitial(() -> new int[][] {new int[9], new int[9]});

    private TapScratch() {
    }

    static int[] x(int taps) {
        return at(0, taps);
    }

    static int[] w(int taps) {
        return at(1, taps);
    }

    private static int[] at(int which, int taps) {
        int[][] o = OFFSETS.get();
        if (o[which].length < taps) {
            o[which] = new int[taps];
        }
        return o[which];
    }
}
