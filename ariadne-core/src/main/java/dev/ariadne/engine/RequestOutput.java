package dev.ariadne.engine;

import dev.ariadne.sample.SampleLogprobs;

import java.util.List;

/**
 * A finished request.
 *
 * @param requestId       the engine's id
 * @param promptIds       the prompt as run
 * @param outputIds       generated tokens
 * @param text            the output as text (stop string and what follows removed); null without a tokenizer
 * @param finishReason    {@code stop}, {@code length} or {@code abort}
 * @param stopReason      the stop string or stop token that ended it; null otherwise
 * @param numCachedTokens prompt tokens served from the prefix cache
 * @param numPreemptions  times it was preempted
 * @param arrivalNanos    {@link System#nanoTime()} when it was added
 * @param firstTokenNanos when its first token was sampled (0 if none)
 * @param finishNanos     when it finished
 * @param logprobs        per output token, when the request asked for logprobs; else null
 */
public record RequestOutput(long requestId, int[] promptIds, int[] outputIds, String text, String finishReason,
                            Object stopReason, int numCachedTokens, int numPreemptions, long arrivalNanos,
                            long firstTokenNanos, long finishNanos, List<SampleLogprobs> logprobs) {
}
