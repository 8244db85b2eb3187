package dev.ariadne.engine;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.config.SchedulingConfig;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.sched.PreemptionMode;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qwen3moe-F32 through the serving engine: a request's greedy output is the same alone, among 15 others (the MoE
 * block then groups the tokens of 16 sequences by expert in one step), and in prefill chunks of 7 tokens; the
 * three reference prompts give llama.cpp's kv_f32 continuations. Every engine ends drained.
 */
class MoeServingEngineTest {
    private static final String MODEL = "models/qwen3moe/qwen3moe-F32.gguf";
    private static final int GEN = 32;

    private static LLM load(UnaryOperator<EngineConfig> tweak) {
        EngineConfig base = EngineConfig.defaults(SharedKit.file(MODEL)).withThreads(2).withKvCacheDType("f32")
                .withMaxModelLen(640, true);
        return LLM.load(tweak.apply(base), dev.ariadne.quant.KernelProvider.best(), line -> { });
    }

    @Test
    void greedyOutputsDoNotDependOnBatchingOrChunking() {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (Reference.Entry e : Reference.entries()) {
            if (e.model().equals(MODEL) && e.variant().equals("kv_f32")) {
                prompts.add(e.promptIds());
                expected.add(e.greedy());
            }
        }
        assertEquals(3, prompts.size(), "kv_f32 reference runs of " + MODEL);
        int[] longest = prompts.stream().max((a, b) -> a.length - b.length).orElseThrow();
        for (int i = 0; i < 13; i++) {
            prompts.add(Arrays.copyOf(longest, Math.max(2, Math.min(longest.length - 1, 3 + i * (longest.length / 13)))));
        }
        SamplingParams greedy = SamplingParams.greedy(GEN);
        List<int[]> solo = new ArrayList<>();
        try (LLM llm = load(c -> c)) {
            for (int[] p : prompts) solo.add(llm.generate(p, greedy, TokenSink.NONE).outputIds());
            assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
        }
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), solo.get(i), "alone, reference prompt " + i);
        }
        try (LLM llm = load(c -> c)) {
            check("batch of 16", solo, llm.generate(prompts, greedy));
            assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
        }
        try (LLM llm = load(c -> c.withMaxNumBatchedTokens(7)
                .withScheduling(new SchedulingConfig(7, true, PreemptionMode.RECOMPUTE)))) {
            check("chunks of 7", solo, llm.generate(prompts, greedy));
            assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
        }
    }

    private static void check(String what, List<int[]> solo, List<Generation> got) {
        assertEquals(solo.size(), got.size());
        for (int i = 0; i < solo.size(); i++) {
            assertArrayEquals(solo.get(i), got.get(i).outputIds(), what + ": request " + i + " differs from its solo run");
        }
    }
}
