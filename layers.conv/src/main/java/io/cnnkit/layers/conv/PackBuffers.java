package io.cnnkit.layers.conv;

import java.util.Arrays;

/**
 * One packing buffer per thread, reused across chunks, runs and layers, so a run allocates no
 * more than it must (a 224x224x64 conv would otherwise allocate ~130 MB of im2col buffers).
 *
 * <p>Safe because a kernel's chunk body never waits on other tasks while it holds the buffer
 * (fork-join work stealing only runs another chunk between bodies). The thread-local holds a
 * plain float[]: no class of this bundle stays reachable from pool threads.
 */
final class PackBuffers {
    private static final ThreadLocal<float[]> BUFFER = new ThreadLocal<>();
    private static final ThreadLocal<float[]> OUTPUTS = new ThreadLocal<>();
    /** An item's input rows copied with their padding (a conv's rows read in place). */
    private static final ThreadLocal<float[]> ROWS = new ThreadLocal<>();
    /** A layer's packed kernel, filled by the thread that calls the kernel and read by all workers. */
    private static final ThreadLocal<float[]> KERNEL = new ThreadLocal<>();

    /** Scratch rows of a partial micro-tile (copies of its inputs and outputs), used within one tile. */
    private static final ThreadLocal<float[]> TILE = new ThreadLocal<>();

    /** An intermediate tensor of a layer (separable's depthwise output), filled and read by its calling thread's call. */
    private static final ThreadLocal<float[]> INTERMEDIATE = new ThreadLocal<>();

    private PackBuffers() {
    }

    /** This thread's buffer with at least {@code n} floats; contents are whatever was left there. */
    static float[] get(int n) {
        return atLeast(BUFFER, n);
    }

    /** This thread's buffer for the outputs of packed pixels before they go to their places, at least {@code n} floats. */
    static float[] outputs(int n) {
        return atLeast(OUTPUTS, n);
    }

    /** This thread's buffer for an item's padded input rows, at least {@code n} floats. */
    static float[] rows(int n) {
        return atLeast(ROWS, n);
    }

    /** This thread's scratch for one partial micro-tile, at least {@code n} floats. */
    static float[] tile(int n) {
        return atLeast(TILE, n);
    }

    /**
     * The calling thread's buffer for a packed kernel, at least {@code n} floats. Only a layer's
     * calling thread fills it, before its parallel loop, which only reads it; chunk bodies never
     * call this, so it is never rewritten while workers read it.
     */
    static float[] kernel(int n) {
        return atLeast(KERNEL, n);
    }

    /**
     * The calling thread's buffer for a layer's intermediate tensor, at least {@code n} floats:
     * written and read by one forward call, never by chunk bodies' packing (they use
     * {@link #get}), so a parallel loop inside the call does not overwrite it.
     */
    static float[] intermediate(int n) {
        return atLeast(INTERMEDIATE, n);
    }

    private static float[] atLeast(ThreadLocal<float[]> local, int n) {
        float[] b = local.get();
        if (b == null || b.length < n) {
            b = new float[n];
            local.set(b);
        }
        return b;
    }

    /** This thread's buffer with its first {@code n} floats zeroed. */
    static float[] zeroed(int n) {
        float[] b = get(n);
        Arrays.fill(b, 0, n, 0f);
        return b;
    }
}
