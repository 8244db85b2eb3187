package dev.ariadne.model;

import dev.ariadne.engine.Generation;
import dev.ariadne.engine.LLM;
import dev.ariadne.sample.SamplingParams;
import dev.ariadne.testing.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy 32-token continuations against llama.cpp's: identical for F32 weights; for other types identical until a
 * first divergence, where our token is among llama.cpp's top 5 at that position and llama.cpp's among ours (the
 * random-weight models have small top-1 margins, so a quantized model may legitimately diverge).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GreedyContinuationTest {
    private ReferenceModels models;

    @BeforeAll
    void load() {
        models = new ReferenceModels();
    }

    @AfterAll
    void close() {
        models.close();
    }

    static Stream<Reference.Entry> runs() {
        return ReferenceModels.denseRuns();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void continuationMatchesLlamaCpp(Reference.Entry e) {
        check(models.get(e.model(), ReferenceModels.isF32(e) ? "f32" : "auto"), e, ReferenceModels.isF32(e));
    }

    /**
     * {@code llm}'s greedy continuation of {@code e}'s prompt against llama.cpp's: identical when {@code exact},
     * else identical until a first divergence where each side's token is in the other's top 5.
     */
    static void check(LLM llm, Reference.Entry e, boolean exact) {
        int[] expected = e.greedy();
        int vocab = llm.modelConfig().vocabSize();
        // Our logits for every continuation step, to check llama.cpp's token against our top 5 at a divergence:
        // score prompt + our continuation in one pass (teacher forcing, as the reference's top-5 lists were made).
        Generation g = llm.generate(e.promptIds(), SamplingParams.greedy(expected.length), (i, t) -> { });
        int[] ours = g.outputIds();
        if (exact) {
            assertArrayEquals(expected, ours, e + ": F32 continuation differs");
            System.out.printf("%-28s identical (%d tokens)%n", e, ours.length);
            return;
        }
        int k = 0;
        while (k < expected.length && ours[k] == expected[k]) k++;
        if (k == expected.length) {
            System.out.printf("%-28s identical (%d tokens)%n", e, ours.length);
            return;
        }
        int[] refTop5 = e.top5()[k];
        assertTrue(contains(refTop5, ours[k]), e + ": diverged at " + k + " with " + ours[k]
                + ", not in llama.cpp's top 5 " + Arrays.toString(refTop5));
        int[] prefix = new int[e.nPrompt() + k];
        System.arraycopy(e.promptIds(), 0, prefix, 0, e.nPrompt());
        System.arraycopy(ours, 0, prefix, e.nPrompt(), k);
        float[] last = new float[vocab];
        llm.scoreAll(prefix, (pos, logits, off) -> {
            if (pos == prefix.length - 1) System.arraycopy(logits, off, last, 0, vocab);
        });
        int[] ourTop5 = top(last, 5);
        System.out.printf("%-28s diverges at %d: ours %d, llama.cpp %d; ours top5 %s%n", e, k, ours[k], expected[k],
                Arrays.toString(ourTop5));
        assertTrue(contains(ourTop5, expected[k]), e + ": llama.cpp's token " + expected[k] + " at " + k
                + " is not in our top 5 " + Arrays.toString(ourTop5));
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    static int[] top(float[] logits, int k) {
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : a - b);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }
}
