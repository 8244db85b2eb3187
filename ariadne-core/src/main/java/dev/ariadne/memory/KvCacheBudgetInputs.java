package dev.ariadne.memory;

import dev.ariadne.kv.KvCacheDType;

/**
 * What the engine measured at start-up, and what it was asked for, to size its paged KV cache
 * ({@link KvCacheSizing#compute}).
 *
 * @param weightsBytes        bytes of the loaded (memory-mapped) weight tensors
 * @param activationPeakBytes activation peak of the profiling step: preallocated buffers plus what the step allocated
 * @param otherBytes          other runtime memory: JVM heap in use besides activations, non-heap (code cache,
 *                            metaspace), thread stacks ({@link RuntimeMemory})
 * @param host                physical memory or cgroup limit ({@link HostMemory#detect()})
 * @param memoryUtilization   {@code --gpu-memory-utilization}: the fraction of {@code host.limit()} the engine may use,
 *                            in (0, 1]
 * @param kvCacheMemoryBytes  {@code --kv-cache-memory}, or -1 when not given; when given it is the KV budget and the
 *                            measured figures are only reported
 * @param numBlocksOverride   {@code --num-gpu-blocks-override}, or -1 when not given; when given the cache has exactly
 *                            that many blocks, whatever the budget (vLLM {@code may_override_num_blocks})
 * @param blockSize           tokens per KV block
 * @param maxModelLen         tokens one request may reach
 * @param numLayers           layers with a KV cache
 * @param kvHeads             key/value heads (on this rank)
 * @param headDim             values per head
 * @param kvDtype             what the engine stores K and V as
 * @param latent              latent attention: one row of headDim values per token and layer (c_kv + k_pe), no V
 */
public record KvCacheBudgetInputs(long weightsBytes, long activationPeakBytes, long otherBytes, HostMemory host,
                                  double memoryUtilization, long kvCacheMemoryBytes, int numBlocksOverride,
                                  int blockSize, int maxModelLen, int numLayers, int kvHeads, int headDim,
                                  KvCacheDType kvDtype, boolean latent) {

    /** Grouped-query attention: K and V rows per KV head. */
    public KvCacheBudgetInputs(long weightsBytes, long activationPeakBytes, long otherBytes, HostMemory host,
                               double memoryUtilization, long kvCacheMemoryBytes, int numBlocksOverride,
                               int blockSize, int maxModelLen, int numLayers, int kvHeads, int headDim,
                               KvCacheDType kvDtype) {
        this(weightsBytes, activationPeakBytes, otherBytes, host, memoryUtilization, kvCacheMemoryBytes,
                numBlocksOverride, blockSize, maxModelLen, numLayers, kvHeads, headDim, kvDtype, false);
    }

    /** What one token's cache rows take. */
    public KvFootprint footprint() {
        return latent ? KvFootprint.latent(kvDtype, numLayers, headDim)
                : KvFootprint.gqa(kvDtype, numLayers, kvHeads, headDim);
    }

    /** The value of {@code kvCacheMemoryBytes} and {@code numBlocksOverride} that means "not given". */
    public static final int NOT_GIVEN = -1;

    public KvCacheBudgetInputs {
        requireNonNegative("weights", weightsBytes);
        requireNonNegative("activation peak", activationPeakBytes);
        requireNonNegative("other runtime memory", otherBytes);
        if (host == null) {
            throw new IllegalArgumentException("the host's memory is required (HostMemory.detect())");
        }
        if (!(memoryUtilization > 0 && memoryUtilization <= 1)) {
            throw new IllegalArgumentException("--gpu-memory-utilization must be in (0, 1], found " + memoryUtilization);
        }
        if (kvCacheMemoryBytes < NOT_GIVEN) {
            throw new IllegalArgumentException("--kv-cache-memory must be a number of bytes (or -1 for not given), found "
                    + kvCacheMemoryBytes);
        }
        if (numBlocksOverride != NOT_GIVEN && numBlocksOverride < 1) {
            throw new IllegalArgumentException("--num-gpu-blocks-override must be positive (or -1 for not given), found "
                    + numBlocksOverride);
        }
        requirePositive("--block-size", blockSize);
        requirePositive("--max-model-len", maxModelLen);
        requirePositive("layer count", numLayers);
        requirePositive("KV head count", kvHeads);
        requirePositive("head dim", headDim);
        if (kvDtype == null) {
            throw new IllegalArgumentException("the KV cache dtype is required");
        }
    }

    public boolean kvCacheMemoryGiven() {
        return kvCacheMemoryBytes != NOT_GIVEN;
    }

    public boolean numBlocksOverridden() {
        return numBlocksOverride != NOT_GIVEN;
    }

    /** Weights, activation peak and other memory: what the KV cache must leave room for. */
    public long nonKvBytes() {
        return weightsBytes + activationPeakBytes + otherBytes;
    }

    private static void requireNonNegative(String what, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException(what + " must be a number of bytes, found " + bytes);
        }
    }

    private static void requirePositive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, found " + v);
        }
    }
}
