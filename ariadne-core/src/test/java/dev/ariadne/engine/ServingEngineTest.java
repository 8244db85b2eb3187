package dev.ariadne.engine;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.SchedulingConfig;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.sched.PreemptionMode;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving engine on the kit's F32 models against llama.cpp's greedy continuations (kv_f32 runs): the outputs
 * must be identical whether a request runs alone, among 15 others, in prefill chunks of 7 tokens, after a
 * prefix-cache hit, and after being preempted (recompute and swap). The 13 companions are slices of the reference
 * prompts (sharing prefixes with them), checked against their own solo runs. Every engine ends drained: no request
 * left, every block free.
 */
class ServingEngineTest {
    private static final int GEN = 32;

    record Case(int[] prompt, int[] expected) {
    }

    private static List<Case> cases(String model) {
        List<Case> refs = new ArrayList<>();
        for (Reference.Entry e : Reference.entries()) {
            if (e.model().equals(model) && e.variant().equals("kv_f32") && e.greedy() != null
                    && e.greedy().length == GEN) {
                refs.add(new Case(e.promptIds(), e.greedy()));
            }
        }
        assertTrue(refs.size() >= 3, "expected 3 kv_f32 reference runs of " + model + ", found " + refs.size());
        return refs;
    }

    /** 13 companions: prefixes of the longest reference prompt and of the others, of varied lengths. */
    private static List<int[]> companions(List<Case> refs) {
        int[] longest = refs.stream().map(Case::prompt).max((a, b) -> a.length - b.length).orElseThrow();
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            int len = Math.max(2, Math.min(longest.length - 1, 3 + i * (longest.length / 13)));
            out.add(Arrays.copyOf(longest, len));
        }
        return out;
    }

    private static LLM load(String model, UnaryOperator<EngineConfig> tweak) {
        EngineConfig base = EngineConfig.defaults(SharedKit.file(model)).withThreads(2).withKvCacheDType("f32")
                .withMaxModelLen(640, true);
        return LLM.load(tweak.apply(base), dev.ariadne.quant.KernelProvider.best(), line -> { });
    }

    private static List<int[]> prompts(List<Case> refs, List<int[]> companions) {
        List<int[]> all = new ArrayList<>();
        refs.forEach(c -> all.add(c.prompt()));
        all.addAll(companions);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"models/stories260K/stories260K.gguf", "models/llama/llama-F32.gguf",
            "models/qwen2/qwen2-F32.gguf", "models/qwen3/qwen3-F32.gguf"})
    void greedyOutputsDoNotDependOnBatchingChunkingCachingOrPreemption(String model) {
        List<Case> refs = cases(model);
        List<int[]> comps = companions(refs);
        List<int[]> all = prompts(refs, comps);
        SamplingParams greedy = SamplingParams.greedy(GEN);

        // Alone: each request by itself; the references must match llama.cpp exactly.
        List<int[]> solo = new ArrayList<>();
        try (LLM llm = load(model, c -> c)) {
            for (int[] p : all) solo.add(llm.generate(p, greedy, TokenSink.NONE).outputIds());
            assertDrained(llm);
        }
        for (int i = 0; i < refs.size(); i++) {
            assertArrayEquals(refs.get(i).expected(), solo.get(i), "alone, reference prompt " + i);
        }

        // Among 15 others, then again (the second pass hits the prefix cache for every prompt).
        try (LLM llm = load(model, c -> c)) {
            check("batch of 16", solo, llm.generate(all, greedy));
            List<Generation> again = llm.generate(all, greedy);
            check("after a prefix-cache hit", solo, again);
            int cached = again.stream().mapToInt(Generation::numCachedTokens).sum();
            assertTrue(cached > 0, "the second pass found nothing in the prefix cache");
            assertDrained(llm);
        }

        // Prefill in chunks of 7 tokens (the budget of a step), 7 sequences at most.
        try (LLM llm = load(model, c -> c.withMaxNumBatchedTokens(7)
                .withScheduling(new SchedulingConfig(7, true, PreemptionMode.RECOMPUTE)))) {
            check("chunks of 7", solo, llm.generate(all, greedy));
            assertDrained(llm);
        }

        // Preemption: a cache of 40 blocks of 16 (640 tokens) cannot hold 16 requests of up to ~330 tokens.
        for (PreemptionMode mode : PreemptionMode.values()) {
            try (LLM llm = load(model, c -> c
                    .withCache(CacheConfig.defaults().withNumBlocksOverride(40).withPrefixCaching(false)
                            .withSwapSpace(mode == PreemptionMode.SWAP ? 64L << 20 : 0))
                    .withScheduling(new SchedulingConfig(16, true, mode)))) {
                List<Generation> out = llm.generate(all, greedy);
                check("after preemption (" + mode + ")", solo, out);
                assertTrue(out.stream().mapToInt(Generation::numPreemptions).sum() > 0, mode + ": nothing preempted");
                assertDrained(llm);
            }
        }
    }

    private static void check(String what, List<int[]> solo, List<Generation> got) {
        assertEquals(solo.size(), got.size());
        for (int i = 0; i < solo.size(); i++) {
            assertArrayEquals(solo.get(i), got.get(i).outputIds(), what + ": request " + i + " differs from its solo run");
            assertEquals("length", got.get(i).finishReason());
        }
    }

    private static void assertDrained(LLM llm) {
        assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
    }
}
