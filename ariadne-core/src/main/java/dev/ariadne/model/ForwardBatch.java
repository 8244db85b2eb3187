package dev.ariadne.model;

import dev.ariadne.kv.KvCache;

/**
 * The input of one forward step: the tokens of several sequences, flattened, each with its position and its
 * sequence's KV cache, and which tokens' logits to return. Sized once for the engine's limits and refilled every
 * step, so building a step allocates nothing.
 *
 * <pre>
 * token index  0   1   2   3   4   5  6          (numTokens = 7)
 * tokenIds     t   t   t   t   t   t  t
 * positions    40  0   1   2   3   17 9          seq 0 decodes at 40; seq 1 prefills 0..3; ...
 * tokenSeq     0   1   1   1   1   2  3          -> seqKv[tokenSeq[i]] holds the keys token i attends to
 * logitRows    0, 4, 5, 6                        logits row r is for token logitRows[r]
 * </pre>
 */
public final class ForwardBatch {
    final int[] tokenIds;    // [maxTokens]
    final int[] positions;   // [maxTokens]
    final int[] tokenSeq;    // [maxTokens] sequence of each token
    final KvCache[] seqKv;   // [maxSeqs]
    final int[] logitRows;   // [maxSeqs] token index of each requested logits row
    final int[] seqLength;   // [maxSeqs] the sequence's length for length-dependent scales (DCA's length scale)
    final boolean[] seqRopeUnscaled; // [maxSeqs] rotate with the unscaled rope instead of the model's scaling
    final int[] seqStart;    // [maxSeqs] position of the sequence's first token of this step
    final int[] seqTokens;   // [maxSeqs] its tokens in this step
    int numTokens, numSeqs, numLogits;

    public ForwardBatch(int maxTokens, int maxSeqs) {
        tokenIds = new int[maxTokens];
        positions = new int[maxTokens];
        tokenSeq = new int[maxTokens];
        seqKv = new KvCache[maxSeqs];
        seqLength = new int[maxSeqs];
        seqRopeUnscaled = new boolean[maxSeqs];
        seqStart = new int[maxSeqs];
        seqTokens = new int[maxSeqs];
        logitRows = new int[Math.max(maxSeqs, maxTokens)];
    }

    public void clear() {
        for (int s = 0; s < numSeqs; s++) seqKv[s] = null;
        numTokens = numSeqs = numLogits = 0;
    }

    /**
     * Adds {@code count} tokens of one sequence at positions {@code start ..}, whose keys and values go to (and
     * whose attention reads) {@code kv}.
     *
     * @param logits whether to return the logits of the chunk's last token
     * @return the sequence's index in this batch
     */
    public int addSequence(KvCache kv, int[] tokens, int from, int count, int start, boolean logits) {
        if (numSeqs == seqKv.length || numTokens + count > tokenIds.length) {
            throw new IllegalArgumentException("the step exceeds its limits of " + tokenIds.length + " tokens and "
                    + seqKv.length + " sequences");
        }
        int s = numSeqs++;
        seqKv[s] = kv;
        seqLength[s] = start + count;
        seqRopeUnscaled[s] = false;
        seqStart[s] = start;
        seqTokens[s] = count;
        for (int i = 0; i < count; i++) {
            tokenIds[numTokens] = tokens[from + i];
            positions[numTokens] = start + i;
            tokenSeq[numTokens] = s;
            numTokens++;
        }
        if (logits) logitRows[numLogits++] = numTokens - 1;
        return s;
    }

    /**
     * Sets the length that length-dependent scales see for sequence {@code seq} of this step; the default is the
     * tokens up to this step's last. vLLM's Dual Chunk Attention takes {@code max(prompt length, that)}, so every
     * key of a prompt gets the scale of the whole prompt, however it is chunked.
     */
    public void setSequenceLength(int seq, int length) {
        seqLength[seq] = length;
    }

    /**
     * Rotates sequence {@code seq} of this step with the plain (unscaled) rope instead of the model's scaling: a
     * per-request YaRN request that fits the original context. The default is the model's scaling.
     */
    public void setRopeUnscaled(int seq, boolean unscaled) {
        seqRopeUnscaled[seq] = unscaled;
    }

    /** Requests the logits of every token so far (scoring); at most the row capacity. */
    public void requestAllLogits() {
        numLogits = 0;
        for (int t = 0; t < numTokens; t++) logitRows[numLogits++] = t;
    }

    public int numTokens() {
        return numTokens;
    }

    public int numSeqs() {
        return numSeqs;
    }

    public int numLogits() {
        return numLogits;
    }

    public int maxTokens() {
        return tokenIds.length;
    }

    public int maxSeqs() {
        return seqKv.length;
    }
}
