package dev.ariadne.tensor.ops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's own compute threads (never the common pool). {@link #parallelFor} splits a range into one contiguous
 * part per thread, runs part 0 on the caller and waits for the rest; {@link #parallelForChunks} runs each part in
 * chunks and lets a thread that is done take the chunks another has not reached. A forward pass dispatches hundreds
 * of short tasks per token, so workers spin briefly on a generation counter before parking: a park/unpark round
 * trip (tens of microseconds) per task would cost more than the task.
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
    private volatile int chunk; // 0: one contiguous part per thread; else the size of the chunks of each part
    /** Per part: the start of its next chunk, at index PAD * part (a cache line apart). */
    private final AtomicIntegerArray nextChunk;
    private static final int PAD = 16;
    private volatile Throwable failure;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, found " + threads);
        }
        this.threads = threads;
        this.nextChunk = new AtomicIntegerArray(PAD * threads);
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
     * As {@link #parallelFor(int, RangeTask, long)}, each thread's part run in chunks of {@code chunk} from a
     * counter, and a thread that is done takes the chunks of other parts that their threads have not reached: a
     * thread that runs slower, or starts late because it had to be woken, no longer holds the others at the
     * barrier. {@code task.run} may then be called several times per worker, and chunks end at part boundaries.
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
        if (chunk > 0) {
            for (int part = 0; part < threads; part++) nextChunk.set(PAD * part, partStart(n, part));
        }
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

    private int partStart(int n, int part) {
        return (int) ((long) n * part / threads);
    }

    private void runPart(int worker, RangeTask t, int n) {
        int c = chunk;
        if (c > 0) {
            // Own part first, front to back (one stream for the hardware prefetchers), then the chunks the other
            // parts' threads have not reached yet.
            for (int k = 0; k < threads; k++) {
                int part = (worker + k) % threads, end = partStart(n, part + 1);
                for (int from = nextChunk.getAndAdd(PAD * part, c); from < end;
                     from = nextChunk.getAndAdd(PAD * part, c)) {
                    t.run(worker, from, Math.min(end, from + c));
                }
            }
            return;
        }
        int from = partStart(n, worker), to = partStart(n, worker + 1);
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
