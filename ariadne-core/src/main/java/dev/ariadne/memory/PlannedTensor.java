package dev.ariadne.memory;

/**
 * One weight (or a group of identical ones: {@code count} layers' {@code q_proj}) with its size and how tensor
 * parallelism lays it out. {@code units} is the dimension {@link Sharding#VOCAB} and {@link Sharding#KV_HEADS} split
 * (vocabulary rows, KV heads); {@code bytes} is per instance.
 */
public record PlannedTensor(String name, Kind kind, Sharding sharding, long elements, long bytes, long units,
                           int count) {

    /** What the tensor is, which decides its storage type under {@link WeightDtype}. */
    public enum Kind {
        /** token embedding and lm_head */
        EMBEDDING,
        /** a linear layer's weight matrix (experts included) */
        MATRIX,
        /** norms and biases */
        VECTOR,
        /** the MoE router and its bias, kept in high precision */
        ROUTER,
        /** a runtime buffer stored with the weights (rotary cos/sin cache); not a parameter */
        BUFFER
    }

    public boolean isParameter() {
        return kind != Kind.BUFFER;
    }

    public long totalElements() {
        return elements * count;
    }

    public long totalBytes() {
        return bytes * count;
    }

    public long elementsPerRank(int tp) {
        return sharding.perRank(elements, units, tp) * count;
    }

    public long bytesPerRank(int tp) {
        return sharding.perRank(bytes, units, tp) * count;
    }
}
