package dev.ariadne.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final int[] NONE = new int[0];
    private static final SamplingParams T1 = new SamplingParams(1f, 1f, 0, 0, 16, null, true);

    /** Logits whose softmax at temperature 1 is {@code probs} (normalized). */
    private static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) l[i] = (float) Math.log(probs[i]);
        return l;
    }

    private static int sampleOnce(Sampler s, float[] logits, SamplingParams p, SplittableRandom rng) {
        return s.sample(logits.clone(), 0, p, rng, NONE, 0, NONE, 0, null);
    }

    /** Fraction of {@code draws} samples that picked each token, from a seeded generator. */
    private static double[] frequencies(float[] logits, SamplingParams p, int draws) {
        Sampler s = new Sampler(logits.length);
        SplittableRandom rng = new SplittableRandom(42);
        int[] hits = new int[logits.length];
        for (int d = 0; d < draws; d++) hits[sampleOnce(s, logits, p, rng)]++;
        double[] f = new double[logits.length];
        for (int i = 0; i < f.length; i++) f[i] = (double) hits[i] / draws;
        return f;
    }

    private static void assertDistribution(double[] expected, double[] actual, double tolerance) {
        String all = actual.length <= 16 ? Arrays.toString(actual) : "";
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == 0) {
                assertEquals(0, actual[i], "token " + i + " must never be sampled " + all);
            } else {
                assertEquals(expected[i], actual[i], tolerance, "token " + i + " " + all);
            }
        }
    }

    @Test
    void greedyIsArgmaxWithTheLowestIdOnTiesAndDrawsNothing() {
        Sampler s = new Sampler(4);
        SplittableRandom rng = new SplittableRandom(1);
        assertEquals(1, s.sample(new float[] {1, 3, 3, 2}, 0, SamplingParams.greedy(1), rng, NONE, 0, NONE, 0, null));
        assertEquals(new SplittableRandom(1).nextLong(), rng.nextLong());
        assertEquals(1, s.sample(new float[] {9, 9, 1, 3, 3, 2}, 2, SamplingParams.greedy(1), rng, NONE, 0, NONE, 0,
                null));
    }

    @Test
    void greedyIsTheArgmaxAfterPenalties() {
        Sampler s = new Sampler(3);
        float[] logits = {2.0f, 1.9f, 0.5f};
        SamplingParams greedy = SamplingParams.greedy(4);
        assertEquals(0, sampleOnce(s, logits, greedy, null));
        // 2.0 / 1.2 = 1.67 < 1.9: the repeated token loses.
        SamplingParams rep = greedy.withPenalties(1.2f, 0, 0);
        assertEquals(1, s.sample(logits.clone(), 0, rep, null, new int[] {0}, 1, NONE, 0, null));
        assertEquals(1, s.sample(logits.clone(), 0, rep, null, NONE, 0, new int[] {0}, 1, null));
        // Presence and frequency act on the output only, not the prompt.
        SamplingParams presence = greedy.withPenalties(1, 0.2f, 0);
        assertEquals(0, s.sample(logits.clone(), 0, presence, null, new int[] {0}, 1, NONE, 0, null));
        assertEquals(1, s.sample(logits.clone(), 0, presence, null, NONE, 0, new int[] {0}, 1, null));
    }

    @Test
    void temperatureSamplesTheSoftmax() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        assertDistribution(p, frequencies(logitsOf(p), T1, 40_000), 0.01);
        // Temperature 2 flattens to p^(1/2), renormalized.
        double[] flat = new double[4];
        double z = 0;
        for (int i = 0; i < 4; i++) z += flat[i] = Math.sqrt(p[i]);
        for (int i = 0; i < 4; i++) flat[i] /= z;
        SamplingParams t2 = new SamplingParams(2f, 1f, 0, 0, 16, null, true);
        assertDistribution(flat, frequencies(logitsOf(p), t2, 40_000), 0.01);
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheTopOne() {
        float[] logits = logitsOf(0.40, 0.30, 0.03, 0.12, 0.15);
        // Relative to the top: 1, 0.75, 0.075, 0.3, 0.375.
        assertDistribution(new double[] {0.40 / 0.97, 0.30 / 0.97, 0, 0.12 / 0.97, 0.15 / 0.97},
                frequencies(logits, T1.withMinP(0.25f), 40_000), 0.01);
        assertDistribution(new double[] {0.40 / 0.85, 0.30 / 0.85, 0, 0, 0.15 / 0.85},
                frequencies(logits, T1.withMinP(0.35f), 40_000), 0.01);
        assertDistribution(new double[] {1, 0, 0, 0, 0}, frequencies(logits, T1.withMinP(1f), 1000), 0);
    }

    @Test
    void minPSeesTemperatureScaledProbabilities() {
        float[] logits = logitsOf(0.40, 0.30, 0.03, 0.12, 0.15);
        // At temperature 2 token 2 is sqrt(0.075) = 0.27 of the top: above min_p 0.25, so it can be drawn.
        SamplingParams t2 = new SamplingParams(2f, 1f, 0, 0, 16, null, true).withMinP(0.25f);
        assertTrue(frequencies(logits, t2, 20_000)[2] > 0.03);
        assertEquals(0, frequencies(logits, T1.withMinP(0.25f), 20_000)[2]);
    }

    @Test
    void topKKeepsTheKMostLikely() {
        float[] logits = logitsOf(0.1, 0.4, 0.2, 0.3);
        SamplingParams k2 = new SamplingParams(1f, 1f, 2, 0, 16, null, true);
        assertDistribution(new double[] {0, 0.4 / 0.7, 0, 0.3 / 0.7}, frequencies(logits, k2, 40_000), 0.01);
        SamplingParams k1 = new SamplingParams(1f, 1f, 1, 0, 16, null, true);
        assertDistribution(new double[] {0, 1, 0, 0}, frequencies(logits, k1, 1000), 0);
        // Ties at the boundary go to the lower id.
        SamplingParams k3 = new SamplingParams(1f, 1f, 3, 0, 16, null, true);
        double[] f = frequencies(logitsOf(0.2, 0.3, 0.2, 0.3), k3, 10_000);
        assertTrue(f[0] > 0);
        assertEquals(0, f[2]);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
        SamplingParams p70 = new SamplingParams(1f, 0.7f, 0, 0, 16, null, true);
        assertDistribution(new double[] {0.5 / 0.8, 0.3 / 0.8, 0, 0}, frequencies(logits, p70, 40_000), 0.01);
        SamplingParams p85 = new SamplingParams(1f, 0.85f, 0, 0, 16, null, true);
        assertDistribution(new double[] {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0}, frequencies(logits, p85, 40_000),
                0.01);
        SamplingParams p40 = new SamplingParams(1f, 0.4f, 0, 0, 16, null, true);
        assertDistribution(new double[] {1, 0, 0, 0}, frequencies(logits, p40, 1000), 0);
    }

    @Test
    void topPCountsTheMassOfTokensTooSmallForAnyNucleus() {
        // 0.3, 0.15, 0.1 and 1000 tokens of 0.00045 (0.45 together). The tiny ones fall under the sort's cut
        // ((1 - 0.5) / 1002 = 0.0005) yet their mass counts: half of the total needs the first three tokens (a
        // target taken from the kept tokens alone, 0.5 * 0.55, would stop at the first).
        double[] p = new double[1003];
        Arrays.fill(p, 0.00045);
        p[0] = 0.3;
        p[1] = 0.15;
        p[2] = 0.1;
        double[] expected = new double[1003];
        expected[0] = 0.3 / 0.55;
        expected[1] = 0.15 / 0.55;
        expected[2] = 0.1 / 0.55;
        SamplingParams half = new SamplingParams(1f, 0.5f, 0, 0, 16, null, true);
        assertDistribution(expected, frequencies(logitsOf(p), half, 20_000), 0.015);
    }

    @Test
    void topPIsAFractionOfTheTopKMass() {
        float[] logits = logitsOf(0.4, 0.3, 0.2, 0.1);
        // Top-3 renormalized is 0.44, 0.33, 0.22: 0.75 of it is reached by tokens 0 and 1 (of the full mass, 0.75
        // would need token 2 too).
        SamplingParams p = new SamplingParams(1f, 0.75f, 3, 0, 16, null, true);
        assertDistribution(new double[] {0.4 / 0.7, 0.3 / 0.7, 0, 0}, frequencies(logits, p, 40_000), 0.01);
    }

    /**
     * The exact distribution vLLM's steps define, in double precision with a plain sort: temperature, min-p
     * relative to the top probability, top-k (lower id first on ties), top-p over what is left.
     */
    private static double[] reference(float[] logits, SamplingParams p) {
        int v = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] q = new double[v];
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < v; i++) {
            q[i] = Math.exp((logits[i] - max) / p.temperature());
            if (q[i] >= p.minP()) kept.add(i);
        }
        kept.sort(Comparator.comparingDouble((Integer i) -> -q[i]).thenComparingInt(i -> i));
        if (p.topK() > 0 && p.topK() < kept.size()) kept = kept.subList(0, p.topK());
        double mass = 0;
        for (int i : kept) mass += q[i];
        double acc = 0;
        int n = 0;
        while (n < kept.size()) {
            acc += q[kept.get(n++)];
            if (acc >= p.topP() * mass) break;
        }
        double[] out = new double[v];
        for (int j = 0; j < n; j++) out[kept.get(j)] = q[kept.get(j)] / acc;
        return out;
    }

    @ParameterizedTest(name = "vocab {0}, T {1}, top_k {2}, top_p {3}, min_p {4}")
    @CsvSource({
            "211, 1.0, 0, 1.0, 0.0",
            "211, 0.8, 0, 0.9, 0.0",
            "211, 1.0, 40, 1.0, 0.0",
            "211, 1.2, 60, 0.8, 0.0",
            "211, 1.5, 0, 0.95, 0.02",
            "211, 0.7, 25, 0.9, 0.01",
            "13, 1.0, 5, 0.6, 0.0",
            "1, 1.0, 0, 0.5, 0.0"})
    void matchesTheReferenceDistribution(int vocab, float t, int topK, float topP, float minP) {
        SplittableRandom gen = new SplittableRandom(vocab * 31L + topK);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float) (gen.nextGaussian() * 2);
        SamplingParams p = new SamplingParams(t, topP, topK, 0, 16, null, true).withMinP(minP);
        double[] expected = reference(logits, p);
        double[] actual = frequencies(logits, p, 40_000);
        double tv = 0;
        for (int i = 0; i < vocab; i++) {
            if (expected[i] == 0) assertEquals(0, actual[i], "token " + i + " is outside the reference support");
            if (expected[i] > 0.01) assertTrue(actual[i] > 0, "token " + i + " never drawn");
            tv += Math.abs(expected[i] - actual[i]) / 2;
        }
        assertTrue(tv < 0.04, "total variation " + tv);
    }

    /** A fake model: seeded logits for a request's step, so runs can be replayed. */
    private static float[] fakeLogits(long request, int step, int vocab) {
        SplittableRandom g = new SplittableRandom(request * 1_000_003L + step);
        float[] l = new float[vocab];
        for (int i = 0; i < vocab; i++) l[i] = (float) (g.nextGaussian() * 1.5);
        return l;
    }

    /** Interleaves the requests' steps on one sampler (a batch when several), each with its own generator. */
    private static int[][] generate(Sampler s, SamplingParams[] params, int steps, int vocab) {
        int n = params.length;
        int[] prompt = {3, 1, 4, 1, 5};
        int[][] out = new int[n][steps];
        SplittableRandom[] rngs = new SplittableRandom[n];
        for (int r = 0; r < n; r++) rngs[r] = new SplittableRandom(params[r].seed());
        for (int step = 0; step < steps; step++) {
            for (int r = 0; r < n; r++) {
                float[] logits = fakeLogits(r, step, vocab);
                out[r][step] = s.sample(logits, 0, params[r], rngs[r], prompt, prompt.length, out[r], step, null);
            }
        }
        return out;
    }

    @Test
    void aSeedGivesTheSameTokensAloneOrInABatch() {
        int vocab = 97;
        SamplingParams a = new SamplingParams(0.9f, 0.95f, 30, 1234, 16, null, true).withMinP(0.02f)
                .withPenalties(1.3f, 0.4f, 0.3f);
        SamplingParams b = new SamplingParams(1.1f, 1f, 0, 99, 16, null, true);
        int[] alone = generate(new Sampler(vocab), new SamplingParams[] {a}, 40, vocab)[0];
        int[][] batch = generate(new Sampler(vocab), new SamplingParams[] {a, b}, 40, vocab);
        assertArrayEquals(alone, batch[0]);
        assertArrayEquals(generate(new Sampler(vocab), new SamplingParams[] {a}, 40, vocab)[0], alone);
        int[] otherSeed = generate(new Sampler(vocab), new SamplingParams[] {a.withSeed(1235)}, 40, vocab)[0];
        assertFalse(Arrays.equals(alone, otherSeed));
    }

    @Test
    void resetThenSampleIsTheFullMethodWithTheRequestSeed() {
        int vocab = 50;
        SamplingParams p = new SamplingParams(0.8f, 0.9f, 20, 77, 16, null, true);
        Sampler old = new Sampler(vocab);
        old.reset(p);
        Sampler full = new Sampler(vocab);
        SplittableRandom rng = new SplittableRandom(77);
        int[] a = new int[30];
        int[] b = new int[30];
        for (int step = 0; step < 30; step++) {
            a[step] = old.sample(fakeLogits(5, step, vocab));
            b[step] = full.sample(fakeLogits(5, step, vocab), 0, p, rng, NONE, 0, NONE, 0, null);
        }
        assertArrayEquals(a, b);
        old.reset(p.withSeed(78));
        int[] c = new int[30];
        for (int step = 0; step < 30; step++) c[step] = old.sample(fakeLogits(5, step, vocab));
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void logprobsWithoutAHolderAreRefused() {
        Sampler s = new Sampler(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.sample(new float[3], 0, T1.withLogprobs(2), new SplittableRandom(1), NONE, 0, NONE, 0, null));
        assertEquals("logprobs=2 was requested but no TokenLogprobs was given to receive them", e.getMessage());
    }

    @Test
    void samplingAllocatesNothingPerToken() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        int vocab = 1000;
        Sampler s = new Sampler(vocab);
        float[] source = fakeLogits(1, 0, vocab);
        float[] logits = new float[vocab];
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] output = new int[64];
        TokenLogprobs lp = new TokenLogprobs();
        SamplingParams[] all = {
                new SamplingParams(0.9f, 0.9f, 40, 1, 16, null, true).withMinP(0.01f).withPenalties(1.2f, 0.5f, 0.5f)
                        .withLogprobs(20),
                new SamplingParams(1f, 1f, 0, 1, 16, null, true),
                new SamplingParams(1f, 0.8f, 0, 1, 16, null, true),
                SamplingParams.greedy(16).withPenalties(1.1f, 0, 0).withLogprobs(5)};
        SplittableRandom rng = new SplittableRandom(3);
        Runnable run = () -> {
            for (int i = 0; i < 500; i++) {
                SamplingParams p = all[i % all.length];
                System.arraycopy(source, 0, logits, 0, vocab);
                output[i % 64] = s.sample(logits, 0, p, rng, prompt, prompt.length, output, 64, lp);
            }
        };
        run.run();   // warm-up: class loading and any lazy initialization
        long before = threads.getCurrentThreadAllocatedBytes();
        run.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 500 tokens: even one 16-byte object per token would be 8000 bytes.
        assertTrue(allocated < 4000, allocated + " bytes allocated over 500 tokens");
    }
}
