package dev.ariadne.memory;

import java.util.Comparator;
import java.util.List;

/**
 * One deployment's memory per rank: the non-KV items (the same on every rank) and each rank's KV budget. vLLM sizes
 * every rank's cache by the smallest budget, so {@link #smallest()} decides the blocks.
 */
public record MemoryBudget(double utilization, Amount weights, Amount activation, Amount other,
                           List<RankBudget> ranks) {

    public MemoryBudget {
        ranks = List.copyOf(ranks);
    }

    public boolean known() {
        return !ranks.isEmpty();
    }

    public RankBudget smallest() {
        return ranks.stream().min(Comparator.comparingLong(r -> r.kv().bytes())).orElseThrow();
    }

    public long nonKvBytes() {
        return weights.bytes() + activation.bytes() + other.bytes();
    }

    /** Device memory one rank needs for {@code kvBytes} of KV cache at this utilization. */
    public long deviceMemoryFor(long kvBytes) {
        return (long) Math.ceil((nonKvBytes() + kvBytes) / utilization);
    }

    /** Whether every rank's memory is known (not only a given KV figure). */
    public boolean totalsKnown() {
        return known() && ranks.stream().allMatch(r -> r.totalMemory() > 0);
    }
}
