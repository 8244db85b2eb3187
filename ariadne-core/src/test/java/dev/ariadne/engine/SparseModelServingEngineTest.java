package dev.ariadne.engine;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MoE and MLA models through the serving engine: a request's greedy output is the same alone, among 15 others
 * (the MoE block then groups the tokens of 16 sequences by expert in one step; MLA decode attends through 16
 * sequences' latent rows at once while prefill chunks decompress next to them), in prefill chunks of 7 tokens, and,
 * for deepseek2, with absorbed prefill; the reference prompts give llama.cpp's kv_f32 continuations. Every engine
 * ends drained.
 */
class SparseModelServingEngineTest {
    private static final int GEN = 32;

    private static LLM load(String model, UnaryOperator<EngineConfig> tweak) {
        EngineConfig base = EngineConfig.defaults(SharedKit.file(model)).withThreads(2).withKvCacheDType("f32")
                .withMaxModelLen(640, true);
        return LLM.load(tweak.apply(base), dev.ariadne.quant.KernelProvider.best(), line -> { });
    }

    @ParameterizedTest
    @ValueSource(strings = {"models/qwen3moe/qwen3moe-F32.gguf", "models/deepseek2/deepseek2-F32.gguf"})
    void greedyOutputsDoNotDependOnBatchingOrChunking(String model) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (Reference.Entry e : Reference.entries()) {
            if (e.model().equals(model) && e.variant().equals("kv_f32")) {
                prompts.add(e.promptIds());
                expected.add(e.greedy());
            }
        }
        assertEquals(3, prompts.size(), "kv_f32 reference runs of " + model);
        int[] longest = prompts.stream().max((a, b) -> a.length - b.length).orElseThrow();
        for (int i = 0; i < 13; i++) {
            int length = Math.max(2, Math.min(longest.length - 1, 3 + i * (longest.length / 13)));
            prompts.add(Arrays.copyOf(longest, length));
        }
        SamplingParams greedy = SamplingParams.greedy(GEN);
        List<int[]> solo = new ArrayList<>();
        try (LLM llm = load(model, c -> c)) {
            for (int[] p : prompts) solo.add(llm.generate(p, greedy, TokenSink.NONE).outputIds());
            assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
        }
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), solo.get(i), "alone, reference prompt " + i);
        }
        Map<String, UnaryOperator<EngineConfig>> runs = new LinkedHashMap<>();
        runs.put("batch of 16", c -> c);
        runs.put("chunks of 7", c -> c.withMaxNumBatchedTokens(7)
                .withScheduling(new SchedulingConfig(7, true, PreemptionMode.RECOMPUTE)));
        if (model.contains("deepseek2")) runs.put("absorbed prefill, batch of 16", c -> c.withMlaAbsorbPrefill(true));
        for (var run : runs.entrySet()) {
            try (LLM llm = load(model, run.getValue())) {
                List<Generation> got = llm.generate(prompts, greedy);
                assertEquals(solo.size(), got.size());
                for (int i = 0; i < solo.size(); i++) {
                    assertArrayEquals(solo.get(i), got.get(i).outputIds(),
                            run.getKey() + ": request " + i + " differs from its solo run");
                }
                assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
            }
        }
    }
}
