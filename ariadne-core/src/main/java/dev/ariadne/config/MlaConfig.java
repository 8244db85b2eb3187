package dev.ariadne.config;

/**
 * Multi-head latent attention (DeepSeek-V2/V3). Keys and values are not cached per head: per token and layer the
 * cache holds one latent {@code c_kv} of {@code kvLoraRank} values (RMS-normed) and one rope key {@code k_pe} of
 * {@code qkRopeHeadDim} values shared by every head. Per head, keys are {@code [k_nope (qkNopeHeadDim) | k_pe]} and
 * values {@code vHeadDim} wide, both decompressed from the latent by {@code kv_b_proj}.
 *
 * @param qLoraRank      width of the low-rank query (q_a_proj); 0 when queries are one projection (DeepSeek-V2-Lite)
 * @param kvLoraRank     width of the latent c_kv (512 in V3)
 * @param qkNopeHeadDim  per-head query/key values without rotary embedding (128 in V3)
 * @param qkRopeHeadDim  per-head query/key values with rotary embedding, one shared key (64 in V3)
 * @param vHeadDim       per-head value width (128 in V3)
 */
public record MlaConfig(int qLoraRank, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim) {

    public MlaConfig {
        if (qLoraRank < 0 || kvLoraRank <= 0 || qkNopeHeadDim <= 0 || qkRopeHeadDim <= 0 || vHeadDim <= 0) {
            throw new IllegalArgumentException("MLA needs positive kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim"
                    + " and v_head_dim (q_lora_rank 0 or more), found " + kvLoraRank + ", " + qkNopeHeadDim + ", "
                    + qkRopeHeadDim + ", " + vHeadDim + " (" + qLoraRank + ")");
        }
        if (qkRopeHeadDim % 2 != 0) {
            throw new IllegalArgumentException("qk_rope_head_dim " + qkRopeHeadDim + " must be even");
        }
    }

    /**
     * A config.json's {@code q_lora_rank} (null: one query projection), {@code kv_lora_rank}, {@code qk_nope_head_dim},
     * {@code qk_rope_head_dim} and {@code v_head_dim}; null when it has no {@code kv_lora_rank} (no latent attention).
     */
    public static MlaConfig fromConfig(dev.ariadne.json.JsonObject c) {
        if (!c.has("kv_lora_rank")) return null;
        return new MlaConfig(c.getInt("q_lora_rank", 0), c.getInt("kv_lora_rank"), c.getInt("qk_nope_head_dim"),
                c.getInt("qk_rope_head_dim"), c.getInt("v_head_dim"));
    }

    /** Values cached per token and layer: {@code kv_lora_rank + qk_rope_head_dim} (576 for DeepSeek-V3). */
    public int latentWidth() {
        return kvLoraRank + qkRopeHeadDim;
    }

    public int qkHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }
}
