package dev.ariadne.engine;

import dev.ariadne.sample.SampleLogprobs;

/** Receives one request's output as the engine produces it, on the engine's thread. */
public interface RequestListener {
    /**
     * A token was sampled.
     *
     * @param index     its index in the output; -1 (with token -1) for text released only at the end, when the
     *                  request finishes (held back for a possible stop string or an unfinished character)
     * @param textDelta the text it completes (may be empty, held back for a stop string or an unfinished UTF-8
     *                  character); empty without a tokenizer
     * @param logprobs  the token's logprobs when the request asked for them, else null
     */
    void onToken(long requestId, int index, int token, String textDelta, SampleLogprobs logprobs);

    /** The request finished (after its last {@link #onToken}). */
    void onFinish(RequestOutput output);
}
