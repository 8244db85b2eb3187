package dev.ariadne.sample;

/**
 * Repetition, frequency and presence penalties on one row of logits, as vLLM's {@code apply_penalties}: for each
 * distinct token, first the repetition penalty if it occurs in the prompt or the output (a positive logit divided
 * by it, any other multiplied), then {@code frequency * count} and {@code presence} for tokens in the output.
 *
 * <p>vLLM builds a vocabulary-sized count tensor per step; here one scratch {@code counts} array serves every call
 * and is cleared by touching only the tokens that were counted, so a call costs O(prompt + output), not O(vocab).
 */
final class Penalties {
    private final int vocab;
    private final int[] counts;   // [vocab] output occurrences during a call, -1 once applied; all 0 between calls

    Penalties(int vocab) {
        this.vocab = vocab;
        this.counts = new int[vocab];
    }

    /** Applies {@code p}'s penalties to {@code logits[off .. off + vocab)} in place. */
    void apply(float[] logits, int off, SamplingParams p, int[] promptIds, int promptLen, int[] outputIds,
               int outputLen) {
        apply(logits, off, p, promptIds, promptLen, outputIds, 0, outputLen);
    }

    /** As above, with the output at {@code outputIds[outputOff .. outputOff + outputLen)}. */
    void apply(float[] logits, int off, SamplingParams p, int[] promptIds, int promptLen, int[] outputIds,
               int outputOff, int outputLen) {
        if (!p.hasPenalties()) return;
        float repetition = p.repetitionPenalty();
        float frequency = p.frequencyPenalty();
        float presence = p.presencePenalty();
        int counted = 0;   // outputIds[0..counted) and promptIds[0..marked) are what the finally block clears
        int marked = 0;
        try {
            for (; counted < outputLen; counted++) {
                counts[checked(outputIds[outputOff + counted])]++;
            }
            for (int i = 0; i < outputLen; i++) {
                int t = outputIds[outputOff + i];
                int c = counts[t];
                if (c > 0) {
                    float l = repeat(logits[off + t], repetition);
                    logits[off + t] = l - frequency * c - presence;
                    counts[t] = -1;   // applied: later occurrences of t skip it
                }
            }
            if (repetition != 1f) {
                for (; marked < promptLen; marked++) {
                    int t = checked(promptIds[marked]);
                    if (counts[t] == 0) {
                        logits[off + t] = repeat(logits[off + t], repetition);
                        counts[t] = -1;
                    }
                }
            }
        } finally {
            // Only ids that passed checked() are here, so clearing cannot throw; a bad id leaves counts clean.
            for (int i = 0; i < counted; i++) counts[outputIds[outputOff + i]] = 0;
            for (int i = 0; i < marked; i++) counts[promptIds[i]] = 0;
        }
    }

    private static float repeat(float logit, float penalty) {
        return logit > 0 ? logit / penalty : logit * penalty;
    }

    private int checked(int token) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocab);
        }
        return token;
    }
}
