package dev.ariadne.memory;

/**
 * The KV budget of one rank. With the device's memory known: {@code requested = total x utilization} and
 * {@code kv = requested - (weights + activation peak + other)} (vLLM {@code gpu_worker.py::determine_available_memory});
 * with {@code --kv-cache-memory} the KV figure is given and {@code total}/{@code requested} may be 0 (unknown).
 */
public record RankBudget(int rank, long totalMemory, long requested, Amount kv) {
}
