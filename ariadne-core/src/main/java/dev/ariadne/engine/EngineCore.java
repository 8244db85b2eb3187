package dev.ariadne.engine;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.sched.Request;
import dev.ariadne.sched.RequestStatus;
import dev.ariadne.sched.Scheduler;
import dev.ariadne.sched.ScheduledChunk;
import dev.ariadne.sched.SchedulerOutput;
import dev.ariadne.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine loop's single owner of the scheduler and the KV state (vLLM's {@code EngineCore}). One step is
 * schedule, execute, update, then hand each new token to its request's output processor and listener. Not
 * thread-safe: one thread drives it (the in-process {@link LLM} facade, or the server's engine thread).
 */
public final class EngineCore implements AutoCloseable {
    private final Scheduler scheduler;
    private final ModelRunner runner;
    private final Tokenizer tokenizer;          // null without one
    private final int maxModelLen;
    private final int unscaledUpTo;             // requests of at most this many tokens run unscaled; 0: none
    private final Map<Long, Tracked> tracked = new HashMap<>();
    private long nextId;
    private long steps;
    private final StepStats stats = new StepStats();

    private record Tracked(Request request, RequestListener listener, OutputProcessor output, long arrivalNanos,
                           long[] firstTokenNanos, List<SampleLogprobs> logprobs) {
    }

    /**
     * @param unscaledUpTo per-request rope scaling: a request whose prompt plus max tokens (capped by the max model
     *                     length) is at most this runs without the model's scaling; 0 runs every request with it
     */
    EngineCore(Scheduler scheduler, ModelRunner runner, Tokenizer tokenizer, int maxModelLen, int unscaledUpTo) {
        this.scheduler = scheduler;
        this.runner = runner;
        this.tokenizer = tokenizer;
        this.maxModelLen = maxModelLen;
        this.unscaledUpTo = unscaledUpTo;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public long steps() {
        return steps;
    }

    /** Step time split into decode-only and prompt-computing steps (for benchmarks and metrics). */
    public StepStats stats() {
        return stats;
    }

    /**
     * Queues a request; its output goes to {@code listener}. Throws {@link IllegalArgumentException} (and queues
     * nothing) for a request that can never run.
     *
     * With per-request rope scaling the request's choice (unscaled or scaled) is made here, once, from its prompt
     * plus max tokens: {@link Request#ropeUnscaled()}.
     *
     * @param cacheSalt separates its prefix-cache blocks from requests with a different salt (0 shares all)
     * @return the request's id
     */
    public long add(int[] promptIds, SamplingParams params, List<String> stopStrings, long cacheSalt,
                    RequestListener listener) {
        OutputProcessor out = new OutputProcessor(tokenizer, stopStrings);
        long total = Math.min((long) promptIds.length + params.maxTokens(), Math.max(maxModelLen, promptIds.length));
        Request r = new Request(nextId, promptIds, params, maxModelLen, cacheSalt ^ lengthSalt(promptIds.length),
                total <= unscaledUpTo);
        scheduler.add(r);
        nextId++;
        tracked.put(r.id(), new Tracked(r, listener, out, System.nanoTime(), new long[1],
                params.logprobs() >= 0 ? new ArrayList<>() : null));
        return r.id();
    }

    /**
     * Dual Chunk Attention with {@code original_max_position_embeddings} scales a prompt's keys by a factor of its
     * length: prompts whose factors differ must not share cached blocks (0 where the factor is 1, so they share).
     */
    private long lengthSalt(int promptLength) {
        DcaConfig dca = runner.config().dualChunk();
        float scale = dca == null ? 1f : dca.lengthScale(promptLength);
        return scale == 1f ? 0 : 0x5DCA_0000_0000_0000L | Float.floatToIntBits(scale);
    }

    /** Ends a request now (its client is gone): its blocks are freed at once. False if it already finished. */
    public boolean abort(long id) {
        Tracked t = tracked.get(id);
        if (t == null) return false;
        scheduler.finish(id, RequestStatus.FINISHED_ABORTED);
        complete(t);
        return true;
    }

    public boolean hasUnfinished() {
        return scheduler.hasUnfinished();
    }

    /** One engine step; returns false when there was nothing to do. */
    public boolean step() {
        long start = System.nanoTime();
        SchedulerOutput out = scheduler.schedule();
        if (out.isEmpty()) return false;
        int[] sampled = runner.execute(out, scheduler.kvCacheManager());
        List<Request> advanced = scheduler.update(out, sampled);
        steps++;
        long now = System.nanoTime();
        stats.record(out, advanced.size(), now - start);
        List<ScheduledChunk> chunks = out.chunks();
        for (int i = 0; i < chunks.size(); i++) {
            SampleLogprobs lp = runner.logprobs(i);
            if (lp != null) tracked.get(chunks.get(i).request().id()).logprobs.add(lp);
        }
        for (Request r : advanced) {
            Tracked t = tracked.get(r.id());
            int index = r.numOutputTokens() - 1;
            int token = r.outputToken(index);
            if (index == 0) t.firstTokenNanos[0] = now;
            String delta = t.output.push(token);
            if (t.output.stopped() && !r.status().isFinished()) {
                scheduler.finish(r.id(), RequestStatus.FINISHED_STOPPED);
            }
            t.listener.onToken(r.id(), index, token, delta,
                    t.logprobs != null ? t.logprobs.get(t.logprobs.size() - 1) : null);
            if (r.status().isFinished()) complete(t);
        }
        return true;
    }

    private void complete(Tracked t) {
        tracked.remove(t.request.id());
        Request r = t.request;
        String rest = t.output.finish();
        if (!rest.isEmpty() && r.numOutputTokens() > 0) {
            t.listener.onToken(r.id(), -1, -1, rest, null);
        }
        Object stopReason = t.output.stopString();
        if (stopReason == null && r.status() == RequestStatus.FINISHED_STOPPED && r.numOutputTokens() > 0) {
            stopReason = r.outputToken(r.numOutputTokens() - 1);
        }
        t.listener.onFinish(new RequestOutput(r.id(), java.util.Arrays.copyOf(r.tokens(), r.promptLength()),
                r.outputIds(), t.output.text(), r.status().finishReason(), stopReason, r.numCachedTokens(),
                r.numPreemptions(), t.arrivalNanos, t.firstTokenNanos[0], System.nanoTime(),
                t.logprobs != null ? List.copyOf(t.logprobs) : null));
    }

    /** Aborts what is still running and releases the KV cache memory. */
    @Override
    public void close() {
        for (long id : List.copyOf(tracked.keySet())) abort(id);
        runner.close();
    }
}
