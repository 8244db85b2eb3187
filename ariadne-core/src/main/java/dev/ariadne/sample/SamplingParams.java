package dev.ariadne.sample;

import java.util.Arrays;

/**
 * How to pick the next token, per request (vLLM's SamplingParams subset of the core issue).
 *
 * @param temperature 0 for greedy (argmax, lowest id on ties)
 * @param topP        nucleus mass in (0, 1]; 1 disables
 * @param topK        keep the k most likely; 0 or less disables
 * @param seed        seeds this request's generator: the same seed gives the same output
 * @param maxTokens   tokens to generate at most
 * @param stopTokenIds generation ends after one of these (the model's end-of-sequence ids, unless ignoreEos)
 * @param ignoreEos   keep generating through end-of-sequence tokens (the reference runs do)
 */
public record SamplingParams(float temperature, float topP, int topK, long seed, int maxTokens, int[] stopTokenIds,
                             boolean ignoreEos) {

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
        stopTokenIds = stopTokenIds == null ? new int[0] : stopTokenIds.clone();
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0f, 1f, 0, 0, maxTokens, null, true);
    }

    public boolean isGreedy() {
        return temperature == 0f;
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
        return "SamplingParams[temperature=" + temperature + ", topP=" + topP + ", topK=" + topK + ", seed=" + seed
                + ", maxTokens=" + maxTokens + ", stop=" + Arrays.toString(stopTokenIds) + ", ignoreEos="
                + ignoreEos + "]";
    }
}
