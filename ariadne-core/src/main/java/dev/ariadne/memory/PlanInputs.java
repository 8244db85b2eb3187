package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import java.util.List;

/**
 * What the user tells the planner (the flags of {@code ariadne plan}); null or empty means "derive it". Memory lists
 * hold one value for every rank or one per rank.
 */
public record PlanInputs(int tensorParallel, List<Long> deviceMemory, double utilization, WeightDtype dtype,
                         KvCacheDType kvCacheDtype, int blockSize, Integer maxModelLen, int maxNumBatchedTokens,
                         RopeScaling ropeScaling, List<Long> kvCacheMemory, Long weightsMemory,
                         Long activationMemory, Long otherMemory) {

    public static final double DEFAULT_UTILIZATION = 0.90;
    public static final int DEFAULT_BLOCK_SIZE = 16;
    public static final int DEFAULT_MAX_NUM_BATCHED_TOKENS = 2048;

    public PlanInputs {
        deviceMemory = List.copyOf(deviceMemory);
        kvCacheMemory = List.copyOf(kvCacheMemory);
        if (tensorParallel < 1) throw new IllegalArgumentException("--tensor-parallel-size must be at least 1");
        if (!(utilization > 0 && utilization <= 1)) {
            throw new IllegalArgumentException("--gpu-memory-utilization must be in (0, 1], got " + utilization);
        }
        if (blockSize < 1) throw new IllegalArgumentException("--block-size must be at least 1");
        if (maxModelLen != null && maxModelLen < 1) throw new IllegalArgumentException("--max-model-len must be positive");
        if (maxNumBatchedTokens < 1) throw new IllegalArgumentException("--max-num-batched-tokens must be positive");
        perRank("--device-memory", deviceMemory, tensorParallel);
        perRank("--kv-cache-memory", kvCacheMemory, tensorParallel);
    }

    private static void perRank(String flag, List<Long> values, int tp) {
        if (values.size() > 1 && values.size() != tp) {
            throw new IllegalArgumentException(flag + " lists " + values.size() + " values for " + tp
                    + " ranks: give one value for all ranks or one per rank");
        }
        for (long v : values) {
            if (v < 0) throw new IllegalArgumentException(flag + " cannot be negative");
        }
    }

    /** The value of a per-rank list for {@code rank}. */
    static long forRank(List<Long> values, int rank) {
        return values.size() == 1 ? values.getFirst() : values.get(rank);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction for code and tests; unset fields take the defaults above. */
    public static final class Builder {
        private int tensorParallel = 1;
        private List<Long> deviceMemory = List.of();
        private double utilization = DEFAULT_UTILIZATION;
        private WeightDtype dtype;
        private KvCacheDType kvCacheDtype;
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private Integer maxModelLen;
        private int maxNumBatchedTokens = DEFAULT_MAX_NUM_BATCHED_TOKENS;
        private RopeScaling ropeScaling;
        private List<Long> kvCacheMemory = List.of();
        private Long weightsMemory;
        private Long activationMemory;
        private Long otherMemory;

        public Builder tensorParallel(int v) { tensorParallel = v; return this; }
        public Builder deviceMemory(long... perRank) { deviceMemory = boxed(perRank); return this; }
        public Builder utilization(double v) { utilization = v; return this; }
        public Builder dtype(WeightDtype v) { dtype = v; return this; }
        public Builder kvCacheDtype(KvCacheDType v) { kvCacheDtype = v; return this; }
        public Builder blockSize(int v) { blockSize = v; return this; }
        public Builder maxModelLen(Integer v) { maxModelLen = v; return this; }
        public Builder maxNumBatchedTokens(int v) { maxNumBatchedTokens = v; return this; }
        public Builder ropeScaling(RopeScaling v) { ropeScaling = v; return this; }
        public Builder kvCacheMemory(long... perRank) { kvCacheMemory = boxed(perRank); return this; }
        public Builder weightsMemory(Long v) { weightsMemory = v; return this; }
        public Builder activationMemory(Long v) { activationMemory = v; return this; }
        public Builder otherMemory(Long v) { otherMemory = v; return this; }

        public PlanInputs build() {
            return new PlanInputs(tensorParallel, deviceMemory, utilization, dtype, kvCacheDtype, blockSize,
                    maxModelLen, maxNumBatchedTokens, ropeScaling, kvCacheMemory, weightsMemory, activationMemory,
                    otherMemory);
        }

        private static List<Long> boxed(long[] values) {
            return java.util.Arrays.stream(values).boxed().toList();
        }
    }
}
