package dev.ariadne.sample;

import java.util.Arrays;

/**
 * The logprobs of one sampled token, filled by {@link Sampler} and reused from token to token: the sampled token's
 * logprob and rank, and the top-N tokens by logprob (N at most {@link SamplingParams#MAX_LOGPROBS}), highest first,
 * lower id first on ties. Logprobs are the log-softmax of the raw model output, before penalties and temperature
 * (vLLM's default {@code raw_logprobs} mode). {@link #toResult()} copies it out for the request's output.
 */
public final class TokenLogprobs {
    private final int[] topIds = new int[SamplingParams.MAX_LOGPROBS];
    // Holds raw logits while the top-N is being selected, logprobs once compute() returns.
    private final float[] topLogprobs = new float[SamplingParams.MAX_LOGPROBS];
    private int count;
    private int token = -1;
    private float logprob;
    private int rank;

    /**
     * Fills this from the raw logits {@code raw[0 .. vocab)} for the sampled {@code token}, keeping the top
     * {@code n}. Three passes over the row, no allocation; sums in double so that logprobs far below the top keep
     * their precision.
     */
    void compute(float[] raw, int vocab, int n, int token) {
        count = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float v = raw[i];
            if (v > max) max = v;
            if (n > 0 && (count < n || v > topLogprobs[count - 1])) insert(i, v, n);
        }
        double sum = 0;
        float sampled = raw[token];
        int atLeast = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp((double) raw[i] - max);
            if (raw[i] >= sampled) atLeast++;
        }
        double logZ = max + Math.log(sum);
        for (int i = 0; i < count; i++) topLogprobs[i] = (float) (topLogprobs[i] - logZ);
        this.token = token;
        this.logprob = (float) (sampled - logZ);
        this.rank = atLeast;
    }

    /**
     * Inserts token {@code id} with value {@code v} into the top list, sorted by value descending. Ids arrive in
     * increasing order, so an equal value goes after the ones already there: ties keep the lower id first.
     */
    private void insert(int id, float v, int n) {
        int pos = count < n ? count++ : n - 1;
        while (pos > 0 && v > topLogprobs[pos - 1]) {
            topIds[pos] = topIds[pos - 1];
            topLogprobs[pos] = topLogprobs[pos - 1];
            pos--;
        }
        topIds[pos] = id;
        topLogprobs[pos] = v;
    }

    /** The sampled token, or -1 before the first {@code compute}. */
    public int token() {
        return token;
    }

    public float logprob() {
        return logprob;
    }

    /** How many tokens are at least as likely as the sampled one (1 = the most likely), as vLLM counts it. */
    public int rank() {
        return rank;
    }

    /** How many top entries are filled: the request's logprobs (0 when it asked only for the sampled token). */
    public int count() {
        return count;
    }

    public int topId(int i) {
        return topIds[checkIndex(i)];
    }

    public float topLogprob(int i) {
        return topLogprobs[checkIndex(i)];
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("top entry " + i + " of " + count);
        return i;
    }

    /** An immutable copy for the request output: the one allocation per token when logprobs are requested. */
    public SampleLogprobs toResult() {
        return new SampleLogprobs(token, logprob, rank, Arrays.copyOf(topIds, count),
                Arrays.copyOf(topLogprobs, count));
    }
}
