package dev.ariadne.engine;

/**
 * The result of one generation.
 *
 * @param promptIds          the prompt as run
 * @param outputIds          generated tokens, in order
 * @param prefillSeconds     time from start to the first sampled token (all prompt chunks)
 * @param decodeSeconds      time for the remaining tokens, each one forward step
 * @param finishReason       {@code stop} (a stop token) or {@code length} (max tokens)
 */
public record Generation(int[] promptIds, int[] outputIds, double prefillSeconds, double decodeSeconds,
                         String finishReason) {

    public double prefillTokensPerSecond() {
        return prefillSeconds > 0 ? promptIds.length / prefillSeconds : 0;
    }

    /** Decode rate over the tokens after the first (which prefill produced). */
    public double decodeTokensPerSecond() {
        int decoded = outputIds.length - 1;
        return decoded > 0 && decodeSeconds > 0 ? decoded / decodeSeconds : 0;
    }
}
