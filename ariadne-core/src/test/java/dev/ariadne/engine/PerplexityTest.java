package dev.ariadne.engine;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.json.Json;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * stories260K (a real trained model) on the kit's story, with the tokens llama-perplexity read: within 0.1% of
 * llama.cpp's perplexity at context 128 and 512 (512 exceeds the GGUF's stated 128; the model was trained at 512).
 */
class PerplexityTest {
    @ParameterizedTest(name = "ctx {0}, KV {2}")
    @CsvSource({"128, 4.7662, f16", "512, 4.7309, f16", "128, 4.7662, f32"})
    void storyPerplexityMatchesLlamaCpp(int ctx, double expected, String kv) {
        Object tokens = Json.parse(SharedKit.read("reference/perplexity/story.tokens.json"));
        int[] ids = ((List<?>) tokens).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        assertEquals(2015, ids.length);
        EngineConfig config = EngineConfig.defaults(SharedKit.file("models/stories260K/stories260K.gguf"))
                .withThreads(2).withKvCacheDType(kv).withMaxModelLen(ctx, true);
        try (LLM llm = LLM.load(config)) {
            Perplexity.Result r = Perplexity.run(llm, ids, ctx, llm.modelConfig().bosId(), (c, p) -> { });
            assertEquals(2015 / ctx, r.chunks());
            assertEquals(ctx - 1 - ctx / 2, r.scoredPerChunk());
            System.out.printf("stories260K ctx %d KV %s: PPL %.5f (llama.cpp %.4f)%n", ctx, kv, r.ppl(), expected);
            assertEquals(expected, r.ppl(), expected * 0.001);
        }
    }
}
