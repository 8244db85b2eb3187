package dev.ariadne.sched;

import dev.ariadne.kv.BlockTable;
import dev.ariadne.kv.CachedPrefix;
import dev.ariadne.kv.KvCacheManager;
import dev.ariadne.kv.SwapSlots;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides what each step computes, as vLLM v1's scheduler: no prefill or decode phases, only requests with a
 * number of computed tokens and a token budget per step. Each step schedules the running requests first (those
 * decoding, then those still computing their prompt), then admits waiting ones while the budget, the sequence cap
 * and the free blocks allow; long prompts are cut into chunks of what is left of the budget. When blocks run out,
 * the newest running request is preempted (its KV dropped for recompute, or copied to the swap tier) and resumes
 * first when room returns. Pure bookkeeping, tested with fake model output; the engine thread is its only user.
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final KvCacheManager kv;
    private final SwapSlots swap;                       // null without --swap-space
    private final Deque<Request> waiting = new ArrayDeque<>();
    private final List<Request> running = new ArrayList<>();
    private final Map<Long, Request> live = new HashMap<>();

    public Scheduler(SchedulerConfig config, KvCacheManager kv, SwapSlots swap) {
        this.config = config;
        this.kv = kv;
        this.swap = swap;
    }

    public SchedulerConfig config() {
        return config;
    }

    public KvCacheManager kvCacheManager() {
        return kv;
    }

    /** Tokens the KV cache holds in all. */
    public long capacityTokens() {
        return (long) kv.pool().numBlocks() * kv.blockSize();
    }

    /**
     * Queues a request. Rejects, with the reason, one that could never run: an empty prompt, no room for an output
     * token within the max model length, or more KV than the whole cache holds (it would preempt itself forever).
     */
    public void add(Request r) {
        if (r.params().maxTokens() < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, found " + r.params().maxTokens());
        }
        if (r.promptLength() >= config.maxModelLen()) {
            throw new IllegalArgumentException("the prompt has " + r.promptLength() + " tokens, but the maximum"
                    + " model length is " + config.maxModelLen() + " (prompt plus at least one generated token)");
        }
        long needed = kv.blocksFor(r.maxTokensTotal());
        if (needed > kv.pool().numBlocks()) {
            throw new IllegalArgumentException("the request needs up to " + r.maxTokensTotal() + " tokens of KV cache ("
                    + needed + " blocks) but the whole cache holds " + capacityTokens() + " tokens ("
                    + kv.pool().numBlocks() + " blocks); lower max_tokens or shorten the prompt");
        }
        if (live.putIfAbsent(r.id(), r) != null) {
            throw new IllegalArgumentException("request id " + r.id() + " is already queued");
        }
        r.status = RequestStatus.WAITING;
        waiting.addLast(r);
    }

    public boolean hasUnfinished() {
        return !live.isEmpty();
    }

    public int numWaiting() {
        return waiting.size();
    }

    public int numRunning() {
        return running.size();
    }

    public Request request(long id) {
        return live.get(id);
    }

    /** Plans one step. */
    public SchedulerOutput schedule() {
        Step step = new Step(config.maxNumBatchedTokens());
        for (Request r : running) r.scheduledThisStep = false; // a step whose results were never applied is void
        List<Request> order = List.copyOf(running);
        // Decodes first (one token each, latency-critical), then running prompts that still have chunks left.
        for (int pass = 0; pass < 2; pass++) {
            for (Request r : order) {
                if (step.budget == 0) break;
                if (r.status != RequestStatus.RUNNING || r.scheduledThisStep) continue;
                boolean decoding = r.numOutputTokens() > 0 && r.numTokens - r.numComputedTokens == 1;
                if (decoding != (pass == 0)) continue;
                scheduleRunning(r, step);
            }
        }
        // Admit waiting requests only when nothing was preempted: what was just freed would be taken straight back
        // (vLLM does the same), and it keeps swap-outs and swap-ins out of the same step.
        if (step.preempted.isEmpty()) {
            while (!waiting.isEmpty() && step.budget > 0 && running.size() < config.maxNumSeqs()) {
                if (!admit(waiting.peekFirst(), step)) break;
                waiting.pollFirst();
            }
        }
        return new SchedulerOutput(step.chunks, config.maxNumBatchedTokens() - step.budget, step.swapOut,
                step.swapIn, step.preempted);
    }

    private void scheduleRunning(Request r, Step step) {
        int n = Math.min(r.numTokens - r.numComputedTokens, step.budget);
        while (!kv.allocateSlots(r.id(), r.numComputedTokens, n, CachedPrefix.NONE)) {
            Request victim = newestRunning();
            preempt(victim, step);
            if (victim == r) return;
        }
        step.add(r, r.numComputedTokens, n);
    }

    private boolean admit(Request r, Step step) {
        int remaining;
        CachedPrefix prefix = CachedPrefix.NONE;
        if (r.isSwapped()) {
            remaining = r.numTokens - r.numComputedTokens;
        } else {
            prefix = kv.cachedPrefix(r.tokens(), r.numTokens, r.cacheSalt(), r.ropeUnscaled());
            remaining = r.numTokens - prefix.numTokens();
        }
        if (!config.chunkedPrefill() && remaining > step.budget) return false;
        int n = Math.min(remaining, step.budget);
        if (r.isSwapped()) {
            if (!kv.allocateSlots(r.id(), 0, r.numComputedTokens + n, CachedPrefix.NONE)) return false;
            BlockTable table = kv.table(r.id());
            for (int i = 0; i < r.swapSlots.length; i++) {
                step.swapIn.add(new BlockCopy(table.blockId(i), r.swapSlots[i]));
                swap.release(r.swapSlots[i]);
            }
            r.swapSlots = null;
        } else {
            if (!kv.allocateSlots(r.id(), prefix.numTokens(), n, prefix)) return false;
            r.numComputedTokens = prefix.numTokens();
            r.numCachedTokens = prefix.numTokens();
        }
        r.status = RequestStatus.RUNNING;
        running.add(r);
        step.add(r, r.numComputedTokens, n);
        return true;
    }

    private Request newestRunning() {
        Request newest = null;
        for (Request r : running) {
            if (newest == null || r.id() > newest.id()) newest = r;
        }
        return newest;
    }

    /** Frees a running request's blocks (after copying them to swap when that mode has room) and requeues it first. */
    private void preempt(Request v, Step step) {
        if (v.scheduledThisStep) step.remove(v);
        running.remove(v);
        int computedBlocks = kv.blocksFor(v.numComputedTokens);
        if (config.preemptionMode() == PreemptionMode.SWAP && swap != null && computedBlocks > 0
                && swap.numFree() >= computedBlocks) {
            BlockTable table = kv.table(v.id());
            v.swapSlots = new int[computedBlocks];
            for (int i = 0; i < computedBlocks; i++) {
                v.swapSlots[i] = swap.allocate();
                step.swapOut.add(new BlockCopy(table.blockId(i), v.swapSlots[i]));
            }
        } else {
            v.numComputedTokens = 0; // recompute: the prefix cache may still hold its full blocks
        }
        kv.free(v.id());
        v.status = RequestStatus.PREEMPTED;
        v.numPreemptions++;
        waiting.addFirst(v);
        step.preempted.add(v);
    }

    /**
     * Applies a step's results: advances each scheduled request by its chunk, registers its newly full blocks in
     * the prefix cache, and appends the sampled token where the chunk reached the end.
     *
     * @param sampled per chunk of {@code out}, the sampled token id (ignored for chunks that do not sample)
     * @return the requests that received a token this step, finished ones included
     */
    public List<Request> update(SchedulerOutput out, int[] sampled) {
        List<Request> advanced = new ArrayList<>();
        List<ScheduledChunk> chunks = out.chunks();
        for (int i = 0; i < chunks.size(); i++) {
            ScheduledChunk c = chunks.get(i);
            Request r = c.request();
            r.scheduledThisStep = false;
            if (r.status != RequestStatus.RUNNING) continue;
            boolean samples = c.samples();
            r.numComputedTokens += c.numTokens();
            kv.cacheFullBlocks(r.id(), r.tokens(), r.numComputedTokens, r.cacheSalt(), r.ropeUnscaled());
            if (!samples) continue;
            int token = sampled[i];
            r.append(token);
            advanced.add(r);
            if (r.params().stopsAt(token)) {
                finish(r, RequestStatus.FINISHED_STOPPED);
            } else if (r.numOutputTokens() >= r.params().maxTokens() || r.numTokens >= r.maxTokensTotal()) {
                finish(r, RequestStatus.FINISHED_LENGTH);
            }
        }
        return advanced;
    }

    /** Ends a request now (client gone, stop string matched): its blocks and swap slots are freed at once. */
    public boolean finish(long id, RequestStatus status) {
        Request r = live.get(id);
        if (r == null) return false;
        finish(r, status);
        return true;
    }

    private void finish(Request r, RequestStatus status) {
        if (!status.isFinished()) throw new IllegalArgumentException(status + " is not a finished status");
        live.remove(r.id());
        if (!running.remove(r)) waiting.remove(r);
        kv.free(r.id());
        if (r.swapSlots != null) {
            for (int s : r.swapSlots) swap.release(s);
            r.swapSlots = null;
        }
        r.scheduledThisStep = false;
        r.status = status;
    }

    /** The leak invariant: no request left, every block free with reference count 0, every swap slot free. */
    public boolean isDrained() {
        return live.isEmpty() && running.isEmpty() && waiting.isEmpty() && kv.numRequests() == 0
                && kv.pool().allFree() && (swap == null || swap.allFree());
    }

    /** The chunks of one step being planned. */
    private static final class Step {
        int budget;
        final List<ScheduledChunk> chunks = new ArrayList<>();
        final List<BlockCopy> swapOut = new ArrayList<>();
        final List<BlockCopy> swapIn = new ArrayList<>();
        final List<Request> preempted = new ArrayList<>();

        Step(int budget) {
            this.budget = budget;
        }

        void add(Request r, int start, int n) {
            chunks.add(new ScheduledChunk(r, start, n));
            r.scheduledThisStep = true;
            budget -= n;
        }

        void remove(Request r) {
            for (int i = 0; i < chunks.size(); i++) {
                if (chunks.get(i).request() == r) {
                    budget += chunks.remove(i).numTokens();
                    break;
                }
            }
            r.scheduledThisStep = false;
        }
    }
}
