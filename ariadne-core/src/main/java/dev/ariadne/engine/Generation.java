package dev.ariadne.engine;

import dev.ariadne.sample.SampleLogprobs;

import java.util.List;

/**
 * The result of one generation.
 *
 * @param promptIds          the prompt as run
 * @param outputIds          generated tokens, in order
 * @param prefillSeconds     time from start to the first sampled token (all prompt chunks)
 * @param decodeSeconds      time for the remaining tokens, each one forward step
 * @param finishReason       {@code stop} (a stop token or string), {@code length} (max tokens) or {@code abort}
 * @param text               the output as text; null when the model has no tokenizer
 * @param numCachedTokens    prompt tokens served from the prefix cache
 * @param numPreemptions     times the request was preempted (its KV dropped or swapped out) and resumed
 * @param logprobs           per output token when the request asked for logprobs, else null
 */
public record Generation(int[] promptIds, int[] outputIds, double prefillSeconds, double decodeSeconds,
                         String finishReason, String text, int numCachedTokens, int numPreemptions,
                         List<SampleLogprobs> logprobs) {

    static Generation of(RequestOutput o) {
        double prefill = o.firstTokenNanos() > 0 ? (o.firstTokenNanos() - o.arrivalNanos()) / 1e9 : 0;
        double decode = o.firstTokenNanos() > 0 && o.outputIds().length > 1
                ? (o.finishNanos() - o.firstTokenNanos()) / 1e9 : 0;
        return new Generation(o.promptIds(), o.outputIds(), prefill, decode, o.finishReason(), o.text(),
                o.numCachedTokens(), o.numPreemptions(), o.logprobs());
    }

    public double prefillTokensPerSecond() {
        return prefillSeconds > 0 ? promptIds.length / prefillSeconds : 0;
    }

    /** Decode rate over the tokens after the first (which prefill produced). */
    public double decodeTokensPerSecond() {
        int decoded = outputIds.length - 1;
        return decoded > 0 && decodeSeconds > 0 ? decoded / decodeSeconds : 0;
    }
}
