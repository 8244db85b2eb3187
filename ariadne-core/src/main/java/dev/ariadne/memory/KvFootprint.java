package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import java.util.Locale;

/**
 * KV-cache bytes per token on one tensor-parallel rank.
 *
 * <pre>
 * GQA  per token and layer: 2 (K, V) x kv_heads_per_rank vectors of head_dim values
 * MLA  per token and layer: 1 latent of kv_lora_rank + qk_rope_head_dim values, whole on every rank
 * one vector costs KvCacheDType.vectorBytes(length): values plus scale bytes
 *
 * page  (one block of one layer) = block_size x bytesPerTokenLayer      (vLLM page_size_bytes)
 * block (all layers)             = page x layers
 * </pre>
 */
public record KvFootprint(KvCacheDType dtype, int layers, int kvHeadsPerRank, int kvHeads, int vectorLength,
                          int vectorsPerTokenLayer, boolean mla) {

    public static KvFootprint of(ModelShape m, int tp, KvCacheDType dtype) {
        AttentionShape a = m.attention();
        if (a.isMla()) {
            return latent(dtype, m.numLayers(), a.mla().latentWidth());
        }
        int perRank = a.kvHeadsPerRank(tp);
        return new KvFootprint(dtype, m.numLayers(), perRank, a.kvHeads(), a.headDim(), 2 * perRank, false);
    }

    /** Grouped-query attention on one rank: {@code kvHeads} K and V heads of {@code headDim} values per layer. */
    /** Latent attention: one row of {@code width} values (c_kv + k_pe) per token and layer, on every rank. */
    public static KvFootprint latent(KvCacheDType dtype, int layers, int width) {
        return new KvFootprint(dtype, layers, 1, 1, width, 1, true);
    }

    public static KvFootprint gqa(KvCacheDType dtype, int layers, int kvHeads, int headDim) {
        return new KvFootprint(dtype, layers, kvHeads, kvHeads, headDim, 2 * kvHeads, false);
    }

    public long bytesPerTokenLayer() {
        return vectorsPerTokenLayer * dtype.vectorBytes(vectorLength);
    }

    /** KV bytes one token takes on one rank, all layers. */
    public long bytesPerToken() {
        return bytesPerTokenLayer() * layers;
    }

    /** vLLM's {@code page_size_bytes}: one block of one layer. */
    public long pageBytes(int blockSize) {
        return blockSize * bytesPerTokenLayer();
    }

    /** One block over all layers. */
    public long blockBytes(int blockSize) {
        return pageBytes(blockSize) * layers;
    }

    /** How {@link #bytesPerToken()} is made up, e.g. {@code 1 of 4 KV heads x 2 (K,V) x 128 x 2 B x 48 layers}. */
    public String explain() {
        String vector = dtype.vectorBytes(vectorLength) == 2L * vectorLength ? vectorLength + " x 2 B"
                : vectorLength + " values x " + String.format(Locale.ROOT, "%.4g", dtype.bytesPerValue(vectorLength))
                        + " B (" + dtype + ", scales included)";
        if (dtype.vectorBytes(vectorLength) == (long) vectorLength) vector = vectorLength + " x 1 B";
        if (dtype.vectorBytes(vectorLength) == 4L * vectorLength) vector = vectorLength + " x 4 B";
        if (mla) {
            return "MLA latent " + vector + " x " + layers + " layers";
        }
        String heads = kvHeadsPerRank == kvHeads ? kvHeads + (kvHeads == 1 ? " KV head" : " KV heads")
                : kvHeadsPerRank + " of " + kvHeads + " KV heads";
        return heads + " x 2 (K,V) x " + vector + " x " + layers + " layers";
    }
}
