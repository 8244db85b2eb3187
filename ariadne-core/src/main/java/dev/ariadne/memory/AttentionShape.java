package dev.ariadne.memory;

import dev.ariadne.config.MlaConfig;

/**
 * The attention of one layer: {@code heads} query heads, {@code kvHeads} key/value heads of {@code headDim} (GQA), of
 * which {@code rotaryDim} dimensions are rotated; or, when {@code mla} is set, multi-head latent attention.
 */
public record AttentionShape(int heads, int kvHeads, int headDim, int rotaryDim,
                             boolean qkvBias, boolean outputBias, boolean qkNorm, MlaConfig mla) {

    public boolean isMla() {
        return mla != null;
    }

    /**
     * Key/value heads one rank holds under tensor parallelism (vLLM {@code QKVParallelLinear}): split when there are
     * at least as many heads as ranks, otherwise each rank keeps one head (replicated {@code tp / kvHeads} times).
     * MLA caches a single latent that every rank keeps whole.
     */
    public int kvHeadsPerRank(int tp) {
        if (isMla()) return 1;
        return kvHeads >= tp ? Math.ceilDiv(kvHeads, tp) : 1;
    }

    public int headsPerRank(int tp) {
        return Math.ceilDiv(heads, tp);
    }

    /** Width of one query head: {@code headDim}, or nope + rope for MLA. */
    public int queryHeadDim() {
        return isMla() ? mla.qkHeadDim() : headDim;
    }

    /** Width of one value head. */
    public int valueHeadDim() {
        return isMla() ? mla.vHeadDim() : headDim;
    }
}
