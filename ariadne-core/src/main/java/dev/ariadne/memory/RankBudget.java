package dev.ariadne.memory;

/**
 * The KV budget of one rank. With the device's memory known: {@code requested = total x utilization} and
 * {@code kv = requested - (weights + activation peak + other)} (vLLM {@code gpu_worker.py::determine_available_memory});
 * with {@code --kv-cache-memory} the KV figure is given and {@code total}/{@code requested} may be 0 (unknown).
 */
public record RankBudget(int rank, long totalMemory, long requested, Amount kv) {

    /**
     * The budget from a rank's memory: {@code kv = floor(total x utilization - nonKv)}, negative when the non-KV
     * memory alone exceeds the requested share. {@code origin} says how the KV figure was reached.
     */
    public static RankBudget fromMemory(int rank, long total, double utilization, long nonKvBytes, String origin) {
        double requested = total * utilization;
        return new RankBudget(rank, total, (long) Math.floor(requested),
                new Amount((long) Math.floor(requested - nonKvBytes), origin));
    }
}
