package dev.ariadne.config;

import dev.ariadne.json.JsonObject;

/**
 * Dual Chunk Attention ({@code dual_chunk_attention_config} of Qwen2.5-7B/14B-Instruct-1M). Queries attend to their
 * own chunk, the previous one and everything earlier with three rotations; {@code chunkLen = chunkSize - localSize}.
 */
public record DcaConfig(int chunkSize, int localSize, int originalMaxPositions) {

    public DcaConfig {
        if (chunkSize < 1 || localSize < 0 || localSize >= chunkSize || originalMaxPositions < 0) {
            throw new IllegalArgumentException("dual_chunk_attention_config needs chunk_size > local_size >= 0 and"
                    + " original_max_position_embeddings >= 0, found chunk_size " + chunkSize + ", local_size "
                    + localSize + ", original_max_position_embeddings " + originalMaxPositions);
        }
    }

    public static DcaConfig from(JsonObject o) {
        return new DcaConfig(o.getInt("chunk_size"), o.getInt("local_size", 0),
                o.getInt("original_max_position_embeddings", 0));
    }

    public int chunkLen() {
        return chunkSize - localSize;
    }

    /**
     * The length-dependent scale, vLLM's {@code scaling_factor}: {@code max(1, 0.1 ln(len / original) + 1)} with
     * {@code original = original_max_position_embeddings}; 1 when that is 0. It multiplies the cached keys and the
     * queries, so the softmax logits grow by its square.
     */
    public float lengthScale(int sequenceLength) {
        if (originalMaxPositions <= 0) return 1f;
        return (float) Math.max(1.0, 0.1 * Math.log((double) sequenceLength / originalMaxPositions) + 1.0);
    }

    /** Context length above which vLLM's DCA backend switches to vertical-and-slash sparse attention. */
    public static final int SPARSE_THRESHOLD = 32_768;
    /** Queries vLLM's DCA backend scores against the whole context to pick the sparse pattern. */
    public static final int SPARSE_LAST_Q = 64;
}
