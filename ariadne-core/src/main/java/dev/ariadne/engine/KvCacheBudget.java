package dev.ariadne.engine;

import dev.ariadne.config.EngineConfig;
import dev.ariadne.kv.KvRows;
import dev.ariadne.kv.PagedKvStorage;
import dev.ariadne.memory.HostMemory;
import dev.ariadne.model.DecoderModel;

import java.util.List;

/** How many KV blocks the engine gets, from the measured memory (placeholder until the planner's sizing lands). */
record KvCacheBudget(int numBlocks, List<String> lines, boolean fits, long largest, int maxModelLen) {

    static KvCacheBudget of(EngineConfig config, DecoderModel model, KvRows rows, int maxModelLen,
                            ProfiledMemory profile) {
        var c = model.config();
        var cc = config.cache();
        long blockBytes = PagedKvStorage.bytesPerBlock(c.numLayers(), c.numKvHeads(), c.headDim(), cc.blockSize(),
                rows.dtype());
        long available;
        if (cc.kvCacheMemoryBytes() > 0) {
            available = cc.kvCacheMemoryBytes();
        } else {
            HostMemory host = HostMemory.detect();
            available = (long) (host.limit() * cc.memoryUtilization()) - model.weights().bytes()
                    - profile.peakBytes() - Runtime.getRuntime().totalMemory();
        }
        int blocks = cc.numBlocksOverride() > 0 ? cc.numBlocksOverride()
                : (int) Math.min(Integer.MAX_VALUE, Math.max(0, available / blockBytes));
        long perRequest = Math.ceilDiv(maxModelLen, cc.blockSize());
        List<String> lines = List.of("KV cache size: " + (long) blocks * cc.blockSize() + " tokens",
                String.format(java.util.Locale.ROOT, "Maximum concurrency for %d tokens per request: %.2fx",
                        maxModelLen, blocks / (double) perRequest));
        return new KvCacheBudget(blocks, lines, blocks >= perRequest, (long) blocks * cc.blockSize(), maxModelLen);
    }

    void requireFitsOneRequest() {
        if (!fits) {
            throw new IllegalStateException("one request of " + maxModelLen + " tokens does not fit; the largest"
                    + " --max-model-len that fits is " + largest);
        }
    }
}
