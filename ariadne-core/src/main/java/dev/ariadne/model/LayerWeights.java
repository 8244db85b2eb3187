package dev.ariadne.model;

import dev.ariadne.tensor.Linear;

/**
 * One decoder layer's weights. Linear weights stay in their stored format (memory-mapped); the small 1-D vectors
 * (norms, biases) are widened to float once at load.
 *
 * @param attnNorm [hidden]
 * @param wq       [numHeads * headDim, hidden]
 * @param wk       [numKvHeads * headDim, hidden]
 * @param wv       [numKvHeads * headDim, hidden]
 * @param bq       [numHeads * headDim] or null (qwen2 only)
 * @param bk       [numKvHeads * headDim] or null
 * @param bv       [numKvHeads * headDim] or null
 * @param qNorm    [headDim] or null (qwen3 only)
 * @param kNorm    [headDim] or null
 * @param wo       [hidden, numHeads * headDim]
 * @param ffnNorm  [hidden]
 * @param wGate    [intermediate, hidden]; null in a mixture-of-experts layer
 * @param wUp      [intermediate, hidden]; null in a mixture-of-experts layer
 * @param wDown    [hidden, intermediate]; null in a mixture-of-experts layer
 * @param moe      the router and experts in place of the dense MLP, or null
 * @param mla      latent attention (deepseek2): then wq is the query projection [numHeads * headDim, hidden] or
 *                 null (q_lora), wk and wv are null, and wo is [hidden, numHeads * v_head_dim]
 */
public record LayerWeights(
        float[] attnNorm,
        Linear wq, Linear wk, Linear wv,
        float[] bq, float[] bk, float[] bv,
        float[] qNorm, float[] kNorm,
        Linear wo,
        float[] ffnNorm,
        Linear wGate, Linear wUp, Linear wDown,
        MoeWeights moe,
        MlaWeights mla) {

    /** A layer with grouped-query attention. */
    public LayerWeights(float[] attnNorm, Linear wq, Linear wk, Linear wv, float[] bq, float[] bk, float[] bv,
                        float[] qNorm, float[] kNorm, Linear wo, float[] ffnNorm, Linear wGate, Linear wUp,
                        Linear wDown, MoeWeights moe) {
        this(attnNorm, wq, wk, wv, bq, bk, bv, qNorm, kNorm, wo, ffnNorm, wGate, wUp, wDown, moe, null);
    }

    private long attentionBytes() {
        if (mla != null) return (wq != null ? wq.byteSize() : 0) + mla.linearBytes() + wo.byteSize();
        return wq.byteSize() + wk.byteSize() + wv.byteSize() + wo.byteSize();
    }

    /** Bytes of the linear weights (the norms and biases not included). */
    long linearBytes() {
        long b = attentionBytes();
        return b + (moe != null ? moe.bytes() : wGate.byteSize() + wUp.byteSize() + wDown.byteSize());
    }

    /** Bytes of linear weights a token reads: attention, and the dense MLP or the router and {@code used} experts. */
    long activeBytes(int used) {
        long b = attentionBytes();
        return b + (moe != null ? moe.activeBytes(used) : wGate.byteSize() + wUp.byteSize() + wDown.byteSize());
    }
}
