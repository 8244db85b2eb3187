package dev.ariadne.sample;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenLogprobsTest {
    private static final int[] NONE = new int[0];

    /** log-softmax in double, straight from the definition. */
    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] - logZ;
        return out;
    }

    /** Token ids by logprob descending, lower id first on ties: the order the top-N must follow. */
    private static int[] order(double[] lp) {
        return java.util.stream.IntStream.range(0, lp.length).boxed()
                .sorted((a, b) -> lp[a] != lp[b] ? Double.compare(lp[b], lp[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    private static float[] randomLogits(int vocab, long seed) {
        SplittableRandom g = new SplittableRandom(seed);
        float[] l = new float[vocab];
        for (int i = 0; i < vocab; i++) l[i] = (float) (g.nextGaussian() * 4);
        return l;
    }

    private static void assertMatchesRaw(float[] raw, TokenLogprobs lp, int n) {
        double[] ref = logSoftmax(raw);
        int[] order = order(ref);
        assertEquals(n, lp.count());
        for (int i = 0; i < n; i++) {
            assertEquals(order[i], lp.topId(i), "top " + i);
            assertEquals(ref[order[i]], lp.topLogprob(i), 1e-5, "top " + i);
        }
        int token = lp.token();
        assertEquals(ref[token], lp.logprob(), 1e-5);
        int atLeast = 0;
        for (float l : raw) if (l >= raw[token]) atLeast++;
        assertEquals(atLeast, lp.rank());
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheRawLogits() {
        int vocab = 307;
        float[] raw = randomLogits(vocab, 11);
        // A tie at the top: 10 must come before 200.
        float top = 0;
        for (float l : raw) top = Math.max(top, l);
        raw[200] = top + 1;
        raw[10] = top + 1;
        raw[57] = top + 0.5f;
        Sampler s = new Sampler(vocab);
        // Penalties, temperature, top-k and min-p must not change the reported logprobs.
        SamplingParams p = new SamplingParams(0.7f, 0.9f, 50, 0, 16, null, true).withMinP(0.01f)
                .withPenalties(1.5f, 1f, 1f).withLogprobs(20);
        int[] prompt = {10, 57, 3};
        int[] output = {200, 200, 4};
        TokenLogprobs lp = new TokenLogprobs();
        SplittableRandom rng = new SplittableRandom(5);
        for (int step = 0; step < 20; step++) {
            s.sample(raw.clone(), 0, p, rng, prompt, prompt.length, output, output.length, lp);
            assertMatchesRaw(raw, lp, 20);
            assertEquals(10, lp.topId(0));
            assertEquals(200, lp.topId(1));
            assertEquals(57, lp.topId(2));
        }
    }

    @Test
    void theSampledTokenIsReportedEvenOutsideTheTopN() {
        int vocab = 64;
        Sampler s = new Sampler(vocab);
        TokenLogprobs lp = new TokenLogprobs();
        SplittableRandom rng = new SplittableRandom(9);
        SamplingParams p = new SamplingParams(3f, 1f, 0, 0, 16, null, true).withLogprobs(2);
        boolean outside = false;
        for (int step = 0; step < 200; step++) {
            float[] raw = randomLogits(vocab, 100 + step);
            int token = s.sample(raw.clone(), 0, p, rng, NONE, 0, NONE, 0, lp);
            assertEquals(token, lp.token());
            assertMatchesRaw(raw, lp, 2);
            outside |= lp.rank() > 2;
        }
        assertTrue(outside, "temperature 3 should sample outside the top 2 at least once");
    }

    @Test
    void zeroLogprobsReportsOnlyTheSampledToken() {
        float[] raw = randomLogits(40, 3);
        TokenLogprobs lp = new TokenLogprobs();
        int token = new Sampler(40).sample(raw.clone(), 0, SamplingParams.greedy(1).withLogprobs(0), null, NONE, 0,
                NONE, 0, lp);
        assertEquals(Sampler.argmax(raw, 0, 40), token);
        assertMatchesRaw(raw, lp, 0);
        assertEquals(1, lp.rank());
        assertThrows(IndexOutOfBoundsException.class, () -> lp.topId(0));
        SampleLogprobs r = lp.toResult();
        assertEquals(0, r.topIds().length);
        assertEquals(token, r.token());
    }

    @Test
    void greedyReportsRawLogprobsOfThePenalizedArgmax() {
        float[] raw = {3f, 2.5f, -1f, 0f};
        TokenLogprobs lp = new TokenLogprobs();
        SamplingParams p = SamplingParams.greedy(1).withPenalties(2f, 0, 0).withLogprobs(2);
        // 3 / 2 = 1.5 < 2.5: token 1 wins, but logprobs are of the raw row, where token 0 leads.
        int token = new Sampler(4).sample(raw.clone(), 0, p, null, new int[] {0}, 1, NONE, 0, lp);
        assertEquals(1, token);
        assertMatchesRaw(raw, lp, 2);
        assertEquals(2, lp.rank());
        assertEquals(0, lp.topId(0));
    }

    @Test
    void logprobsAreReadAtTheRowOffset() {
        float[] raw = randomLogits(30, 4);
        float[] batch = new float[90];
        System.arraycopy(raw, 0, batch, 30, 30);
        batch[0] = 100;   // a neighbouring row's values must not leak in
        batch[89] = 100;
        TokenLogprobs lp = new TokenLogprobs();
        new Sampler(30).sample(batch, 30, SamplingParams.greedy(1).withLogprobs(5), null, NONE, 0, NONE, 0, lp);
        assertMatchesRaw(raw, lp, 5);
    }

    @Test
    void resultIsAnImmutableCopy() {
        Sampler s = new Sampler(20);
        TokenLogprobs lp = new TokenLogprobs();
        SamplingParams p = SamplingParams.greedy(1).withLogprobs(3);
        s.sample(randomLogits(20, 1), 0, p, null, NONE, 0, NONE, 0, lp);
        SampleLogprobs first = lp.toResult();
        SampleLogprobs again = lp.toResult();
        assertEquals(first, again);
        assertEquals(first.hashCode(), again.hashCode());
        int[] ids = first.topIds();
        ids[0] = -5;
        first.topLogprobs()[0] = 7f;
        assertEquals(again, first);
        assertArrayEquals(new int[] {lp.topId(0), lp.topId(1), lp.topId(2)}, first.topIds());
        s.sample(randomLogits(20, 2), 0, p, null, NONE, 0, NONE, 0, lp);
        assertNotEquals(first, lp.toResult());
        assertEquals(again, first);
    }

    @Test
    void resultArraysMustMatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SampleLogprobs(1, -0.5f, 1, new int[] {1, 2}, new float[] {-0.5f}));
        assertEquals("2 top ids but 1 logprobs", e.getMessage());
    }
}
