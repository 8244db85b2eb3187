package dev.ariadne.memory;

import java.util.List;

/**
 * Parameters and weight bytes, whole and per tensor-parallel rank. {@code source} says where the sizes come from
 * ("config.json as half", "GGUF tensors").
 */
public record WeightFootprint(String source, int tensorParallel, List<PlannedTensor> tensors) {

    public WeightFootprint {
        tensors = List.copyOf(tensors);
    }

    public long parameters() {
        return tensors.stream().filter(PlannedTensor::isParameter).mapToLong(PlannedTensor::totalElements).sum();
    }

    public long parametersPerRank() {
        return tensors.stream().filter(PlannedTensor::isParameter).mapToLong(t -> t.elementsPerRank(tensorParallel))
                .sum();
    }

    /** Bytes of all parameters on one device. */
    public long parameterBytes() {
        return tensors.stream().filter(PlannedTensor::isParameter).mapToLong(PlannedTensor::totalBytes).sum();
    }

    /** Bytes one rank holds: its share of the parameters plus the buffers loaded with them. */
    public long bytesPerRank() {
        return tensors.stream().mapToLong(t -> t.bytesPerRank(tensorParallel)).sum();
    }

    public long bufferBytesPerRank() {
        return tensors.stream().filter(t -> !t.isParameter()).mapToLong(t -> t.bytesPerRank(tensorParallel)).sum();
    }

    /** Bytes per rank of the tensors every rank keeps whole. */
    public long replicatedBytesPerRank() {
        return tensors.stream().filter(t -> t.isParameter() && t.sharding() == Sharding.REPLICATED)
                .mapToLong(t -> t.bytesPerRank(tensorParallel)).sum();
    }

    /** Bytes per rank of the K/V projections, replicated when there are fewer KV heads than ranks. */
    public long kvProjectionBytesPerRank() {
        return tensors.stream().filter(t -> t.sharding() == Sharding.KV_HEADS)
                .mapToLong(t -> t.bytesPerRank(tensorParallel)).sum();
    }

    public WeightFootprint withTensorParallel(int tp) {
        return new WeightFootprint(source, tp, tensors);
    }
}
