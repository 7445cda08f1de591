package io.cnnkit.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.cnnkit.engine.api.ExecutionContext;

/**
 * Runs parallelFor chunks of random size in random order on the caller's thread: a kernel whose
 * result depends on chunking or order (instead of computing each element in one task in a fixed
 * order) gives other bits here than on the real scheduler.
 */
public final class ShuffledContext implements ExecutionContext {
    private final Random random;

    public ShuffledContext(long seed) {
        random = new Random(seed);
    }

    @Override
    public int parallelism() {
        return 3;
    }

    @Override
    public void parallelFor(int count, long costPerItem, RangeBody body) {
        List<int[]> chunks = new ArrayList<>();
        for (int from = 0; from < count;) {
            int to = Math.min(count, from + 1 + random.nextInt(4));
            chunks.add(new int[] {from, to});
            from = to;
        }
        Collections.shuffle(chunks, random);
        for (int[] c : chunks) {
            body.run(c[0], c[1]);
        }
    }
}
