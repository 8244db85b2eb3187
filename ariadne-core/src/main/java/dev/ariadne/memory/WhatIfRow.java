package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

/**
 * One row of the what-if table: a max-model-len and a KV dtype, what one request costs per rank, and with a known
 * budget the blocks and concurrency ({@code numBlocks} -1 and {@code concurrency} NaN when the budget is unknown).
 * {@code deviceMemoryForOne} is the memory per rank one request of this length needs at the plan's utilization.
 */
public record WhatIfRow(int maxModelLen, KvCacheDType kvCacheDtype, long kvBytesPerToken, long kvBytesPerRequest,
                        long numBlocks, double concurrency, long deviceMemoryForOne, String note) {

    public boolean budgetKnown() {
        return numBlocks >= 0;
    }

    public boolean fits() {
        return budgetKnown() && concurrency >= 1.0;
    }
}
