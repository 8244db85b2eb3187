package dev.ariadne.engine;

import dev.ariadne.config.CacheConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.sample.SampleLogprobs;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.testing.SharedKit;
import dev.ariadne.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-request behaviour of the serving engine on the trained stories260K model: seeded sampling independent of the
 * batch, stop strings, logprobs, aborts and admission errors. Every test ends with the leak invariant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineRequestsTest {
    private LLM llm;
    private Tokenizer tok;

    @BeforeAll
    void load() {
        EngineConfig c = EngineConfig.defaults(SharedKit.file("models/stories260K/stories260K.gguf")).withThreads(2)
                .withMaxModelLen(256, true).withCache(CacheConfig.defaults().withNumBlocksOverride(64));
        llm = LLM.load(c, KernelProvider.best(), line -> { });
        tok = llm.tokenizer().orElseThrow();
    }

    @AfterAll
    void close() {
        llm.close();
    }

    @AfterEach
    void drained() {
        assertTrue(llm.engine().scheduler().isDrained(), "leak: requests or blocks left behind");
    }

    private int[] prompt(String text) {
        return tok.encode(text, true, false);
    }

    @Test
    void stepStatsSplitPromptStepsFromDecodeOnlySteps() {
        StepStats stats = llm.engine().stats();
        stats.reset();
        List<int[]> prompts = List.of(prompt("Once upon a time"), prompt("Lily saw a big dog and"));
        List<Generation> out = llm.generate(prompts, SamplingParams.greedy(12));
        long promptTokens = prompts.stream().mapToLong(q -> q.length).sum();
        long outputTokens = out.stream().mapToLong(g -> g.outputIds().length).sum();
        assertEquals(24, outputTokens);
        // Both prompts fit one step's budget: one prompt step samples both first tokens, then 11 decode-only steps
        // of two sequences each.
        assertEquals(1, stats.prefillSteps());
        assertEquals(promptTokens, stats.prefillPromptTokens());
        assertEquals(2, stats.prefillOutputTokens());
        assertEquals(11, stats.decodeSteps());
        assertEquals(22, stats.decodeTokens());
        assertEquals(2.0, stats.meanDecodeBatch(), 1e-9);
        assertTrue(stats.decodeSeconds() > 0 && stats.decodeTokensPerSecond() > 0);
        stats.reset();
        assertEquals(0, stats.decodeSteps() + stats.prefillSteps() + stats.decodeTokens());
        assertEquals(0, stats.decodeTokensPerSecond());
    }

    @Test
    void seededSamplingGivesTheSameOutputAloneOrInABatch() {
        SamplingParams p = new SamplingParams(0.9f, 0.95f, 40, 1234, 40, null, true);
        int[] alone = llm.generate(prompt("Once upon a time"), p, TokenSink.NONE).outputIds();
        List<int[]> prompts = new ArrayList<>();
        List<SamplingParams> params = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            prompts.add(prompt(i == 5 ? "Once upon a time" : "The cat saw " + i));
            params.add(i == 5 ? p : p.withSeed(i));
        }
        List<Generation> batch = llm.generate(prompts, params);
        assertArrayEquals(alone, batch.get(5).outputIds());
        int[] other = llm.generate(prompt("Once upon a time"), p.withSeed(99), TokenSink.NONE).outputIds();
        assertFalse(java.util.Arrays.equals(alone, other), "another seed should change a 40-token sample");
    }

    @Test
    void stopStringEndsTheRequestAndIsCutFromTheText() {
        SamplingParams greedy = SamplingParams.greedy(60);
        Generation full = llm.generate(prompt("Once upon a time"), greedy, TokenSink.NONE);
        String text = full.text();
        int at = text.indexOf(' ', text.length() / 2);
        String stop = text.substring(at, at + 4);
        Generation cut = llm.generate(prompt("Once upon a time"), greedy.withStop(List.of(stop)), TokenSink.NONE);
        assertEquals("stop", cut.finishReason());
        assertEquals(text.substring(0, text.indexOf(stop)), cut.text());
        assertTrue(cut.outputIds().length < full.outputIds().length);
    }

    @Test
    void logprobsOfGreedyTokensAreTheTopOnes() {
        Generation g = llm.generate(prompt("Lily went"), SamplingParams.greedy(10).withLogprobs(3), TokenSink.NONE);
        assertEquals(10, g.logprobs().size());
        for (int i = 0; i < 10; i++) {
            SampleLogprobs lp = g.logprobs().get(i);
            assertEquals(g.outputIds()[i], lp.token());
            assertEquals(3, lp.topIds().length);
            assertEquals(lp.token(), lp.topIds()[0]);
            assertTrue(lp.logprob() <= 0 && lp.topLogprobs()[1] <= lp.topLogprobs()[0]);
        }
    }

    @Test
    void abortFreesTheRequestsBlocksAtOnce() {
        EngineCore core = llm.engine();
        List<RequestOutput> done = Collections.synchronizedList(new ArrayList<>());
        RequestListener listener = new RequestListener() {
            @Override
            public void onToken(long id, int index, int token, String delta, SampleLogprobs lp) {
            }

            @Override
            public void onFinish(RequestOutput output) {
                done.add(output);
            }
        };
        long id = core.add(prompt("Once upon a time there was"), SamplingParams.greedy(100), List.of(), 0, listener);
        for (int i = 0; i < 5; i++) core.step();
        assertTrue(core.scheduler().kvCacheManager().numFreeBlocks() < 64);
        assertTrue(core.abort(id));
        assertEquals(1, done.size());
        assertEquals("abort", done.getFirst().finishReason());
        assertEquals(5, done.getFirst().outputIds().length);
        assertFalse(core.abort(id));
    }

    @Test
    void requestsThatCannotRunAreRejectedWithTheReason() {
        int[] tooLong = new int[300];
        java.util.Arrays.fill(tooLong, 5);
        var e = assertThrows(IllegalArgumentException.class,
                () -> llm.generate(tooLong, SamplingParams.greedy(4), TokenSink.NONE));
        assertTrue(e.getMessage().contains("maximum model length is 256"), e.getMessage());
        var noTokens = assertThrows(IllegalArgumentException.class,
                () -> llm.generate(prompt("Hi"), SamplingParams.greedy(0), TokenSink.NONE));
        assertTrue(noTokens.getMessage().contains("max_tokens"), noTokens.getMessage());
        int[] big = new int[250];
        java.util.Arrays.fill(big, 5);
        // 64 blocks of 16 = 1,024 tokens: each fits alone, and the batch as a whole runs through preemption
        List<Generation> many = llm.generate(Collections.nCopies(6, big), SamplingParams.greedy(4));
        assertEquals(6, many.size());
    }
}
