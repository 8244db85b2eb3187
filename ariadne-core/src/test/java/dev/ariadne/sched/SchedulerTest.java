package dev.ariadne.sched;

import dev.ariadne.kv.BlockPool;
import dev.ariadne.kv.KvCacheManager;
import dev.ariadne.kv.SwapSlots;
import dev.ariadne.sample.SamplingParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler alone, with fake model output (no model): budgets, chunking, prefix hits, preemption and resume,
 * aborts. Every test ends with the leak invariant: no request left, every block free with reference count 0.
 */
class SchedulerTest {
    private static final int BLOCK = 4;
    private Scheduler s;
    private long nextId;

    private Scheduler scheduler(int blocks, int budget, int maxSeqs, boolean chunked, PreemptionMode mode,
                                int swapSlots) {
        var kv = new KvCacheManager(new BlockPool(blocks), BLOCK, true, 0);
        s = new Scheduler(new SchedulerConfig(budget, maxSeqs, 64, chunked, mode), kv,
                swapSlots > 0 ? new SwapSlots(swapSlots) : null);
        return s;
    }

    private Request request(int promptLen, int maxTokens) {
        return request(promptLen, maxTokens, 0);
    }

    private Request request(int promptLen, int maxTokens, int firstToken) {
        int[] p = new int[promptLen];
        for (int i = 0; i < promptLen; i++) p[i] = firstToken + i;
        Request r = new Request(nextId++, p, SamplingParams.greedy(maxTokens), 64, 0);
        s.add(r);
        return r;
    }

    /** The fake model: the next token of a request is a function of its length, so resumption is checkable. */
    private List<Request> step(SchedulerOutput out) {
        int[] sampled = new int[out.chunks().size()];
        for (int i = 0; i < sampled.length; i++) {
            ScheduledChunk c = out.chunks().get(i);
            sampled[i] = 1000 + c.request().numTokens();
        }
        return s.update(out, sampled);
    }

    private void runToEnd(int maxSteps) {
        for (int i = 0; i < maxSteps && s.hasUnfinished(); i++) step(s.schedule());
        assertFalse(s.hasUnfinished(), "requests left after " + maxSteps + " steps");
    }

    @AfterEach
    void leakInvariant() {
        if (s == null) return;
        for (int i = 0; i < 10_000 && s.hasUnfinished(); i++) step(s.schedule());
        assertTrue(s.isDrained(), "leak: requests or blocks left behind");
    }

    @Test
    void chunksLongPromptsToTheBudgetAndDecodesFirst() {
        scheduler(64, 8, 4, true, PreemptionMode.RECOMPUTE, 0);
        Request a = request(5, 3);
        Request b = request(13, 2);
        SchedulerOutput o1 = s.schedule();
        assertEquals(2, o1.chunks().size());
        assertEquals(5, o1.chunks().get(0).numTokens());
        assertEquals(3, o1.chunks().get(1).numTokens(), "b gets what is left of the budget of 8");
        assertEquals(8, o1.numTokens());
        step(o1);
        assertEquals(1, a.numOutputTokens());
        assertEquals(0, b.numOutputTokens());
        SchedulerOutput o2 = s.schedule();
        assertEquals(a, o2.chunks().get(0).request(), "the decode comes first");
        assertEquals(1, o2.chunks().get(0).numTokens());
        assertEquals(7, o2.chunks().get(1).numTokens());
        assertEquals(3, o2.chunks().get(1).start());
        step(o2);
        SchedulerOutput o3 = s.schedule();
        assertEquals(3, o3.chunks().get(1).numTokens(), "b's last 3 prompt tokens");
        assertTrue(o3.chunks().get(1).samples());
        step(o3);
        runToEnd(10);
        assertEquals(RequestStatus.FINISHED_LENGTH, a.status());
        assertArrayEquals(new int[] {1005, 1006, 1007}, a.outputIds());
    }

    @Test
    void withoutChunkingAPromptWaitsForAWholeBudget() {
        scheduler(64, 64, 4, false, PreemptionMode.RECOMPUTE, 0);
        request(40, 2);
        request(30, 2);
        SchedulerOutput o = s.schedule();
        assertEquals(1, o.chunks().size(), "the second prompt does not fit in what is left (24)");
        assertEquals(40, o.numTokens());
        step(o);
        runToEnd(10);
    }

    @Test
    void sequenceCapLimitsTheRunningSet() {
        scheduler(64, 100, 2, true, PreemptionMode.RECOMPUTE, 0);
        for (int i = 0; i < 5; i++) request(3, 4);
        SchedulerOutput o = s.schedule();
        assertEquals(2, o.chunks().size());
        assertEquals(3, s.numWaiting());
        step(o);
        runToEnd(50);
    }

    @Test
    void prefixHitSkipsCachedBlocks() {
        scheduler(64, 64, 4, true, PreemptionMode.RECOMPUTE, 0);
        Request a = request(10, 1, 7);
        runToEnd(5);
        Request b = request(10, 1, 7);               // same prompt: blocks 0 and 1 (8 tokens) are cached
        SchedulerOutput o = s.schedule();
        assertEquals(8, b.numCachedTokens());
        assertEquals(8, o.chunks().getFirst().start());
        assertEquals(2, o.chunks().getFirst().numTokens());
        step(o);
        assertArrayEquals(a.outputIds(), b.outputIds());
        Request c = request(9, 1, 8);                 // a different first token: no hit
        step(s.schedule());
        assertEquals(0, c.numCachedTokens());
    }

    @Test
    void recomputePreemptionTakesTheNewestAndItResumesWithTheSameOutput() {
        // 6 blocks of 4 = 24 slots; three requests of 6 + 6 tokens need 3 blocks each at the end.
        scheduler(6, 64, 4, true, PreemptionMode.RECOMPUTE, 0);
        Request a = request(6, 6, 10), b = request(6, 6, 20), c = request(6, 6, 30);
        boolean preempted = false;
        for (int i = 0; i < 100 && s.hasUnfinished(); i++) {
            SchedulerOutput o = s.schedule();
            for (Request v : o.preempted()) {
                preempted = true;
                assertTrue(o.preempted().getFirst().id() >= a.id());
                long newestRunning = o.chunks().stream().mapToLong(ch -> ch.request().id()).max().orElse(-1);
                assertTrue(v.id() > newestRunning, "the newest request is preempted first");
                assertEquals(0, v.numComputedTokens());
            }
            step(o);
        }
        assertTrue(preempted, "the cache was too small: someone must have been preempted");
        assertTrue(c.numPreemptions() > 0);
        for (Request r : List.of(a, b, c)) {
            assertEquals(RequestStatus.FINISHED_LENGTH, r.status());
            int[] expected = new int[6];
            for (int i = 0; i < 6; i++) expected[i] = 1000 + 6 + i;
            assertArrayEquals(expected, r.outputIds(), "same output as without preemption");
        }
    }

    @Test
    void swapPreemptionKeepsComputedTokensAndCopiesBlocksBack() {
        scheduler(6, 64, 4, true, PreemptionMode.SWAP, 16);
        Request a = request(6, 6, 10), b = request(6, 6, 20), c = request(6, 6, 30);
        List<BlockCopy> out = new ArrayList<>(), in = new ArrayList<>();
        for (int i = 0; i < 100 && s.hasUnfinished(); i++) {
            SchedulerOutput o = s.schedule();
            assertFalse(!o.swapOut().isEmpty() && !o.swapIn().isEmpty(), "never both in one step");
            for (Request v : o.preempted()) {
                assertTrue(v.isSwapped());
                assertTrue(v.numComputedTokens() > 0, "swap keeps the computed tokens");
            }
            out.addAll(o.swapOut());
            in.addAll(o.swapIn());
            for (ScheduledChunk ch : o.chunks()) {
                if (ch.request().numPreemptions() > 0 && ch.start() > 0) {
                    assertTrue(ch.start() >= ch.request().numComputedTokens());
                }
            }
            step(o);
        }
        assertFalse(out.isEmpty(), "someone was swapped out");
        assertEquals(out.size(), in.size(), "every swapped block came back");
        for (Request r : List.of(a, b, c)) assertEquals(6, r.numOutputTokens());
    }

    @Test
    void abortFreesBlocksAtOnce() {
        scheduler(8, 64, 4, true, PreemptionMode.RECOMPUTE, 0);
        Request a = request(10, 20);
        step(s.schedule());
        assertTrue(s.kvCacheManager().numFreeBlocks() < 8);
        assertTrue(s.finish(a.id(), RequestStatus.FINISHED_ABORTED));
        assertEquals(RequestStatus.FINISHED_ABORTED, a.status());
        assertEquals(8, s.kvCacheManager().numFreeBlocks());
        assertFalse(s.finish(a.id(), RequestStatus.FINISHED_ABORTED));
        Request w = request(3, 2);                   // aborted while waiting
        s.finish(w.id(), RequestStatus.FINISHED_ABORTED);
        assertEquals(0, s.numWaiting());
        assertTrue(s.schedule().isEmpty());
        assertFalse(s.hasUnfinished());
    }

    @Test
    void requestsThatCanNeverRunAreRejectedAtAdmission() {
        scheduler(4, 64, 4, true, PreemptionMode.RECOMPUTE, 0); // 16 slots
        var tooMuchKv = assertThrows(IllegalArgumentException.class, () -> request(10, 20));
        assertTrue(tooMuchKv.getMessage().contains("16 tokens"), tooMuchKv.getMessage());
        var overLimit = assertThrows(IllegalArgumentException.class, () -> request(64, 1));
        assertTrue(overLimit.getMessage().contains("maximum model length is 64"), overLimit.getMessage());
        assertThrows(IllegalArgumentException.class, () -> request(3, 0));
        assertFalse(s.hasUnfinished());
        assertNotNull(request(10, 6));               // 16 tokens fit exactly
        runToEnd(20);
    }

    @Test
    void stopTokenFinishesWithStop() {
        scheduler(16, 64, 4, true, PreemptionMode.RECOMPUTE, 0);
        int[] p = {1, 2, 3};
        Request r = new Request(nextId++, p, new SamplingParams(0f, 1f, 0, 0, 10, new int[] {1005}, false), 64, 0);
        s.add(r);
        runToEnd(10);
        assertEquals(RequestStatus.FINISHED_STOPPED, r.status());
        assertArrayEquals(new int[] {1003, 1004, 1005}, r.outputIds());
    }
}
