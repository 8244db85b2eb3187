package dev.ariadne.server.openai;

import dev.ariadne.engine.EngineCore;
import dev.ariadne.engine.RequestListener;
import dev.ariadne.engine.RequestOutput;
import dev.ariadne.kv.BlockPool;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.sched.Scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's engine thread: the single owner of the {@link EngineCore}. HTTP threads never touch the engine; they
 * {@link #submit} and {@link #abort} through a command queue that the loop drains before every step (vLLM's
 * AsyncLLM / EngineCore split, in one process). The loop parks when there is nothing to run.
 *
 * <pre>
 *  HTTP thread --submit/abort--> commands --drain--> engine thread: add/abort, step() --listener--> ChoiceEvents
 * </pre>
 */
public final class EngineLoop implements AutoCloseable {
    private final EngineCore engine;
    private final ServingMetrics metrics;
    private final int maxInFlight;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<Long, Submission> live = new HashMap<>();  // engine thread only
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String deadReason;
    private volatile Snapshot snapshot = new Snapshot(0, 0, 0, 0, 0, 0);

    /**
     * What the metrics and health endpoints read, published by the engine thread after each step.
     *
     * @param kvUsage fraction of KV blocks in use
     */
    public record Snapshot(int running, int waiting, double kvUsage, long prefixQueriedTokens, long prefixHitTokens,
                           long steps) {
    }

    /** One submitted choice; the HTTP thread keeps it to abort. */
    public static final class Submission {
        private final ChoiceEvents events;
        private final int choice;
        private volatile boolean aborted;
        private long id = -1;                 // engine thread only
        private long lastTokenNanos;          // engine thread only
        private boolean finished;             // engine thread only

        private Submission(ChoiceEvents events, int choice) {
            this.events = events;
            this.choice = choice;
        }
    }

    public EngineLoop(EngineCore engine, ServingMetrics metrics, int maxInFlight) {
        this.engine = engine;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.thread = Thread.ofPlatform().name("ariadne-engine").daemon(true).unstarted(this::run);
        thread.start();
    }

    /**
     * Queues one choice. Throws {@link ApiError} 503 when the server already holds its most requests or the engine
     * has failed; the engine's own refusal (a request that can never fit) arrives as a {@link ChoiceEvents.Failed}.
     */
    public Submission submit(int[] prompt, SamplingParams params, long cacheSalt, ChoiceEvents events, int choice) {
        if (deadReason != null) throw ApiError.unavailable("the engine has stopped: " + deadReason);
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            throw ApiError.unavailable("the server is at its limit of " + maxInFlight
                    + " queued requests (--max-queued-requests); retry later");
        }
        Submission s = new Submission(events, choice);
        command(() -> add(s, prompt, params, cacheSalt));
        return s;
    }

    /** Ends a choice whose client went away: its KV blocks are freed on the engine thread's next turn. */
    public void abort(Submission s) {
        s.aborted = true;
        command(() -> {
            if (s.id >= 0 && !s.finished) engine.abort(s.id);
        });
    }

    /** Requests submitted and not yet finished (queued commands included). */
    public int inFlight() {
        return inFlight.get();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Why the engine stopped, or null while it runs. */
    public String deadReason() {
        return deadReason;
    }

    /** Runs {@code task} on the engine thread and waits for it (tests read engine state this way). */
    public <T> T call(java.util.function.Function<EngineCore, T> task) throws InterruptedException {
        var result = new java.util.concurrent.CompletableFuture<T>();
        command(() -> {
            try {
                result.complete(task.apply(engine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void command(Runnable r) {
        commands.add(r);
        LockSupport.unpark(thread);
    }

    private void add(Submission s, int[] prompt, SamplingParams params, long salt) {
        if (s.aborted) {
            release(s);
            return;
        }
        try {
            s.id = engine.add(prompt, params, params.stop(), salt, new Listener(s));
            live.put(s.id, s);
        } catch (IllegalArgumentException e) {
            s.events.offer(new ChoiceEvents.Failed(s.choice, e.getMessage(), true));
            release(s);
        }
    }

    private void release(Submission s) {
        s.finished = true;
        inFlight.decrementAndGet();
    }

    private void run() {
        while (running) {
            for (Runnable r; (r = commands.poll()) != null; ) r.run();
            boolean worked = false;
            if (deadReason == null && engine.hasUnfinished()) {
                try {
                    worked = engine.step();
                } catch (RuntimeException | Error e) {
                    fail(e);
                }
            }
            publish();
            if (!worked && commands.isEmpty() && running) LockSupport.park(this);
        }
    }

    /** A step threw: every live request fails with the reason, and the engine takes no more (vLLM's EngineDeadError). */
    private void fail(Throwable e) {
        deadReason = e.getClass().getSimpleName() + ": " + e.getMessage();
        System.err.println("ERROR engine step failed; the engine stops serving: " + deadReason);
        e.printStackTrace(System.err);
        for (Submission s : List.copyOf(live.values())) {
            s.events.offer(new ChoiceEvents.Failed(s.choice, "the engine failed: " + deadReason, false));
            live.remove(s.id);
            release(s);
        }
    }

    private void publish() {
        Scheduler sched = engine.scheduler();
        BlockPool pool = sched.kvCacheManager().pool();
        int blockSize = sched.kvCacheManager().blockSize();
        snapshot = new Snapshot(sched.numRunning(), sched.numWaiting() + pendingAdds(),
                1.0 - pool.numFree() / (double) pool.numBlocks(), pool.prefixQueriedBlocks() * blockSize,
                pool.prefixHitBlocks() * blockSize, engine.steps());
    }

    private int pendingAdds() {
        return Math.max(0, inFlight.get() - live.size());
    }

    /**
     * Stops the engine thread. Requests still live fail with "shutting down" (their threads stop waiting); the
     * engine itself, and its KV state, belong to the {@code LLM} that the caller closes next.
     */
    @Override
    public void close() {
        if (deadReason == null) deadReason = "the server is shutting down";
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            for (Submission s : List.copyOf(live.values())) {
                s.events.offer(new ChoiceEvents.Failed(s.choice, deadReason, false));
                live.remove(s.id);
                release(s);
            }
        }
    }

    /** Turns engine callbacks into events and metrics; runs on the engine thread. */
    private final class Listener implements RequestListener {
        private final Submission s;

        Listener(Submission s) {
            this.s = s;
        }

        @Override
        public void onToken(long requestId, int index, int token, String textDelta, SampleLogprobs logprobs) {
            if (index >= 0) {
                long now = System.nanoTime();
                if (index > 0) metrics.interTokenLatency(now - s.lastTokenNanos);
                s.lastTokenNanos = now;
            }
            s.events.offer(new ChoiceEvents.Token(s.choice, index, token, textDelta, logprobs));
        }

        @Override
        public void onFinish(RequestOutput out) {
            live.remove(out.requestId());
            release(s);
            metrics.finished(out);
            s.events.offer(new ChoiceEvents.Finished(s.choice, out));
        }
    }
}
