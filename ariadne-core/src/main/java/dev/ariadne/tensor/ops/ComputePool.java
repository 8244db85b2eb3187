package dev.ariadne.tensor.ops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's own compute threads (never the common pool). {@link #parallelFor} splits a range into one contiguous
 * part per thread, runs part 0 on the caller and waits for the rest; {@link #parallelForChunks} hands the range out
 * in chunks to whichever thread is free. A forward pass dispatches hundreds of short
 * tasks per token, so workers spin briefly on a generation counter before parking: a park/unpark round trip
 * (tens of microseconds) per task would cost more than the task.
 */
public final class ComputePool implements AutoCloseable {
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private volatile long generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile RangeTask task;
    private volatile int count;
    private volatile int chunk; // 0: one contiguous part per thread; else the size of the chunks handed out by next
    private final AtomicInteger next = new AtomicInteger();
    private volatile Throwable failure;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, found " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int worker = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("ariadne-compute-" + worker).start(() -> loop(worker));
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Below this many multiply-adds a task runs on the caller alone: waking a worker costs more than it saves (tiny
     * models such as stories260K would otherwise spend their time in hand-offs).
     */
    public static final long MIN_PARALLEL_WORK = 32_768;

    /** As {@link #parallelFor(int, RangeTask)}, on the caller alone when {@code work} is below the threshold. */
    public void parallelFor(int n, RangeTask task, long work) {
        if (work < MIN_PARALLEL_WORK) {
            if (n > 0) task.run(0, 0, n);
            return;
        }
        parallelFor(n, task);
    }

    /** Runs {@code task} over {@code [0, n)} split into one part per thread; returns when all parts are done. */
    public void parallelFor(int n, RangeTask task) {
        parallelFor(n, 0, task);
    }

    /**
     * As {@link #parallelFor(int, RangeTask, long)}, with the range handed out in chunks of {@code chunk} to
     * whichever thread is free (a shared counter), so that a thread that runs slower, or starts late because it had
     * to be woken, takes fewer chunks instead of holding the others at the barrier. {@code task.run} may then be
     * called several times per worker.
     */
    public void parallelForChunks(int n, int chunk, RangeTask task, long work) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1, found " + chunk);
        if (work < MIN_PARALLEL_WORK || n <= chunk) {
            if (n > 0) task.run(0, 0, n);
            return;
        }
        parallelFor(n, chunk, task);
    }

    private void parallelFor(int n, int chunk, RangeTask task) {
        if (n <= 0) return;
        if (threads == 1 || n == 1) {
            task.run(0, 0, n);
            return;
        }
        this.task = task;
        this.count = n;
        this.chunk = chunk;
        next.set(0);
        this.failure = null;
        pending.set(workers.length);
        generation = generation + 1; // publishes task and count to the workers
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            runPart(0, task, n);
        } catch (Throwable t) {
            failure = t; // reported below, once the workers are done with this task
        }
        while (pending.get() != 0) {
            Thread.onSpinWait();
        }
        this.task = null;
        Throwable t = failure;
        if (t != null) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        }
    }

    private void runPart(int worker, RangeTask t, int n) {
        int c = chunk;
        if (c > 0) {
            for (int from = next.getAndAdd(c); from < n; from = next.getAndAdd(c)) {
                t.run(worker, from, Math.min(n, from + c));
            }
            return;
        }
        int from = (int) ((long) n * worker / threads);
        int to = (int) ((long) n * (worker + 1) / threads);
        if (from < to) {
            t.run(worker, from, to);
        }
    }

    private void loop(int worker) {
        long seen = 0;
        while (true) {
            long spinStart = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000);
                }
            }
            if (closed) return;
            seen = generation;
            try {
                runPart(worker, task, count);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
