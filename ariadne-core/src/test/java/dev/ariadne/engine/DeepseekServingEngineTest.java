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
 * deepseek2-F32 through the serving engine: a request's greedy output is the same alone, among 15 others (decode
 * steps then attend through 16 sequences' latent rows at once, prefill chunks decompress next to them), in prefill
 * chunks of 7 tokens, and with absorbed prefill; the reference prompts give llama.cpp's kv_f32 continuations. Every
 * engine ends drained.
 */
class DeepseekServingEngineTest {
    private static final String MODEL = "models/deepseek2/deepseek2-F32.gguf";
    private static final int GEN = 32;

    private static LLM load(UnaryOperator<EngineConfig> tweak) {
        EngineConfig base = EngineConfig.defaults(SharedKit.file(MODEL)).withThreads(2).withKvCacheDType("f32")
                .withMaxModelLen(640, true);
        return LLM.load(tweak.apply(base), dev.ariadne.quant.KernelProvider.best(), line -> { });
    }

    @Test
    void greedyOutputsDoNotDependOnBatchingChunkingOrAbsorption() {
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
            int length = Math.max(2, Math.min(longest.length - 1, 3 + i * (longest.length / 13)));
            prompts.add(Arrays.copyOf(longest, length));
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
        try (LLM llm = load(c -> c.withMlaAbsorbPrefill(true))) {
            check("absorbed prefill, batch of 16", solo, llm.generate(prompts, greedy));
            assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
        }
    }

    private static void check(String what, List<int[]> solo, List<Generation> got) {
        assertEquals(solo.size(), got.size());
        for (int i = 0; i < solo.size(); i++) {
            assertArrayEquals(solo.get(i), got.get(i).outputIds(),
                    what + ": request " + i + " differs from its solo run");
        }
    }
}
