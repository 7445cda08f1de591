package io.cnnkit.engine.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The engine's fork-join scheduler as a layer sees it during a run. Work is a range of
 * independent items (e.g. batch x output rows x channel blocks, flattened); every item is
 * computed by exactly one task, so a kernel whose per-item arithmetic is fixed gives
 * bit-identical results for every thread count.
 */
@ProviderType
public interface ExecutionContext {
    /** Threads available to this run. */
    int parallelism();

    /**
     * Runs {@code body} over {@code [0, count)} in contiguous chunks, in parallel when the
     * total work ({@code count * costPerItem}, roughly flops) is worth it, else inline on
     * the caller's thread. Returns when every chunk is done; an exception in any chunk is
     * rethrown here.
     */
    void parallelFor(int count, long costPerItem, RangeBody body);

    /** A chunk of work: items {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }
}
