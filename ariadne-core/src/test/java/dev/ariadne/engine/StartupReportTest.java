package dev.ariadne.engine;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.memory.KvCacheSizing;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.tensor.GGMLType;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up report for the Qwen3-0.6B shape (dummy Q8_0 weights, block size 32): the engine profiles a step,
 * sizes the KV pool from what the measured budget leaves, and its KV numbers follow LONG-CONTEXT.md section 1:
 * {@code num_blocks = available // page // layers} with a page of {@code 2 x 32 x 8 x 128 x 2 B} (f16) per layer,
 * {@code KV cache size = num_blocks x 32}, concurrency {@code num_blocks / ceil(L / 32)}.
 */
class StartupReportTest {

    @ParameterizedTest(name = "max-model-len {0}")
    @ValueSource(ints = {32768, 131072})
    void qwen3ShapeReportMatchesTheFormula(int maxModelLen) {
        EngineConfig config = new EngineConfig(SharedKit.file("configs/Qwen3-0.6B/config.json"), "dummy",
                GGMLType.Q8_0, 1, 2, "f16", maxModelLen, true, 512,
                CacheConfig.defaults().withBlockSize(32), null, null, null);
        List<String> log = new ArrayList<>();
        try (LLM llm = LLM.load(config, KernelProvider.best(), log::add)) {
            log.forEach(l -> System.out.println("INFO " + l));
            KvCacheSizing s = llm.kvCacheSizing();
            long page = 2L * 32 * 8 * 128 * 2;
            long expectedBlocks = s.availableKvBytes() / page / 28;
            assertEquals(expectedBlocks, s.numBlocks());
            assertTrue(s.numBlocks() >= maxModelLen / 32, "one request of " + maxModelLen + " must fit");
            assertTrue(s.availableKvBytes() < s.inputs().host().limit() * 0.9 - llm.weights().bytes(),
                    "the budget leaves weights, activations and other memory out");
            String tokens = String.format(Locale.ROOT, "KV cache size: %,d tokens", expectedBlocks * 32);
            String concurrency = String.format(Locale.ROOT,
                    "Maximum concurrency for %,d tokens per request: %.2fx", maxModelLen,
                    expectedBlocks / (double) (maxModelLen / 32));
            assertTrue(log.stream().anyMatch(l -> l.startsWith(tokens)), tokens + " not in " + log);
            assertTrue(log.stream().anyMatch(l -> l.startsWith(concurrency)), concurrency + " not in " + log);
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Profiling step of 512 tokens")), log.toString());
            assertEquals(s.numBlocks(), llm.engine().scheduler().kvCacheManager().pool().numBlocks());
        }
    }
}
