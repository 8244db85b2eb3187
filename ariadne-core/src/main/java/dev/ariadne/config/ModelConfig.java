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
        MoeConfig moe) {

    /** A dense model (no mixture of experts). */
    public ModelConfig(Architecture architecture, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                       int numHeads, int numKvHeads, int headDim, float rmsNormEps, double ropeTheta,
                       RopeStyle ropeStyle, int contextLength, boolean tiedEmbeddings, int bosId, int eosId,
                       RotaryScaling ropeScaling, DcaConfig dualChunk) {
        this(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, ropeTheta, ropeStyle, contextLength, tiedEmbeddings, bosId, eosId, ropeScaling, dualChunk,
                null);
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
                headDim, rmsNormEps, ropeTheta, ropeStyle, contextLength, tiedEmbeddings, bosId, eosId, r, dualChunk, moe);
    }

    /** The same model with Dual Chunk Attention (a start-up override), or without it when null. */
    public ModelConfig withDualChunk(DcaConfig d) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, rmsNormEps, ropeTheta, ropeStyle, contextLength, tiedEmbeddings, bosId, eosId, ropeScaling, d, moe);
    }

    /** Width of the widest FFN projection a token runs: the dense MLP's, or one expert's. */
    public int ffnWidth() {
        return moe != null ? moe.expertIntermediate() : intermediateSize;
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
