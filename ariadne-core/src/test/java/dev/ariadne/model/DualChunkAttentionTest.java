package dev.ariadne.model;

import dev.ariadne.config.DcaConfig;
import dev.ariadne.config.EngineConfig;
import dev.ariadne.engine.LLM;
import dev.ariadne.quant.KernelProvider;
import dev.ariadne.config.SchedulingConfig;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.sched.PreemptionMode;
import dev.ariadne.testing.Reference;
import dev.ariadne.testing.ScalarDecoderReference;
import dev.ariadne.testing.SharedKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dual Chunk Attention in the engine, on the kit's qwen2 model (F32 weights, f32 KV) over its 300-token prompt. */
class DualChunkAttentionTest {

    private static Reference.Entry qwen2P300() {
        return Reference.entries().stream().filter(e -> e.model().equals("models/qwen2/qwen2-F32.gguf")
                && e.prompt().equals("p300") && e.variant().equals("kv_f32")).findFirst().orElseThrow();
    }

    private static EngineConfig config(DcaConfig dca) {
        return EngineConfig.defaults(SharedKit.file("models/qwen2/qwen2-F32.gguf")).withThreads(2)
                .withKvCacheDType("f32").withDualChunk(dca);
    }

    private static List<float[]> logits(LLM llm, int[] ids) {
        List<float[]> out = new ArrayList<>();
        int vocab = llm.modelConfig().vocabSize();
        llm.scoreAll(ids, (pos, logits, off) -> out.add(java.util.Arrays.copyOfRange(logits, off, off + vocab)));
        return out;
    }

    /** One chunk covers the whole sequence: intra-chunk attention at unchanged positions is plain attention. */
    @Test
    void chunkCoveringTheSequenceIsPlainAttention() {
        Reference.Entry e = qwen2P300();
        List<float[]> plain, dca;
        try (LLM llm = LLM.load(config(null), KernelProvider.best(), line -> { })) {
            plain = logits(llm, e.promptIds());
        }
        List<String> log = new ArrayList<>();
        try (LLM llm = LLM.load(config(new DcaConfig(320, 16, 0)), KernelProvider.best(), log::add)) {
            assertEquals(304, llm.modelConfig().dualChunk().chunkLen());
            ReferenceLogitsTest.Diff d = ReferenceLogitsTest.compare(llm, e.promptIds(), e.logits());
            assertTrue(d.max() <= 1e-3, "against llama.cpp: max |Δ| " + d.max());
            dca = logits(llm, e.promptIds());
        }
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Dual Chunk Attention: chunk_size 320, local_size 16")),
                String.join("\n", log));
        // Equal up to the last bits: the same kernels, but the first run partly interpreted (another lane order).
        for (int p = 0; p < plain.size(); p++) assertArrayEquals(plain.get(p), dca.get(p), 1e-5f, "position " + p);
    }

    /** The oracle itself, without DCA, against llama.cpp: it must be a correct decoder before it judges DCA. */
    @Test
    void scalarReferenceMatchesLlamaCpp() {
        Reference.Entry e = qwen2P300();
        try (LLM llm = LLM.load(config(null), KernelProvider.best(), line -> { })) {
            double[][] ref = new ScalarDecoderReference(llm.weights(), null).logits(e.promptIds());
            float[][] kit = e.logits();
            double max = 0;
            for (int p = 0; p < ref.length; p++) {
                for (int j = 0; j < ref[p].length; j++) max = Math.max(max, Math.abs(ref[p][j] - kit[p][j]));
            }
            System.out.printf("scalar reference vs llama.cpp qwen2 F32 p300: max |Δ| %.3g%n", max);
            assertTrue(max <= 1e-3, "max |Δ| " + max);
        }
    }

    /**
     * The case: chunk 64, local 16 (chunks of 48) over 300 tokens, so every query past position 95 uses all
     * three parts; with and without the length scale (original 128: keys and queries x 1.085 at 300 tokens). The engine scores
     * in steps of 100 tokens (prefill chunks crossing DCA chunks, keys scaled by the whole prompt's length).
     */
    @ParameterizedTest(name = "original_max_position_embeddings={0}")
    @ValueSource(ints = {0, 128})
    void engineEqualsTheScalarAlgorithm(int original) {
        Reference.Entry e = qwen2P300();
        DcaConfig dca = new DcaConfig(64, 16, original);
        EngineConfig c = config(dca).withMaxNumBatchedTokens(100)
                .withScheduling(new SchedulingConfig(4, true, PreemptionMode.RECOMPUTE));
        try (LLM llm = LLM.load(c, KernelProvider.best(), line -> { })) {
            double[][] ref = new ScalarDecoderReference(llm.weights(), dca).logits(e.promptIds());
            double[][] plain = new ScalarDecoderReference(llm.weights(), null).logits(e.promptIds());
            List<float[]> got = logits(llm, e.promptIds());
            double max = 0, earlyFromPlain = 0, lateFromPlain = 0;
            for (int p = 0; p < ref.length; p++) {
                for (int j = 0; j < ref[p].length; j++) {
                    max = Math.max(max, Math.abs(got.get(p)[j] - ref[p][j]));
                    double fromPlain = Math.abs(ref[p][j] - plain[p][j]);
                    if (p < dca.chunkLen()) earlyFromPlain = Math.max(earlyFromPlain, fromPlain);
                    else lateFromPlain = Math.max(lateFromPlain, fromPlain);
                }
            }
            System.out.printf("DCA chunk 64 local 16 original %d: engine vs scalar max |Δ| %.3g; scalar DCA vs plain"
                    + " %.3g before position 48, %.3g after%n", original, max, earlyFromPlain, lateFromPlain);
            assertTrue(max <= 1e-4, "engine vs scalar DCA: max |Δ| " + max);
            assertTrue(lateFromPlain > 1e-2, "DCA must change attention past the first chunk: " + lateFromPlain);
            if (original == 0) {
                assertTrue(earlyFromPlain <= 1e-9, "the first chunk is plain attention: " + earlyFromPlain);
            }
        }
    }

    /** Decoding through the scheduler (one token per step, paged KV) gives the tokens the scalar algorithm ranks first. */
    @Test
    void greedyDecodeAcrossChunksFollowsTheScalarAlgorithm() {
        Reference.Entry e = qwen2P300();
        DcaConfig dca = new DcaConfig(64, 16, 0);
        int[] prompt = java.util.Arrays.copyOf(e.promptIds(), 120);
        try (LLM llm = LLM.load(config(dca), KernelProvider.best(), line -> { })) {
            int[] generated = llm.generate(prompt, SamplingParams.greedy(20), dev.ariadne.engine.TokenSink.NONE)
                    .outputIds();
            int[] all = new int[prompt.length + generated.length];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(generated, 0, all, prompt.length, generated.length);
            double[][] ref = new ScalarDecoderReference(llm.weights(), dca).logits(all);
            for (int i = 0; i < generated.length; i++) {
                double[] row = ref[prompt.length - 1 + i];
                int best = 0;
                for (int j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
                assertEquals(best, generated[i], "generated token " + i);
            }
        }
    }

    /**
     * With original_max_position_embeddings the cached keys depend on the prompt's length: a shorter prompt with the
     * same first tokens must not reuse a longer one's blocks, while the same prompt again must.
     */
    @Test
    void prefixCacheSeparatesPromptsWhoseLengthScalesDiffer() {
        int[] ids = qwen2P300().promptIds();
        DcaConfig dca = new DcaConfig(64, 16, 128);
        int[] shorter = java.util.Arrays.copyOf(ids, 200);
        int[] longer = java.util.Arrays.copyOf(ids, 280);
        int[] fresh;
        try (LLM llm = LLM.load(config(dca), KernelProvider.best(), line -> { })) {
            fresh = llm.generate(shorter, SamplingParams.greedy(4), dev.ariadne.engine.TokenSink.NONE).outputIds();
        }
        try (LLM llm = LLM.load(config(dca), KernelProvider.best(), line -> { })) {
            assertEquals(0, llm.generate(longer, SamplingParams.greedy(1), dev.ariadne.engine.TokenSink.NONE)
                    .numCachedTokens());
            var again = llm.generate(longer, SamplingParams.greedy(1), dev.ariadne.engine.TokenSink.NONE);
            assertTrue(again.numCachedTokens() >= 256, "same prompt reuses its blocks: " + again.numCachedTokens());
            var shorterRun = llm.generate(shorter, SamplingParams.greedy(4), dev.ariadne.engine.TokenSink.NONE);
            assertEquals(0, shorterRun.numCachedTokens(), "scale 1.045 at 200 tokens, 1.078 at 280");
            assertArrayEquals(fresh, shorterRun.outputIds());
        }
    }

    @Test
    void badConfigIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new DcaConfig(64, 64, 0));
        assertTrue(e.getMessage().contains("chunk_size > local_size"), e.getMessage());
    }
}
