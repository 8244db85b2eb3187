package dev.ariadne.sample;

import java.util.SplittableRandom;

/**
 * Picks a token from logits: greedy argmax, or temperature, top-k and top-p (nucleus) sampling with a per-request
 * seeded generator. Buffers are sized to the vocabulary once, so sampling allocates nothing per token.
 */
public final class Sampler {
    private final int vocab;
    private final int[] candidates;   // token ids under consideration
    private final float[] probs;      // [vocab] probabilities
    private SplittableRandom random;
    private SamplingParams params;

    public Sampler(int vocab) {
        this.vocab = vocab;
        this.candidates = new int[vocab];
        this.probs = new float[vocab];
    }

    /** Starts a new request: resets the generator from the request's seed. */
    public void reset(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /** Argmax with the lowest id winning ties, as llama.cpp's greedy sampler. */
    public static int argmax(float[] logits, int off, int n) {
        int best = 0;
        float bestValue = logits[off];
        for (int i = 1; i < n; i++) {
            if (logits[off + i] > bestValue) {
                bestValue = logits[off + i];
                best = i;
            }
        }
        return best;
    }

    /**
     * Samples for one request from {@code logits[off .. off + vocab)} with the request's own generator.
     * {@code tokens[0 .. numTokens)} are its prompt ({@code promptLen}) and output so far.
     */
    public int sample(float[] logits, int off, SamplingParams p, SplittableRandom rng, int[] tokens, int promptLen,
                      int numTokens) {
        if (p.isGreedy()) return argmax(logits, off, vocab);
        if (off != 0) System.arraycopy(logits, off, logits, 0, vocab);
        this.params = p;
        this.random = rng;
        return sample(logits);
    }

    public int sample(float[] logits) {
        if (params.isGreedy()) {
            return argmax(logits, 0, vocab);
        }
        float invT = 1f / params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            float p = (float) Math.exp((logits[i] - max) * invT);
            probs[i] = p;
            sum += p;
        }
        int n = 0;
        // Candidates: top-k if set; otherwise everything that could be in the nucleus. A token below
        // (1 - top_p) / (vocab - 1) of the mass can never be needed to reach top_p (llama2.c's cut), which keeps
        // the sort short.
        float cutoff = params.topP() < 1f ? (float) ((1 - params.topP()) / (vocab - 1) * sum) : 0f;
        for (int i = 0; i < vocab; i++) {
            if (probs[i] >= cutoff) candidates[n++] = i;
        }
        sortByProbDescending(n);
        if (params.topK() > 0 && params.topK() < n) {
            n = params.topK();
        }
        double kept = 0;
        for (int i = 0; i < n; i++) kept += probs[candidates[i]];
        if (params.topP() < 1f) {
            double target = params.topP() * kept;
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += probs[candidates[i]];
                if (acc >= target) {
                    n = i + 1;
                    kept = acc;
                    break;
                }
            }
        }
        double r = random.nextDouble() * kept;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += probs[candidates[i]];
            if (r < acc) return candidates[i];
        }
        return candidates[n - 1];
    }

    /** Sorts candidates[0..n) by probability, highest first, lower id first on ties (no boxing). */
    private void sortByProbDescending(int n) {
        quicksort(0, n - 1);
    }

    private void quicksort(int lo, int hi) {
        while (lo < hi) {
            if (hi - lo < 16) {
                for (int i = lo + 1; i <= hi; i++) {
                    int c = candidates[i];
                    int j = i - 1;
                    while (j >= lo && before(c, candidates[j])) {
                        candidates[j + 1] = candidates[j];
                        j--;
                    }
                    candidates[j + 1] = c;
                }
                return;
            }
            int pivot = candidates[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (before(candidates[i], pivot)) i++;
                while (before(pivot, candidates[j])) j--;
                if (i <= j) {
                    int t = candidates[i];
                    candidates[i] = candidates[j];
                    candidates[j] = t;
                    i++;
                    j--;
                }
            }
            // Recurse into the smaller side, loop on the larger: bounded stack depth.
            if (j - lo < hi - i) {
                quicksort(lo, j);
                lo = i;
            } else {
                quicksort(i, hi);
                hi = j;
            }
        }
    }

    private boolean before(int a, int b) {
        return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
    }
}
