package dev.ariadne.memory;

/**
 * Multi-head latent attention (DeepSeek-V2/V3): the cache holds one latent of {@code kvLoraRank} values and one shared
 * rope key of {@code qkRopeHeadDim} values per token and layer. {@code qLoraRank} is 0 when queries are not
 * low-rank (DeepSeek-V2-Lite).
 */
public record MlaShape(int qLoraRank, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim) {

    /** Values cached per token and layer: {@code kv_lora_rank + qk_rope_head_dim} (576 for DeepSeek-V3). */
    public int latentWidth() {
        return kvLoraRank + qkRopeHeadDim;
    }

    public int qkHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }
}
