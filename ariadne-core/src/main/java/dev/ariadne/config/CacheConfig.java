package dev.ariadne.config;

/**
 * The paged KV cache: block size, prefix caching, and how much memory it gets (vLLM's {@code CacheConfig}).
 *
 * @param blockSize           tokens per block (--block-size); a power of two
 * @param prefixCaching       reuse the blocks of shared prompt prefixes (--enable-prefix-caching)
 * @param memoryUtilization   fraction of the memory available to the process (physical or cgroup limit) the
 *                            engine may use in all (--gpu-memory-utilization)
 * @param kvCacheMemoryBytes  KV cache bytes, instead of what the utilization leaves (--kv-cache-memory); -1 unset
 * @param numBlocksOverride   exactly this many blocks (--num-gpu-blocks-override); -1 unset
 * @param swapSpaceBytes      host/disk tier for preempted requests' blocks (--swap-space, GiB on the CLI); 0 none
 */
public record CacheConfig(int blockSize, boolean prefixCaching, double memoryUtilization, long kvCacheMemoryBytes,
                          int numBlocksOverride, long swapSpaceBytes) {
    public CacheConfig {
        if (blockSize < 1 || blockSize > 1024 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("--block-size must be a power of two from 1 to 1024, found "
                    + blockSize);
        }
        if (!(memoryUtilization > 0 && memoryUtilization <= 1)) {
            throw new IllegalArgumentException("--gpu-memory-utilization must be in (0, 1], found "
                    + memoryUtilization);
        }
        if (kvCacheMemoryBytes < -1 || kvCacheMemoryBytes == 0) {
            throw new IllegalArgumentException("--kv-cache-memory must be a positive number of bytes, found "
                    + kvCacheMemoryBytes);
        }
        if (numBlocksOverride < -1 || numBlocksOverride == 0) {
            throw new IllegalArgumentException("--num-gpu-blocks-override must be positive, found "
                    + numBlocksOverride);
        }
        if (swapSpaceBytes < 0) {
            throw new IllegalArgumentException("--swap-space must be >= 0, found " + swapSpaceBytes);
        }
    }

    public static CacheConfig defaults() {
        return new CacheConfig(16, true, 0.9, -1, -1, 0);
    }

    public CacheConfig withNumBlocksOverride(int n) {
        return new CacheConfig(blockSize, prefixCaching, memoryUtilization, kvCacheMemoryBytes, n, swapSpaceBytes);
    }

    public CacheConfig withKvCacheMemory(long bytes) {
        return new CacheConfig(blockSize, prefixCaching, memoryUtilization, bytes, numBlocksOverride, swapSpaceBytes);
    }

    public CacheConfig withBlockSize(int n) {
        return new CacheConfig(n, prefixCaching, memoryUtilization, kvCacheMemoryBytes, numBlocksOverride,
                swapSpaceBytes);
    }

    public CacheConfig withPrefixCaching(boolean on) {
        return new CacheConfig(blockSize, on, memoryUtilization, kvCacheMemoryBytes, numBlocksOverride,
                swapSpaceBytes);
    }

    public CacheConfig withSwapSpace(long bytes) {
        return new CacheConfig(blockSize, prefixCaching, memoryUtilization, kvCacheMemoryBytes, numBlocksOverride,
                bytes);
    }
}
