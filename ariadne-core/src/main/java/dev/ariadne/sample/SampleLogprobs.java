package dev.ariadne.sample;

import java.util.Arrays;

/**
 * The logprobs of one generated token in a request's output (vLLM's per-position {@code Logprob} dictionary, as
 * arrays): the sampled token with its logprob and rank, and the top entries highest first. Immutable: the arrays
 * are copied in and out.
 *
 * @param token       the sampled token id
 * @param logprob     its log-probability under the raw model output
 * @param rank        how many tokens are at least as likely as it (1 = the most likely)
 * @param topIds      the most likely token ids, highest first, lower id first on ties
 * @param topLogprobs their log-probabilities, same order
 */
public record SampleLogprobs(int token, float logprob, int rank, int[] topIds, float[] topLogprobs) {

    public SampleLogprobs {
        if (topIds.length != topLogprobs.length) {
            throw new IllegalArgumentException(topIds.length + " top ids but " + topLogprobs.length + " logprobs");
        }
        topIds = topIds.clone();
        topLogprobs = topLogprobs.clone();
    }

    @Override
    public int[] topIds() {
        return topIds.clone();
    }

    @Override
    public float[] topLogprobs() {
        return topLogprobs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleLogprobs s && token == s.token && Float.compare(logprob, s.logprob) == 0
                && rank == s.rank && Arrays.equals(topIds, s.topIds) && Arrays.equals(topLogprobs, s.topLogprobs);
    }

    @Override
    public int hashCode() {
        int h = 31 * token + Float.hashCode(logprob);
        h = 31 * h + rank;
        h = 31 * h + Arrays.hashCode(topIds);
        return 31 * h + Arrays.hashCode(topLogprobs);
    }

    @Override
    public String toString() {
        return "SampleLogprobs[token=" + token + ", logprob=" + logprob + ", rank=" + rank + ", topIds="
                + Arrays.toString(topIds) + ", topLogprobs=" + Arrays.toString(topLogprobs) + "]";
    }
}
