package dev.ariadne.sample;

import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits in vLLM v1's order: penalties; then greedy argmax, or temperature,
 * min-p, top-k, top-p and a draw from the request's own generator; logprobs come from the raw row.
 *
 * <p>One instance per engine, used by one thread. Buffers are sized to the vocabulary once, so sampling allocates
 * nothing per token (a caller that wants logprobs copies them out of its {@link TokenLogprobs}). All randomness
 * comes from the generator passed in, one {@code nextDouble()} per non-greedy token and none for greedy, so a
 * request that carries its own generator samples the same tokens alone, in any batch and across preemption.
 */
public final class Sampler {
    private static final int[] NO_TOKENS = new int[0];

    private final int vocab;
    private final Penalties penalties;
    private final int[] candidates;   // [vocab] token ids still in the running, candidates[0..n)
    private final float[] probs;      // [vocab] exp((logit - max) / T), valid for candidates: the top token's is 1
    private final float[] raw;        // [vocab] the row as the model produced it, kept when logprobs are requested
    private SplittableRandom random;  // generator and params of the reset(...) + sample(logits) API
    private SamplingParams params;

    public Sampler(int vocab) {
        this.vocab = vocab;
        this.penalties = new Penalties(vocab);
        this.candidates = new int[vocab];
        this.probs = new float[vocab];
        this.raw = new float[vocab];
    }

    /** Bytes of the scratch a sampler for {@code vocab} tokens holds: candidates, probabilities, the raw row, counts. */
    public static long scratchBytes(int vocab) {
        return 16L * vocab;
    }

    /** Starts a request for {@link #sample(float[])}: keeps its params and seeds a generator from its seed. */
    public void reset(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * Samples for the request given to {@link #reset} from {@code logits[0 .. vocab)} (which it may modify). This
     * API has no token history, so penalties have nothing to act on, and no logprobs holder: a request with
     * {@code logprobs >= 0} is refused. Use the full {@code sample} for either.
     */
    public int sample(float[] logits) {
        return sample(logits, 0, params, random, NO_TOKENS, 0, NO_TOKENS, 0, null);
    }

    /**
     * Samples one token for a request.
     *
     * @param logits      {@code logits[off .. off + vocab)} is the row; it is MODIFIED in place (penalties are
     *                    applied there), so pass a copy if the raw row is needed afterwards
     * @param p           the request's params
     * @param rng         the request's own generator, advanced by one draw; unused (may be null) when greedy
     * @param promptIds   {@code promptIds[0..promptLen)}: the prompt, for the repetition penalty
     * @param outputIds   {@code outputIds[0..outputLen)}: the tokens generated so far, for all three penalties
     * @param logprobsOut receives the sampled token's logprob and rank and the top {@code p.logprobs()} when
     *                    {@code p.logprobs() >= 0} (then it must not be null); untouched otherwise, may be null
     * @return the sampled token id
     */
    public int sample(float[] logits, int off, SamplingParams p, SplittableRandom rng, int[] promptIds, int promptLen,
                      int[] outputIds, int outputLen, TokenLogprobs logprobsOut) {
        return sample(logits, off, p, rng, promptIds, promptLen, outputIds, 0, outputLen, logprobsOut);
    }

    /**
     * As above, for a request whose prompt and output share one array: {@code tokens[0 .. promptLen)} is the
     * prompt and {@code tokens[promptLen .. numTokens)} the output so far (the engine's request layout).
     */
    public int sample(float[] logits, int off, SamplingParams p, SplittableRandom rng, int[] tokens, int promptLen,
                      int numTokens, TokenLogprobs logprobsOut) {
        return sample(logits, off, p, rng, tokens, promptLen, tokens, promptLen, numTokens - promptLen, logprobsOut);
    }

    private int sample(float[] logits, int off, SamplingParams p, SplittableRandom rng, int[] promptIds,
                       int promptLen, int[] outputIds, int outputOff, int outputLen, TokenLogprobs logprobsOut) {
        boolean wantLogprobs = p.logprobs() >= 0;
        if (wantLogprobs) {
            if (logprobsOut == null) {
                throw new IllegalArgumentException("logprobs=" + p.logprobs()
                        + " was requested but no TokenLogprobs was given to receive them");
            }
            // Logprobs are of the raw output (vLLM's default mode), but penalties rewrite the row: keep it.
            System.arraycopy(logits, off, raw, 0, vocab);
        }
        penalties.apply(logits, off, p, promptIds, promptLen, outputIds, outputOff, outputLen);
        int token = p.isGreedy() ? argmax(logits, off, vocab) : draw(logits, off, p, rng);
        if (wantLogprobs) {
            logprobsOut.compute(raw, vocab, p.logprobs(), token);
        }
        return token;
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

    /** Temperature, min-p, top-k, top-p, one draw (vLLM's order: min-p sees temperature-scaled probabilities). */
    private int draw(float[] logits, int off, SamplingParams p, SplittableRandom rng) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[off + i]);
        float invT = 1f / p.temperature();
        // Relative to the top token, whose value is exactly 1, min-p's "prob < minP * maxProb" is "value < minP".
        float minP = p.minP();
        int n = 0;
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            float q = (float) Math.exp((logits[off + i] - max) * invT);
            if (q > 0 && q >= minP) {
                probs[i] = q;
                candidates[n++] = i;
                sum += q;
            }
        }
        if (n == 0) return argmax(logits, off, vocab);   // no finite logit: nothing to draw from
        int k = p.topK();
        float topP = p.topP();
        double mass = sum;   // what top-p's fraction and the draw are relative to
        if (k > 0 && k < n) {
            selectTop(n, k);
            n = k;
            mass = 0;
            for (int i = 0; i < n; i++) mass += probs[candidates[i]];
            if (topP < 1f) sortByProbDescending(n);
        } else if (topP < 1f) {
            n = dropOutsideAnyNucleus(n, sum, topP);
            sortByProbDescending(n);
        }
        // With top-p at 1 the candidates stay unsorted: the draw is exact in any fixed order, and skipping the
        // sort keeps plain temperature sampling O(vocab).
        if (topP < 1f) {
            // The nucleus: the shortest most-likely-first prefix holding topP of the mass (vLLM keeps a token
            // while the mass before it is below topP, the same set).
            double target = topP * mass;
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += probs[candidates[i]];
                if (acc >= target) {
                    n = i + 1;
                    break;
                }
            }
            mass = acc;
        }
        double r = rng.nextDouble() * mass;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += probs[candidates[i]];
            if (r < acc) return candidates[i];
        }
        return candidates[n - 1];   // r within rounding of the total: the last candidate (positive, like all)
    }

    /**
     * Drops candidates that no nucleus can need (llama2.c's cut, which keeps the sort short): the tokens below
     * {@code (1 - topP) / (n - 1)} of the mass are at most n - 1 (the top token, at 1, stays), so together they hold
     * less than {@code 1 - topP}, and the most likely others already reach topP.
     */
    private int dropOutsideAnyNucleus(int n, double sum, float topP) {
        if (n < 2) return n;
        float cutoff = (float) Math.min(1.0, (1 - topP) / (n - 1) * sum);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int t = candidates[i];
            if (probs[t] >= cutoff) candidates[kept++] = t;
        }
        return kept;
    }

    /**
     * Moves the k most likely of candidates[0..n) (lower id first on ties) into candidates[0..k), in no particular
     * order: quickselect, O(n) expected, where sorting the whole vocabulary for top-k would be O(n log n).
     */
    private void selectTop(int n, int k) {
        int lo = 0, hi = n - 1;
        while (lo < hi) {
            int pivot = candidates[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (before(candidates[i], pivot)) i++;
                while (before(pivot, candidates[j])) j--;
                if (i <= j) {
                    swap(i++, j--);
                }
            }
            // Now [lo..j] come before or at the pivot, [i..hi] at or after it, and j < i: keep the side with k - 1.
            if (k - 1 <= j) {
                hi = j;
            } else if (k - 1 >= i) {
                lo = i;
            } else {
                return;
            }
        }
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
                    swap(i++, j--);
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

    private void swap(int a, int b) {
        int t = candidates[a];
        candidates[a] = candidates[b];
        candidates[b] = t;
    }

    private boolean before(int a, int b) {
        return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
    }
}
