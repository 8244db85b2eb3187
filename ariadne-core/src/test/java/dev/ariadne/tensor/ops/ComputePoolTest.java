package dev.ariadne.tensor.ops;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputePoolTest {

    /** Every index of the range is run exactly once, by chunks of the given size (the last one shorter). */
    @Test
    void chunksCoverTheRangeOnce() {
        try (ComputePool pool = new ComputePool(3)) {
            for (int[] nc : new int[][]{{1000, 16}, {1000, 7}, {17, 16}, {96, 32}, {5000, 1}}) {
                int n = nc[0], chunk = nc[1];
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                for (int repeat = 0; repeat < 20; repeat++) {
                    pool.parallelForChunks(n, chunk, (worker, from, to) -> {
                        assertTrue(worker >= 0 && worker < 3, "worker " + worker);
                        assertTrue(to - from <= chunk && from < to, from + ".." + to);
                        for (int i = from; i < to; i++) runs.incrementAndGet(i);
                    }, Long.MAX_VALUE);
                }
                for (int i = 0; i < n; i++) assertEquals(20, runs.get(i), "index " + i + " of " + n);
            }
        }
    }

    /** A range that is one chunk, or work below the threshold, runs on the caller in one call. */
    @Test
    void smallWorkRunsOnTheCallerAlone() {
        try (ComputePool pool = new ComputePool(2)) {
            int[] calls = new int[1];
            Thread caller = Thread.currentThread();
            RangeTask task = (worker, from, to) -> {
                assertEquals(caller, Thread.currentThread());
                assertEquals(0, from);
                assertEquals(64, to);
                calls[0]++;
            };
            pool.parallelForChunks(64, 64, task, Long.MAX_VALUE);
            pool.parallelForChunks(64, 8, task, ComputePool.MIN_PARALLEL_WORK - 1);
            assertEquals(2, calls[0]);
        }
    }

    /** A failure in any chunk reaches the caller; the pool stays usable. */
    @Test
    void aFailingChunkFailsTheCall() {
        try (ComputePool pool = new ComputePool(2)) {
            assertThrows(IllegalStateException.class, () -> pool.parallelForChunks(1000, 10, (worker, from, to) -> {
                if (from == 500) throw new IllegalStateException("chunk at 500");
            }, Long.MAX_VALUE));
            AtomicIntegerArray runs = new AtomicIntegerArray(100);
            pool.parallelForChunks(100, 10, (worker, from, to) -> {
                for (int i = from; i < to; i++) runs.incrementAndGet(i);
            }, Long.MAX_VALUE);
            for (int i = 0; i < 100; i++) assertEquals(1, runs.get(i));
            assertThrows(IllegalArgumentException.class, () -> pool.parallelForChunks(10, 0, (w, f, t) -> { }, 1));
        }
    }
}
