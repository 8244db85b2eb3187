package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The what-if table: rows for 32K, 64K, 128K and 1M tokens (plus the plan's own length) times KV dtypes. */
public final class WhatIfTable {
    public static final List<Integer> LENGTHS = List.of(32_768, 65_536, 131_072, 1_048_576);

    private WhatIfTable() {
    }

    public static List<WhatIfRow> build(ModelShape m, int tp, MemoryBudget budget, int blockSize, int planLen,
                                        List<KvCacheDType> dtypes) {
        TreeSet<Integer> lengths = new TreeSet<>(LENGTHS);
        lengths.add(planLen);
        List<WhatIfRow> rows = new ArrayList<>();
        for (int len : lengths) {
            String note = len > m.derivedMaxModelLen()
                    ? "beyond the model's " + ByteSize.count(m.derivedMaxModelLen()) + " positions: needs rope scaling"
                    : "";
            for (KvCacheDType dtype : dtypes) {
                KvFootprint kv = KvFootprint.of(m, tp, dtype);
                try {
                    kv.bytesPerToken();
                } catch (IllegalArgumentException e) {
                    continue; // e.g. q4_0 on a head size that is not a multiple of 32
                }
                long perRequest = Math.ceilDiv(len, blockSize) * kv.blockBytes(blockSize);
                long blocks = -1;
                double concurrency = Double.NaN;
                if (budget.known()) {
                    KvCapacity c = KvCapacity.of(budget.smallest().kv().bytes(), kv, blockSize, len);
                    blocks = c.numBlocks();
                    concurrency = c.concurrency();
                }
                rows.add(new WhatIfRow(len, dtype, kv.bytesPerToken(), perRequest, blocks, concurrency,
                        budget.deviceMemoryFor(perRequest), note));
            }
        }
        return List.copyOf(rows);
    }
}
