package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The engine's paged KV cache, sized at start-up from what it measured, exactly as vLLM sizes its own
 * ({@code v1/worker/gpu_worker.py::determine_available_memory}, {@code v1/core/kv_cache_utils.py}):
 *
 * <pre>
 * available   = memory x utilization - (weights + activation peak + other)     or --kv-cache-memory
 * page        = 2 (K, V) x block_size x kv_heads x head_dim x bytes per value  (one block of one layer)
 * num_blocks  = available // page // num_layers                                (get_num_blocks; 0 when negative)
 *             = --num-gpu-blocks-override when given                           (may_override_num_blocks)
 * size        = num_blocks x block_size tokens
 * concurrency = num_blocks / ceil(max_model_len / block_size)                  (get_max_concurrency_for_kv_cache_config)
 * needed      = ceil(max_model_len / block_size) x page x num_layers           (one request; max_memory_usage_bytes)
 * </pre>
 *
 * <p>{@code memoryBlocks} is what the budget holds, {@code numBlocks} what the cache gets (the override, if any).
 * The engine logs {@link #startupLines()}, then calls {@link #requireFitsOneRequest()} before allocating
 * {@code numBlocks} blocks per layer.
 */
public record KvCacheSizing(KvCacheBudgetInputs inputs, KvFootprint kv, MemoryBudget budget, int memoryBlocks,
                            int numBlocks) {

    public static KvCacheSizing compute(KvCacheBudgetInputs in) {
        KvFootprint kv = in.footprint();
        RankBudget rank = in.kvCacheMemoryGiven()
                ? new RankBudget(0, 0, 0, new Amount(in.kvCacheMemoryBytes(), "given by --kv-cache-memory"))
                : RankBudget.fromMemory(0, in.host().limit(), in.memoryUtilization(), in.nonKvBytes(),
                MemoryPlanner.MEMORY_BUDGET_ORIGIN);
        MemoryBudget budget = new MemoryBudget(in.memoryUtilization(), new Amount(in.weightsBytes(), "loaded"),
                new Amount(in.activationPeakBytes(), "profiled"), new Amount(in.otherBytes(), "measured"),
                List.of(rank));
        long blocks = KvCapacity.of(rank.kv().bytes(), kv, in.blockSize(), in.maxModelLen()).numBlocks();
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(ByteSize.gib(rank.kv().bytes()) + " of KV cache makes "
                    + ByteSize.count(blocks) + " blocks, more than a block table can number: raise --block-size");
        }
        int numBlocks = in.numBlocksOverridden() ? in.numBlocksOverride() : (int) blocks;
        return new KvCacheSizing(in, kv, budget, (int) blocks, numBlocks);
    }

    /** The KV budget in bytes; negative when weights, activations and other memory exceed the requested share. */
    public long availableKvBytes() {
        return budget.smallest().kv().bytes();
    }

    /** The blocks, tokens and concurrency of the cache the engine allocates. */
    public KvCapacity capacity() {
        return new KvCapacity(availableKvBytes(), kv, inputs.blockSize(), inputs.maxModelLen(), numBlocks);
    }

    /**
     * {@code numBlocks x blockSize}: vLLM's {@code GPU KV cache size: N tokens}. (Recent vLLM prints
     * {@code int(concurrency x max_model_len)}, the same figure when max_model_len is a multiple of the block size.)
     */
    public long tokens() {
        return capacity().tokens();
    }

    /** Requests of {@code maxModelLen} tokens the cache holds at once: {@code numBlocks / ceil(maxModelLen / blockSize)}. */
    public double maxConcurrency() {
        return capacity().concurrency();
    }

    /** Bytes the engine allocates: {@code numBlocks} blocks of every layer. */
    public long kvCacheBytes() {
        return numBlocks * kv.blockBytes(inputs.blockSize());
    }

    public long blocksPerRequest() {
        return capacity().blocksPerRequest();
    }

    /** KV bytes one request of {@code maxModelLen} tokens needs (vLLM {@code max_memory_usage_bytes}). */
    public long neededKvBytes() {
        return capacity().bytesPerRequest();
    }

    /**
     * Whether one request of {@code maxModelLen} fits: vLLM's check on the budget (positive, and at least
     * {@link #neededKvBytes()}), and, stricter than vLLM, on the blocks an override leaves.
     */
    public boolean fitsOneRequest() {
        return availableKvBytes() > 0 && memoryBlocks >= blocksPerRequest() && numBlocks >= blocksPerRequest();
    }

    /**
     * The longest {@code --max-model-len} one request could have: {@code numBlocks x blockSize}. vLLM's
     * {@code estimate_max_model_len} searches {@code [1, max_model_len]} for the longest length whose
     * {@code ceil(len / block_size)} blocks fit the budget, which is this figure whenever a request does not fit.
     */
    public long largestMaxModelLen() {
        return capacity().largestMaxModelLen();
    }

    /** The start-up report, in the words of {@code ariadne plan} ({@link PlanReport}) and vLLM's log. */
    public List<String> startupLines() {
        List<String> out = new ArrayList<>();
        if (!inputs.kvCacheMemoryGiven()) {
            out.add(PlanReport.memoryLine(budget, inputs.host().source()));
        }
        out.add(PlanReport.nonKvLine(budget));
        out.add(PlanReport.kvMemoryLine(budget));
        out.add(PlanReport.kvPerTokenLine(kv, inputs.blockSize(), false));
        if (inputs.numBlocksOverridden()) {
            out.add("Overriding num_blocks=" + ByteSize.count(memoryBlocks) + " with --num-gpu-blocks-override "
                    + numBlocks + " (" + ByteSize.gib(kvCacheBytes()) + " of KV cache)");
        }
        out.addAll(PlanReport.capacityLines(capacity()));
        return out;
    }

    /**
     * Refuses to start when one request of {@code maxModelLen} tokens does not fit, with vLLM's reasons
     * ({@code kv_cache_utils.py::_check_enough_kv_cache_memory}) and the largest {@code --max-model-len} that would.
     *
     * @throws InsufficientKvCacheException with the numbers and what to change
     */
    public void requireFitsOneRequest() {
        if (availableKvBytes() <= 0) {
            throw new InsufficientKvCacheException(noMemoryMessage(), 0);
        }
        int maxLen = inputs.maxModelLen();
        if (memoryBlocks < blocksPerRequest()) {
            long estimate = (long) memoryBlocks * inputs.blockSize();
            String estimated = estimate > 0
                    ? "Based on the available memory, the estimated maximum model length is " + estimate + ". "
                    : "The available memory does not hold one block of " + inputs.blockSize() + " tokens ("
                    + ByteSize.human(kv.blockBytes(inputs.blockSize())) + "). ";
            throw new InsufficientKvCacheException("To serve at least one request with the model's max seq len ("
                    + maxLen + "), (" + ByteSize.gib(neededKvBytes()) + " KV cache is needed, which is larger than the"
                    + " available KV cache memory (" + ByteSize.gib(availableKvBytes()) + "). " + estimated + "Try "
                    + (inputs.kvCacheMemoryGiven() ? "increasing --kv-cache-memory" : "increasing --gpu-memory-utilization"
                    + utilizationHint()) + " or decreasing --max-model-len when starting the engine.", estimate);
        }
        if (numBlocks < blocksPerRequest()) {
            throw new InsufficientKvCacheException("--num-gpu-blocks-override " + numBlocks + " gives "
                    + largestMaxModelLen() + " tokens of KV cache, fewer than one request of the max seq len ("
                    + maxLen + ") needs (" + blocksPerRequest() + " blocks of " + inputs.blockSize() + "). The largest"
                    + " max model length these blocks serve is " + largestMaxModelLen() + ". Try increasing"
                    + " --num-gpu-blocks-override or decreasing --max-model-len when starting the engine.",
                    largestMaxModelLen());
        }
    }

    private String noMemoryMessage() {
        String need = " One request of " + inputs.maxModelLen() + " tokens needs " + ByteSize.gib(neededKvBytes())
                + " of KV cache.";
        if (inputs.kvCacheMemoryGiven()) {
            return "No available memory for the KV cache blocks: --kv-cache-memory is " + inputs.kvCacheMemoryBytes()
                    + " bytes." + need + " Try increasing --kv-cache-memory when starting the engine.";
        }
        RankBudget r = budget.smallest();
        return "No available memory for the KV cache blocks: weights " + ByteSize.gib(inputs.weightsBytes())
                + " + activation peak " + ByteSize.gib(inputs.activationPeakBytes()) + " + other "
                + ByteSize.gib(inputs.otherBytes()) + " = " + ByteSize.gib(inputs.nonKvBytes()) + " exceed memory "
                + ByteSize.gib(r.totalMemory()) + " (" + inputs.host().source() + ") x utilization "
                + String.format(Locale.ROOT, "%.2f", inputs.memoryUtilization()) + " = " + ByteSize.gib(r.requested())
                + " by " + ByteSize.gib(-availableKvBytes()) + "." + need + " Try increasing --gpu-memory-utilization"
                + utilizationHint() + " when starting the engine.";
    }

    /** {@code " (0.95 would fit one request)"}, or why no utilization would; empty with --kv-cache-memory. */
    private String utilizationHint() {
        if (inputs.kvCacheMemoryGiven()) return "";
        long total = inputs.host().limit();
        long needed = inputs.nonKvBytes() + neededKvBytes();
        double u = Math.ceil(needed * 100.0 / total) / 100;
        if (u <= 1 && RankBudget.fromMemory(0, total, u, inputs.nonKvBytes(), "").kv().bytes() < neededKvBytes()) {
            u += 0.01;
        }
        if (u > 1) {
            return " (even 1.00 is too little: one request needs " + ByteSize.gib(needed) + " in all, this machine allows "
                    + ByteSize.gib(total) + "; use a smaller or quantized model)";
        }
        return String.format(Locale.ROOT, " (%.2f would fit one request)", u);
    }
}
