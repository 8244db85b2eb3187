package dev.ariadne.memory;

import java.util.Locale;

/**
 * Blocks, tokens and concurrency for a KV budget, with vLLM's arithmetic ({@code v1/core/kv_cache_utils.py}):
 *
 * <pre>
 * num_blocks      = available // page_size // num_layers         (get_num_blocks; the minimum over ranks)
 * KV cache size   = num_blocks x block_size tokens
 * max concurrency = num_blocks / ceil(max_model_len / block_size)  (get_max_concurrency_for_kv_cache_config)
 * largest length  = num_blocks x block_size                      (what estimate_max_model_len finds)
 * </pre>
 */
public record KvCapacity(long availableBytes, KvFootprint kv, int blockSize, int maxModelLen, long numBlocks) {

    public static KvCapacity of(long availableBytes, KvFootprint kv, int blockSize, int maxModelLen) {
        long blocks = Math.max(0, availableBytes) / kv.pageBytes(blockSize) / kv.layers();
        return new KvCapacity(availableBytes, kv, blockSize, maxModelLen, blocks);
    }

    public long tokens() {
        return numBlocks * blockSize;
    }

    public long blocksPerRequest() {
        return Math.ceilDiv(maxModelLen, blockSize);
    }

    public double concurrency() {
        return numBlocks / (double) blocksPerRequest();
    }

    public boolean fitsOneRequest() {
        return numBlocks >= blocksPerRequest();
    }

    /** The longest max-model-len one request could have with these blocks. */
    public long largestMaxModelLen() {
        return tokens();
    }

    /** KV bytes one request of {@code maxModelLen} tokens needs on one rank. */
    public long bytesPerRequest() {
        return blocksPerRequest() * kv.blockBytes(blockSize);
    }

    /** Whole blocks a concurrency of {@code c} needs: {@code ceil(c x blocks per request)}. */
    public long blocksForConcurrency(double c) {
        return (long) Math.ceil(c * blocksPerRequest() - 1e-9);
    }

    /** KV bytes on the smallest rank a concurrency of {@code c} needs. */
    public long bytesForConcurrency(double c) {
        return blocksForConcurrency(c) * kv.blockBytes(blockSize);
    }

    /** {@code KV cache size: 187,840 tokens}, as vLLM's start-up log. */
    public String sizeLine() {
        return "KV cache size: " + ByteSize.count(tokens()) + " tokens (" + ByteSize.count(numBlocks)
                + " blocks of " + blockSize + ")";
    }

    /** {@code Maximum concurrency for 32,768 tokens per request: 5.73x}, as vLLM's start-up log. */
    public String concurrencyLine() {
        return "Maximum concurrency for " + ByteSize.count(maxModelLen) + " tokens per request: "
                + String.format(Locale.ROOT, "%.2fx", concurrency());
    }

    /** How one request maps to blocks and bytes, so a reported concurrency can be turned back into memory. */
    public String perRequestLine() {
        return "One request of " + ByteSize.count(maxModelLen) + " tokens takes " + ByteSize.count(blocksPerRequest())
                + " blocks = " + ByteSize.gib(bytesPerRequest()) + " of KV per rank; a concurrency of c needs c x "
                + ByteSize.gib(bytesPerRequest()) + " on the smallest rank";
    }

    /**
     * Explains a concurrency someone observed that differs from this plan's: the KV the smallest rank must have had,
     * and the gap to this budget.
     */
    public String explainObserved(double observed) {
        long blocks = blocksForConcurrency(observed);
        long bytes = bytesForConcurrency(observed);
        String head = String.format(Locale.ROOT, "A reported %.2fx for %s tokens per request", observed,
                ByteSize.count(maxModelLen));
        if (blocks == numBlocks || Math.abs(observed - concurrency()) < 0.005) {
            return head + " matches this plan (" + ByteSize.count(numBlocks) + " blocks).";
        }
        long gap = availableBytes - bytes;
        return head + " would need about " + ByteSize.gib(bytes) + " of KV cache on the smallest rank ("
                + ByteSize.count(blocks) + " blocks), not " + ByteSize.gib(availableBytes) + " (" + ByteSize.count(numBlocks)
                + " blocks, " + String.format(Locale.ROOT, "%.2fx", concurrency()) + "): vLLM takes the minimum over "
                + "ranks, so either one rank had about " + ByteSize.gib(Math.abs(gap))
                + (gap > 0 ? " less" : " more") + " free memory or the figures come from different runs.";
    }
}
