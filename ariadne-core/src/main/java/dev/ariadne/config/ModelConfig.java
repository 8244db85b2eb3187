package dev.ariadne.config;

/**
 * The hyperparameters of a decoder model, validated, whatever file they came from.
 *
 * @param headDim      per-head dimension; q width is numHeads * headDim, which may differ from hiddenSize (Qwen3)
 * @param contextLength the context length the model states (GGUF context_length / HF max_position_embeddings)
 * @param bosId        beginning-of-sequence token id, or -1
 * @param eosId        end-of-sequence token id, or -1
 * @param ropeScaling  how the rotary embedding is stretched past the trained context ({@link RotaryScaling#NONE})
 * @param dualChunk    Dual Chunk Attention ({@code dual_chunk_attention_config}), or null for plain attention
 * @param moe          the mixture-of-experts FFN (qwen3moe), or null for a dense SwiGLU MLP of intermediateSize
 * @param mla          multi-head latent attention (deepseek2), or null; with it numKvHeads is 1 (one latent per
 *                     token) and headDim is the per-head query/key width qk_nope_head_dim + qk_rope_head_dim
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        float rmsNormEps,
        double ropeTheta,
        RopeStyle ropeStyle,
        int contextLength,
        boolean tiedEmbeddings,
        int bosId,
        int eosId,
        RotaryScaling ropeScaling,
        DcaConfig dualChunk,
        MoeConfig moe,
        MlaConfig mla) {

    /** A dense model (no mixture of experts). */
    public ModelConfig(Architecture architecture, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                       int numHeads, int numKvHeads, int headDim, float rmsNormEps, double ropeTheta,
                       RopeStyle ropeStyle, int contextLength, boolean tiedEmbeddings, int bosId, int eosId,
                       RotaryScaling ropeScaling, DcaConfig dualChunk) {
        this(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, ropeTheta, ropeStyle, contextLength, tiedEmbeddings, bosId, eosId, ropeScaling, dualChunk,
                null);
    }

    /** A model with grouped-query attention (no latent attention). */
    public ModelConfig(Architecture architecture, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                       int numHeads, int numKvHeads, int headDim, float rmsNormEps, double ropeTheta,
                       RopeStyle ropeStyle, int contextLength, boolean tiedEmbeddings, int bosId, int eosId,
                       RotaryScaling ropeScaling, DcaConfig dualChunk, MoeConfig moe) {
        this(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, ropeTheta, ropeStyle, contextLength, tiedEmbeddings, bosId, eosId, ropeScaling, dualChunk,
                moe, null);
    }

    public ModelConfig {
        if (ropeScaling == null) ropeScaling = RotaryScaling.NONE;
        requirePositive("vocab size", vocabSize);
        requirePositive("hidden size", hiddenSize);
        requirePositive("intermediate size", intermediateSize);
        requirePositive("layer count", numLayers);
        requirePositive("attention head count", numHeads);
        requirePositive("KV head count", numKvHeads);
        requirePositive("head dim", headDim);
        requirePositive("context length", contextLength);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("attention head count " + numHeads
                    + " is not a multiple of the KV head count " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head dim " + headDim + " must be even for rotary embeddings");
        }
        if (architecture.moe != (moe != null)) {
            throw new IllegalArgumentException(architecture.ggufName + (architecture.moe
                    ? " needs its expert count, experts used per token and expert feed-forward length"
                    : " has no mixture of experts"));
        }
        if (architecture.mla != (mla != null)) {
            throw new IllegalArgumentException(architecture.ggufName + (architecture.mla
                    ? " needs kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim"
                    : " has no latent attention"));
        }
        if (mla != null && (numKvHeads != 1 || headDim != mla.qkHeadDim())) {
            throw new IllegalArgumentException("latent attention caches one latent per token (KV heads 1, found "
                    + numKvHeads + ") and has head dim qk_nope + qk_rope = " + mla.qkHeadDim() + " (found " + headDim
                    + ")");
        }
        if (mla != null && dualChunk != null) {
            throw new IllegalArgumentException("Dual Chunk Attention is not supported with latent attention");
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("rms_norm_eps and rope theta must be positive, found " + rmsNormEps
                    + " and " + ropeTheta);
        }
    }

    private static void requirePositive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, found " + v);
        }
    }

    /** The same model with another rope scaling (a start-up override). */
    public ModelConfig withRopeScaling(RotaryScaling r) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, rmsNormEps, ropeTheta, ropeStyle, contextLength, tiedEmbeddings, bosId, eosId, r, dualChunk,
                moe, mla);
    }

    /** The same model with Dual Chunk Attention (a start-up override), or without it when null. */
    public ModelConfig withDualChunk(DcaConfig d) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, rmsNormEps, ropeTheta, ropeStyle, contextLength, tiedEmbeddings, bosId, eosId, ropeScaling, d,
                moe, mla);
    }

    /** Width of the widest FFN projection a token runs: the dense MLP's, or one expert's. */
    public int ffnWidth() {
        return moe != null ? moe.expertIntermediate() : intermediateSize;
    }

    /** Width of the rotary part of a query head: all of it, or qk_rope_head_dim with latent attention. */
    public int ropeDim() {
        return mla != null ? mla.qkRopeHeadDim() : headDim;
    }

    /** Rows the KV cache stores per token and layer: the KV heads, or the one latent of latent attention. */
    public int cacheHeads() {
        return mla != null ? 1 : numKvHeads;
    }

    /** Values of one cached row: head dim, or kv_lora_rank + qk_rope_head_dim with latent attention. */
    public int cacheWidth() {
        return mla != null ? mla.latentWidth() : headDim;
    }

    /** Latent attention reads values from the cached key rows (their first kv_lora_rank values): no V rows. */
    public boolean cacheSharesValues() {
        return mla != null;
    }

    public int qDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Query heads per KV head (grouped-query attention). */
    public int groupSize() {
        return numHeads / numKvHeads;
    }
}
