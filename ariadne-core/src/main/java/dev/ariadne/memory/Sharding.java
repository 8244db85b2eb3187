package dev.ariadne.memory;

/**
 * How a tensor is laid out over tensor-parallel ranks, following vLLM's linear layers.
 *
 * <pre>
 * VOCAB       VocabParallelEmbedding / ParallelLMHead: vocabulary padded to a multiple of 64, rows split
 * SPLIT       ColumnParallelLinear / RowParallelLinear / FusedMoE: one dimension divided by tp
 * KV_HEADS    the K and V parts of QKVParallelLinear: heads split; with fewer heads than ranks each rank keeps one
 * REPLICATED  ReplicatedLinear (MoE router, MLA down-projections), norms, row-parallel biases, buffers
 * </pre>
 */
public enum Sharding {
    VOCAB, SPLIT, KV_HEADS, REPLICATED;

    /** vLLM's {@code DEFAULT_VOCAB_PADDING_SIZE}. */
    public static final int VOCAB_PADDING = 64;

    /**
     * The share of {@code amount} (elements or bytes of a whole tensor) one rank holds. {@code units} is what is
     * split: vocabulary rows for {@link #VOCAB}, KV heads for {@link #KV_HEADS}; unused otherwise.
     */
    public long perRank(long amount, long units, int tp) {
        return switch (this) {
            case REPLICATED -> amount;
            case SPLIT -> Math.ceilDiv(amount, tp);
            case VOCAB -> {
                long padded = Math.ceilDiv(units, VOCAB_PADDING) * VOCAB_PADDING;
                yield amount / units * Math.ceilDiv(padded, tp);
            }
            case KV_HEADS -> amount / units * (units >= tp ? Math.ceilDiv(units, tp) : 1);
        };
    }
}
