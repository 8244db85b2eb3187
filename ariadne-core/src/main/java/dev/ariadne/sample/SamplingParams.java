package dev.ariadne.sample;

import java.util.Arrays;
import java.util.List;

/**
 * How to pick the next token, per request: the subset of vLLM's SamplingParams that Ariadne implements. Error
 * messages name the vLLM / OpenAI field, since that is what a client sent. Build with the 7-argument constructor or
 * {@link #greedy(int)}, then the {@code with...} methods; the canonical constructor is long on purpose only because
 * a record needs one.
 *
 * @param temperature       0 (below 1e-5, as vLLM) for greedy: argmax after penalties, lowest id on ties
 * @param topP              nucleus mass in (0, 1]; 1 disables
 * @param topK              keep the k most likely (lower id first on ties); 0 or less disables
 * @param seed              seeds this request's generator: the same seed gives the same output
 * @param maxTokens         tokens to generate at most
 * @param stopTokenIds      generation ends after one of these (the model's end-of-sequence ids, unless ignoreEos)
 * @param ignoreEos         keep generating through end-of-sequence tokens (the reference runs do)
 * @param minP              drop tokens whose probability is below minP times the top token's (after temperature);
 *                          in [0, 1], 0 disables
 * @param repetitionPenalty over prompt and output tokens: a positive logit is divided by it, a negative one
 *                          multiplied; > 0, 1 disables
 * @param presencePenalty   subtracted once from every token already in the output; in [-2, 2], 0 disables
 * @param frequencyPenalty  subtracted per occurrence in the output; in [-2, 2], 0 disables
 * @param logprobs          top logprobs to return per generated token, at most {@link #MAX_LOGPROBS}; 0 returns
 *                          only the sampled token's, -1 none
 * @param stop              stop strings (matched on the detokenized text by output processing); immutable, never null
 */
public record SamplingParams(float temperature, float topP, int topK, long seed, int maxTokens, int[] stopTokenIds,
                             boolean ignoreEos, float minP, float repetitionPenalty, float presencePenalty,
                             float frequencyPenalty, int logprobs, List<String> stop) {

    /** vLLM's default max_logprobs: a bound keeps the per-token result small and its holder preallocated. */
    public static final int MAX_LOGPROBS = 20;

    /** vLLM's _SAMPLING_EPS: below it a temperature is greedy (dividing by it would overflow). */
    private static final float GREEDY_BELOW = 1e-5f;

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, found " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], found " + topP);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0, found " + maxTokens);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1], found " + minP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0 (1 disables), found "
                    + repetitionPenalty);
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw new IllegalArgumentException("presence_penalty must be in [-2, 2], found " + presencePenalty);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw new IllegalArgumentException("frequency_penalty must be in [-2, 2], found " + frequencyPenalty);
        }
        if (logprobs < -1) {
            throw new IllegalArgumentException("logprobs must be >= 0 (or -1 for none), found " + logprobs);
        }
        if (logprobs > MAX_LOGPROBS) {
            throw new IllegalArgumentException("logprobs must be at most " + MAX_LOGPROBS + ", found " + logprobs);
        }
        stopTokenIds = stopTokenIds == null ? new int[0] : stopTokenIds.clone();
        stop = copyStop(stop);
    }

    /** The original seven fields; the others are off (min_p 0, penalties neutral, no logprobs, no stop strings). */
    public SamplingParams(float temperature, float topP, int topK, long seed, int maxTokens, int[] stopTokenIds,
                          boolean ignoreEos) {
        this(temperature, topP, topK, seed, maxTokens, stopTokenIds, ignoreEos, 0f, 1f, 0f, 0f, -1, List.of());
    }

    private static List<String> copyStop(List<String> stop) {
        if (stop == null) return List.of();
        for (String s : stop) {
            if (s == null) throw new IllegalArgumentException("stop must not contain null");
            // An empty stop string would match before the first character: every request would end at once.
            if (s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
        }
        return List.copyOf(stop);
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0f, 1f, 0, 0, maxTokens, null, true);
    }

    public SamplingParams withMinP(float minP) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, ignoreEos, minP,
                repetitionPenalty, presencePenalty, frequencyPenalty, logprobs, stop);
    }

    public SamplingParams withPenalties(float repetition, float presence, float frequency) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, ignoreEos, minP,
                repetition, presence, frequency, logprobs, stop);
    }

    public SamplingParams withLogprobs(int logprobs) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, ignoreEos, minP,
                repetitionPenalty, presencePenalty, frequencyPenalty, logprobs, stop);
    }

    public SamplingParams withStop(List<String> stop) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, ignoreEos, minP,
                repetitionPenalty, presencePenalty, frequencyPenalty, logprobs, stop);
    }

    public SamplingParams withSeed(long seed) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, ignoreEos, minP,
                repetitionPenalty, presencePenalty, frequencyPenalty, logprobs, stop);
    }

    public SamplingParams withMaxTokens(int maxTokens) {
        return new SamplingParams(temperature, topP, topK, seed, maxTokens, stopTokenIds, ignoreEos, minP,
                repetitionPenalty, presencePenalty, frequencyPenalty, logprobs, stop);
    }

    public boolean isGreedy() {
        return temperature < GREEDY_BELOW;
    }

    /** Whether any of the three penalties changes logits (the sampler skips the token history otherwise). */
    public boolean hasPenalties() {
        return repetitionPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f;
    }

    public boolean stopsAt(int token) {
        if (ignoreEos) return false;
        for (int s : stopTokenIds) {
            if (s == token) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "SamplingParams[temperature=" + temperature + ", topP=" + topP + ", topK=" + topK + ", minP=" + minP
                + ", seed=" + seed + ", maxTokens=" + maxTokens + ", stopTokenIds=" + Arrays.toString(stopTokenIds)
                + ", ignoreEos=" + ignoreEos + ", repetitionPenalty=" + repetitionPenalty + ", presencePenalty="
                + presencePenalty + ", frequencyPenalty=" + frequencyPenalty + ", logprobs=" + logprobs + ", stop="
                + stop + "]";
    }
}
