package dev.ariadne.memory;

/**
 * The cos/sin table vLLM builds for rotary embeddings when it loads a model; it sits with the weights and shows in
 * vLLM's "model weights take" figure. {@code (positions, rotary_dim)} in the activation type, one per model.
 *
 * <pre>
 * plain, llama3            max_position_embeddings rows                (Qwen3-30B-A3B: 40,960 x 128 x 2 B = 10 MiB)
 * linear, dynamic          max_position_embeddings x factor rows
 * yarn, deepseek_yarn      original_max_position_embeddings x factor   (Qwen3 yarn x4: 131,072 x 128 x 2 B = 32 MiB)
 * dual chunk               4 x chunk_len (query rotations) + max_position_embeddings (keys)
 * </pre>
 */
public final class RotaryCache {
    private RotaryCache() {
    }

    public static long rows(ModelShape m) {
        if (m.dca() != null) {
            return 4L * m.dca().chunkLen() + m.maxPositionEmbeddings();
        }
        RopeScaling r = m.rope();
        if (r == null || r.type().equals("llama3") || r.type().equals("longrope") || r.type().equals("su")) {
            return m.maxPositionEmbeddings();
        }
        long base = r.isYarn() && r.originalMaxPositions() > 0 ? r.originalMaxPositions() : m.maxPositionEmbeddings();
        return (long) (base * r.factor());
    }

    public static PlannedTensor vllmBuffer(ModelShape m, int activationBytes) {
        long elements = rows(m) * m.attention().rotaryDim();
        return new PlannedTensor("rotary_emb.cos_sin_cache (buffer, " + ByteSize.count(rows(m)) + " positions)",
                PlannedTensor.Kind.BUFFER, Sharding.REPLICATED, elements, elements * activationBytes, 0, 1);
    }
}
